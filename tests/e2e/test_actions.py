"""End-to-end tests of the response actions: an admin declares a signed
webhook and the built-ins; a lead runs them from an alert after the
confirmation page; the webhook reaches a loopback receiver signed with
the alert's fields, "deactivate account" really locks the account out,
"disable source" really refuses its token; a run with nothing to act on
is refused and changes nothing; analysts may not run actions."""

import http.server
import json
import threading
import time

from harness import Client, check, test
from test_alerts import wait_for
from test_ingest import admin_token, api, ingest, new_source
from test_notifications import Hooks

PW = "Lavender staircase at noon"


def detection(user, host, i=0):
    return {"@timestamp": int(time.time()) - 30 + i,
            "event": {"kind": "alert", "category": "intrusion_detection", "severity": 80,
                      "id": f"edr-{user}-{host}-{i}"},
            "rule": {"id": "EDR-42", "name": "Credential dumping tool"},
            "host": {"name": host}, "user": {"name": user}, "source": {"ip": "10.0.1.44"},
            "message": f"mimikatz.exe run by {user} on {host}"}


@test
def response_actions(_):
    from harness import Server
    srv = Server(SECURA_WEBHOOK_ALLOW_PRIVATE="1").start()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        tok = admin_token(srv)
        srv.add_user("ra-lead@example.org", "lead", PW)
        srv.add_user("ra-analyst@example.org", "analyst", PW)
        srv.add_user("mallory@example.org", "employee", PW)
        _, sid, token = new_source(srv, tok, "edr", "generic")
        r = ingest(srv, token, (json.dumps(detection("mallory", "WS-07")) + "\n" +
                                json.dumps(detection("nobody-here", "WS-09"))).encode())
        check(r.status == 200 and r.json()["accepted"] == 2, "two detections are taken", r.text)
        alerts = wait_for(lambda: (lambda a: a if len(a) == 2 else None)(
            api(srv, tok, "GET", "/alerts?detector=detection:EDR-42").json().get("alerts", [])))
        by = {a["user"]: a for a in alerts or []}
        check(set(by) == {"mallory", "nobody-here"}, "each detection is an alert", alerts)

        Hooks.secret, Hooks.fail, Hooks.delay = b"firewall-shared-secret-0123", False, 0
        Hooks.got.clear()
        port = httpd.server_address[1]
        r = api(srv, tok, "POST", "/admin/actions", {"name": "Block at the firewall", "kind": "webhook",
                                                     "url": f"http://127.0.0.1:{port}/block",
                                                     "secret": Hooks.secret.decode()})
        check(r.status == 201, "an admin declares a webhook action", r.text[:300])
        hook = r.json()["id"]
        bad = api(srv, tok, "POST", "/admin/actions", {"name": "x", "kind": "webhook", "url": "ftp://x.example"})
        check(bad.status == 422, "a webhook action needs an http(s) URL", bad.text[:200])
        deact = api(srv, tok, "POST", "/admin/actions",
                    {"name": "Lock the account", "kind": "deactivate_account"}).json()["id"]
        disable = api(srv, tok, "POST", "/admin/actions",
                      {"name": "Stop the source", "kind": "disable_source"}).json()["id"]

        lead, analyst, victim = Client(srv), Client(srv), Client(srv)
        lead.login("ra-lead@example.org", PW)
        analyst.login("ra-analyst@example.org", PW)
        check(victim.login("mallory@example.org", PW).status == 303, "mallory can sign in before")
        m = by["mallory"]["id"]
        page = lead.get(f"/alerts/{m}")
        check("Block at the firewall" in page.text and "Lock the account" in page.text,
              "the alert page offers the lead the declared actions")
        check("Block at the firewall" not in analyst.get(f"/alerts/{m}").text,
              "an analyst is not offered them")
        conf = lead.get(f"/alerts/{m}/actions/{hook}")
        check(conf.status == 200 and f"127.0.0.1:{port}/block" in conf.text and "Yes, run it" in conf.text,
              "the confirmation page says where the alert will go")
        check(analyst.form_post(f"/alerts/{m}", f"/alerts/{m}/actions/{hook}", {}).status == 403,
              "an analyst may not run an action")
        r = lead.form_post(f"/alerts/{m}/actions/{hook}", f"/alerts/{m}/actions/{hook}", {})
        check(r.status == 303, "the lead runs the webhook action", r.status)
        got = wait_for(lambda: [g for g in Hooks.got if g["event"] == "alert.action"], 30)
        body = got[0]["body"] if got else {}
        check(got and got[0]["valid"] and body.get("alert", {}).get("id") == m
              and body["alert"].get("user") == "mallory" and body["alert"].get("ip") == "10.0.1.44"
              and body.get("action", {}).get("name") == "Block at the firewall",
              "the receiver gets the alert's fields, signed", got)
        runs = wait_for(lambda: (lambda rs: rs if rs and rs[0]["delivery"] == "sent" else None)(
            api(srv, tok, "GET", f"/alerts/{m}").json()["alert"]["runs"]), 20) or []
        check(runs and runs[0]["state"] == "queued" and runs[0]["delivery"] == "sent",
              "the run is listed on the alert with its delivery state", runs)

        r = lead.form_post(f"/alerts/{m}/actions/{deact}", f"/alerts/{m}/actions/{deact}", {})
        check(r.status == 303, "the lead deactivates the account the alert names", r.status)
        check(victim.get("/").status == 303, "mallory's session has ended")
        check(Client(srv).login("mallory@example.org", PW).status != 303, "mallory cannot sign in again")
        n = by["nobody-here"]["id"]
        r = api(srv, tok, "POST", f"/alerts/{n}/actions/{deact}")
        check(r.status == 409 and "no Secura account matches" in r.text,
              "an alert naming no account is refused with the reason", r.text[:300])
        hist = api(srv, tok, "GET", f"/alerts/{n}").json()["alert"]
        check(hist["runs"] and hist["runs"][0]["state"] == "refused"
              and any(h["action"] == "action" for h in hist["history"]),
              "the refusal is kept on the alert and in its history", hist["runs"])

        r = lead.form_post(f"/alerts/{m}/actions/{disable}", f"/alerts/{m}/actions/{disable}", {})
        check(r.status == 303 and ingest(srv, token, json.dumps(detection("x", "y")).encode()).status == 403,
              "disabling the alert's source refuses its token at once", r.status)
        api(srv, tok, "POST", f"/admin/actions/{hook}/enable", {"enabled": "0"})
        check(lead.get(f"/alerts/{m}/actions/{hook}").status == 404, "a disabled action cannot be run")
    finally:
        httpd.shutdown()
        srv.stop()
