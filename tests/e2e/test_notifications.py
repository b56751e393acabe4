"""End-to-end tests of notifications, live streams, outbound delivery and
clocks, on an instance of their own: the worker is driven by the tests
(`build/worker --once`, or killed mid-batch), email goes to a real SMTP
server on loopback (aiosmtpd) and webhooks to a receiver on loopback that
checks the signature; deadlines are crossed with SECURA_NOW_OFFSET."""

import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time

from harness import BIN, ROOT, Client, Server, check, free_port, test
from test_incidents import PW

H = 3600


class Stream:
    """An EventSource-like client of /events over a raw socket (HTTP/1.0,
    so the body is the event stream itself), read by a thread."""

    def __init__(self, srv, token=None, cookie=None, last_id=None):
        self.events = queue.Queue()
        self.closed = threading.Event()
        self.status = None
        hdrs = f"Host: 127.0.0.1:{srv.port}\r\nAccept: text/event-stream\r\n"
        if token:
            hdrs += f"Authorization: Bearer {token}\r\n"
        if cookie:
            hdrs += f"Cookie: secura_session={cookie}\r\n"
        if last_id is not None:
            hdrs += f"Last-Event-ID: {last_id}\r\n"
        self.sock = socket.create_connection(("127.0.0.1", srv.port))
        self.sock.sendall(f"GET /events HTTP/1.0\r\n{hdrs}\r\n".encode())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        f = self.sock.makefile("rb")
        try:
            self.status = int(f.readline().split()[1])
            while f.readline().strip():
                pass
            ev = {}
            for raw in f:
                line = raw.decode().rstrip("\n")
                if not line:
                    if ev:
                        self.events.put((time.monotonic(), ev))
                    ev = {}
                elif not line.startswith(":"):
                    k, _, v = line.partition(": ")
                    ev[k] = v
        except (OSError, ValueError, IndexError):
            pass
        self.closed.set()

    def next(self, timeout=3.0, kind="notification"):
        """The next event of kind (others skipped) as (time, event), or
        (None, None) when none comes in time."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                t, ev = self.events.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            if ev.get("event") == kind:
                return t, ev
        return None, None

    def drain(self, wait=0.5):
        """Every notification event arriving within wait seconds."""
        out = []
        while True:
            t, ev = self.next(wait)
            if ev is None:
                return out
            out.append(ev)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class Hooks(http.server.BaseHTTPRequestHandler):
    """Webhook receiver: records each POST with whether its signature
    verifies; answers 500 while `fail` is set, slowly when `delay` is."""
    secret = b""
    got = []
    fail = False
    delay = 0.0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sig = dict(p.split("=", 1) for p in self.headers.get("X-Secura-Signature", "").split(","))
        mac = hmac.new(Hooks.secret, sig.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        if Hooks.delay:
            time.sleep(Hooks.delay)
        Hooks.got.append({"body": json.loads(body), "valid": hmac.compare_digest(mac, sig.get("v1", "")),
                          "event": self.headers.get("X-Secura-Event"),
                          "delivery": self.headers.get("X-Secura-Delivery"),
                          "fresh": abs(int(sig.get("t", "0")) - time.time()) < 300})
        self.send_response(500 if Hooks.fail else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


def token(srv, email, scope="write"):
    r = srv.cli("token", "create", "--email", email, "--name", "t", "--scope", scope)
    return r.stdout.split("token: ")[1].split()[0] if "token: " in r.stdout else \
        next(w for w in r.stdout.split() if w.startswith("sec_"))


def api(srv, tok, method, path, body=None):
    return Client(srv).request(method, "/api/v1" + path, js=body,
                               headers={"Authorization": f"Bearer {tok}"})


def new_incident(srv, tok, title, **extra):
    r = api(srv, tok, "POST", "/incidents", dict(
        {"title": title, "description": "Seen on my screen.", "category": "malware"}, **extra))
    return r.json()["incident"] if r.status == 201 else None


def worker_once(srv, offset=0, **env):
    e = dict(srv.env, SECURA_NOW_OFFSET=str(offset), **{k: str(v) for k, v in env.items()})
    return subprocess.run([os.path.join(BIN, "worker"), "--once"], env=e,
                          capture_output=True, text=True, timeout=120)


def notifications(srv, tok, unread=False):
    r = api(srv, tok, "GET", "/notifications?limit=200" + ("&unread=1" if unread else ""))
    return r.json()["notifications"]


def scalar(srv, sql):
    return srv.sql(sql).stdout.strip()


@test
def notifications_streams_delivery_and_clocks(_):
    smtp_port, hook_port = free_port(), free_port()
    mail_dir = os.path.join(ROOT, "tests", "artifacts", "mail")
    os.makedirs(mail_dir, exist_ok=True)
    for f in os.listdir(mail_dir):
        os.unlink(os.path.join(mail_dir, f))
    sink = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "e2e", "smtp_sink.py"),
                             str(smtp_port), mail_dir], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()
    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    srv = Server(SECURA_NO_WORKER=1, SECURA_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
                 SECURA_SMTP_FROM="secura@example.org", SECURA_WEBHOOK_ALLOW_PRIVATE=1,
                 SECURA_DELIVERY_BACKOFF=0, SECURA_DELIVERY_ATTEMPTS=2,
                 SECURA_BASE_URL="https://secura.example.org").start()
    try:
        ids = {}
        for name, role in (("emp", "employee"), ("emp2", "employee"), ("ana", "analyst"),
                           ("ana2", "analyst"), ("lead", "lead"), ("admin2", "admin")):
            ids[name] = srv.add_user(f"{name}@example.org", role, PW)
        tok = {n: token(srv, f"{n}@example.org") for n in ids}
        live_streams(srv, tok, ids)
        centre_and_prefs(srv, tok, ids)
        email_delivery(srv, tok, ids, mail_dir)
        webhooks(srv, tok, hook_port)
        worker_killed_mid_batch(srv, tok, hook_port)
        clocks(srv, tok, ids)
    finally:
        srv.stop()
        hooks.shutdown()
        sink.send_signal(signal.SIGTERM)
        sink.wait(10)


def live_streams(srv, tok, ids):
    ana = Stream(srv, token=tok["ana"])
    emp2 = Stream(srv, token=tok["emp2"])
    check(ana.next(kind="hello")[1] is not None and ana.status == 200, "an analyst's stream opens with a hello event")
    emp2.next(kind="hello")
    t0 = time.monotonic()
    inc = new_incident(srv, tok["emp"], "Ransomware note on the file server")
    t, ev = ana.next(timeout=10.0)
    data = json.loads(ev["data"]) if ev else {}
    check(ev is not None and data.get("kind") == "incident_new" and inc["ref"] in data.get("title", ""),
          "the analyst's open stream receives the new incident",
          f"event {ev}; after {(t - t0) if t else None}")
    if t:
        print(f"# report -> analyst stream: {(t - t0) * 1000:.0f} ms")
    check(data.get("unread_count") == 1 and ev.get("id") == str(data.get("id")),
          "the event carries its id and the unread count")

    # an employee's stream never carries another employee's notifications
    api(srv, tok["ana"], "POST", f"/incidents/{inc['id']}/status", {"status": "triage"})
    api(srv, tok["ana"], "POST", f"/incidents/{inc['id']}/comments", {"body": "Please unplug it."})
    check(emp2.drain(1.0) == [], "another employee's stream carries none of it")
    emp = Stream(srv, token=tok["emp"], last_id=0)
    got = [json.loads(e["data"])["kind"] for e in emp.drain(1.0)]
    check(got == ["status", "comment"], "the reporter's stream replays their own status change and public comment",
          got)

    # reconnect with Last-Event-ID replays exactly what was missed
    last = int(ev["id"])
    ana.close()
    refs = [new_incident(srv, tok["emp"], f"Phishing wave {i}")["ref"] for i in range(3)]
    rows = notifications(srv, tok["ana"])
    missed = sorted(n["id"] for n in rows if n["id"] > last)
    again = Stream(srv, token=tok["ana"], last_id=last)
    replay = again.drain(1.0)
    check([int(e["id"]) for e in replay] == missed and len(missed) == 3 and
          all(r in json.loads(e["data"])["title"] for r, e in zip(refs, replay)),
          "a reconnect with Last-Event-ID replays exactly the missed events, in order",
          f"{[e.get('id') for e in replay]} vs {missed}")
    new_incident(srv, tok["emp"], "One more after the reconnect")
    check(len(again.drain(1.0)) == 1, "then the stream is live again, without repeats")
    again.close()
    emp.close()
    emp2.close()

    # logout ends the stream of that session; a revoked token ends its own
    c = Client(srv)
    c.login("ana2@example.org", PW)
    s2 = Stream(srv, cookie=c.cookies["secura_session"])
    s2.next(kind="hello")
    c.form_post("/", "/logout", {})
    check(s2.closed.wait(5), "signing out closes the live stream of that session")
    r = Stream(srv, cookie=c.cookies.get("secura_session", "x"))
    r.closed.wait(5)
    check(r.status == 401, "a stream without a valid session is refused (401)")

    c = Client(srv)
    c.login("ana2@example.org", PW)
    page = c.get("/")
    check('id="unread-count"' in page.text and "/static/live.js" in page.text,
          "every signed-in page has the unread badge and the live script")
    team = api(srv, tok["lead"], "GET", "/team").json()
    online = {m["email"] for m in team["online"]}
    check("ana2@example.org" in online, "the team page shows who was seen in the last 2 minutes", online)
    check(api(srv, tok["emp"], "GET", "/team").status == 403, "employees do not see the team page")


def centre_and_prefs(srv, tok, ids):
    before = api(srv, tok["ana"], "GET", "/notifications/count").json()["unread"]
    rows = notifications(srv, tok["ana"], unread=True)
    check(before == len(rows) and before >= 5, "the unread count matches the unread list", f"{before} {len(rows)}")
    r = api(srv, tok["ana"], "POST", f"/notifications/{rows[0]['id']}/read")
    after = api(srv, tok["ana"], "GET", "/notifications/count").json()["unread"]
    check(r.status == 200 and after == before - 1, "marking one read lowers the count")
    other = notifications(srv, tok["emp"])[0]["id"]
    check(api(srv, tok["ana"], "POST", f"/notifications/{other}/read").status == 404,
          "someone else's notification cannot be marked (404)")
    api(srv, tok["ana"], "POST", "/notifications/read-all")
    check(api(srv, tok["ana"], "GET", "/notifications/count").json()["unread"] == 0, "mark all read")
    bad = api(srv, tok["ana"], "POST", "/notifications/settings", {"incident_new": "sometimes"})
    check(bad.status == 422, "an unknown channel is refused (422)")
    api(srv, tok["ana"], "POST", "/notifications/settings", {"incident_new": "off"})
    n = len(notifications(srv, tok["ana"]))
    new_incident(srv, tok["emp"], "Tailgating at the back door")
    check(len(notifications(srv, tok["ana"])) == n, "a kind turned off writes nothing for that person")
    api(srv, tok["ana"], "POST", "/notifications/settings", {"incident_new": "app"})


def mails(folder):
    out = []
    for f in sorted(os.listdir(folder)):
        if f.endswith(".eml"):
            with open(os.path.join(folder, f), "rb") as fh:
                out.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
    return out


def email_delivery(srv, tok, ids, folder):
    api(srv, tok["ana"], "POST", "/notifications/settings", {"assigned": "email"})
    inc = new_incident(srv, tok["emp"], "Laptop stolen from the café")
    r = api(srv, tok["lead"], "POST", f"/incidents/{inc['id']}/assign", {"assignee_id": ids["ana"]})
    check(r.status == 200, "a lead assigns the incident")
    pending = scalar(srv, "SELECT count(*) FROM outbox WHERE channel = 'email' AND state = 'pending' "
                          "AND recipient = 'ana@example.org'")
    check(pending == "1", "the email is queued with the change (one pending outbox row)", pending)
    out = worker_once(srv)
    msgs = [m for m in mails(folder) if m["To"] == "ana@example.org"]
    check(out.returncode == 0 and len(msgs) == 1, "the worker delivers it to the SMTP server",
          out.stdout + out.stderr)
    if msgs:
        m = msgs[0]
        text = m.get_body(("plain",)).get_content()
        html = m.get_body(("html",)).get_content()
        check(m["To"] == "ana@example.org" and inc["ref"] in m["Subject"] and "café" in m["Subject"],
              "the message is addressed to the assignee with the reference and title (UTF-8 subject)",
              f"{m['To']} {m['Subject']}")
        check(f"https://secura.example.org/incidents/{inc['id']}" in text and "<a href=" in html,
              "it has a plain-text and an HTML part linking to the incident")
        check(m["Message-ID"].startswith("<n-") and m["X-Secura-Delivery"],
              "it carries its idempotency key (Message-ID, X-Secura-Delivery)")
    check(scalar(srv, "SELECT group_concat(DISTINCT state) FROM outbox WHERE channel = 'email'") == "sent",
          "the rows are marked sent")


def webhooks(srv, tok, port):
    Hooks.secret = b"a-long-shared-secret-for-tests"
    bad = api(srv, tok["admin2"], "POST", "/admin/webhooks",
              {"url": "ftp://example.org/x", "kinds": ["incident.created"]})
    check(bad.status == 422, "a non-http(s) webhook URL is refused (422)")
    check(api(srv, tok["lead"], "POST", "/admin/webhooks",
              {"url": f"http://127.0.0.1:{port}/hook", "kinds": ["incident.created"]}).status == 403,
          "only admins register webhooks")
    r = api(srv, tok["admin2"], "POST", "/admin/webhooks",
            {"url": f"http://127.0.0.1:{port}/hook", "kinds": ["incident.created", "incident.status"],
             "secret": Hooks.secret.decode()})
    check(r.status == 201 and r.json()["secret"] == Hooks.secret.decode(), "an admin registers a webhook")
    Hooks.got.clear()
    inc = new_incident(srv, tok["emp"], "USB stick found in the car park")
    refused = worker_once(srv, SECURA_WEBHOOK_ALLOW_PRIVATE=0)
    err = scalar(srv, "SELECT last_error FROM outbox WHERE channel = 'webhook' ORDER BY id DESC LIMIT 1")
    check(not Hooks.got and "refused" in err, "a loopback URL is refused unless allowed by configuration",
          refused.stdout + err)
    out = worker_once(srv)
    got = [g for g in Hooks.got if g["event"] == "incident.created"]
    check(len(got) == 1 and got[0]["valid"] and got[0]["fresh"] and got[0]["body"]["incident"]["ref"] == inc["ref"],
          "the receiver gets the event with a valid, timestamped X-Secura-Signature", f"{Hooks.got} {out.stderr}")
    check(got and got[0]["delivery"] == got[0]["body"]["id"], "the delivery id is in the header and the body")
    # dead after the last attempt, then retried by an admin
    Hooks.fail = True
    new_incident(srv, tok["emp"], "Fake invoice from a supplier")
    worker_once(srv)
    worker_once(srv)
    dead = scalar(srv, "SELECT max(id) FROM outbox WHERE state = 'dead'")
    check(dead != "", "a delivery failing every attempt goes dead")
    Hooks.fail = False
    lst = api(srv, tok["admin2"], "GET", "/admin/deliveries?state=dead").json()
    check(lst["counts"]["dead"] == 1 and lst["deliveries"][0]["retryable"], "admins see dead deliveries")
    r = api(srv, tok["admin2"], "POST", f"/admin/deliveries/{dead}/retry")
    worker_once(srv)
    check(r.status == 200 and scalar(srv, f"SELECT state FROM outbox WHERE id = {dead}") == "sent",
          "retry queues it again and the worker delivers it")
    check(api(srv, tok["admin2"], "POST", f"/admin/deliveries/{dead}/retry").status == 409,
          "a sent delivery cannot be retried (409)")


def worker_killed_mid_batch(srv, tok, port):
    Hooks.got.clear()
    Hooks.delay = 0.3
    for i in range(8):
        new_incident(srv, tok["emp"], f"Burst {i}")
    worker = subprocess.Popen([os.path.join(BIN, "worker")], env=srv.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 20
    while len(Hooks.got) < 3 and time.time() < end:
        time.sleep(0.05)
    worker.kill()
    worker.wait()
    Hooks.delay = 0
    received = {g["delivery"] for g in Hooks.got}
    sent = set(scalar(srv, "SELECT key FROM outbox WHERE channel = 'webhook' AND state = 'sent' "
                           "AND subject = 'incident.created' AND payload LIKE '%Burst%'").split())
    check(sent <= received, "after a kill mid-batch no delivery is marked sent that was not received",
          sent - received)
    check(len(received) < 8, "the kill did interrupt the batch", len(received))
    worker_once(srv)
    keys = set(scalar(srv, "SELECT key FROM outbox WHERE payload LIKE '%Burst%'").split())
    received = {g["delivery"] for g in Hooks.got}
    states = scalar(srv, "SELECT group_concat(DISTINCT state) FROM outbox WHERE payload LIKE '%Burst%'")
    check(len(keys) == 8 and keys <= received and states == "sent",
          "restarted, the worker delivers every message at least once", f"{len(keys)} {states}")


def clocks(srv, tok, ids):
    now = int(time.time())
    iso = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now))
    inc = new_incident(srv, tok["emp"], "Customer list e-mailed to the wrong person",
                       personal_data="1", noticed_at=iso)
    api(srv, tok["lead"], "POST", f"/incidents/{inc['id']}/assign", {"assignee_id": ids["ana2"]})
    page = api(srv, tok["ana"], "GET", f"/incidents/{inc['id']}").json()
    names = {k["clock"]: k for k in page.get("clocks", [])}
    check({"sla_triage", "sla_resolve", "gdpr_authority"} <= set(names) and
          names["gdpr_authority"]["state"] == "running",
          "the incident shows its SLA and GDPR clocks with the time left", names)

    def deadline_notes():
        return [n["title"] for n in notifications(srv, tok["lead"]) if n["kind"] == "deadline"
                and inc["ref"] in n["title"]]

    worker_once(srv, offset=47 * H)
    check(deadline_notes() == [], "nothing is said 25 h before the GDPR deadline")
    worker_once(srv, offset=49 * H)
    n1 = deadline_notes()
    check(len(n1) == 1 and "approaching" in n1[0], "a warning 24 h before the GDPR deadline", n1)
    worker_once(srv, offset=50 * H)
    check(len(deadline_notes()) == 1, "each warning is sent once")
    worker_once(srv, offset=67 * H)
    check(len(deadline_notes()) == 2, "a second warning 6 h before")
    worker_once(srv, offset=73 * H)
    n3 = deadline_notes()
    check(len(n3) == 3 and "missed" in n3[0], "a breach notification after 72 h", n3)
    assignee = [n for n in notifications(srv, tok["ana2"]) if n["kind"] == "deadline"]
    check(len(assignee) == 3, "the assignee is told too")
    sla = [n for n in notifications(srv, tok["lead"]) if n["kind"] == "sla" and inc["ref"] in n["title"]]
    check(any("SLA breached" in n["title"] for n in sla), "the missed triage SLA is notified as well",
          [n["title"] for n in sla])

    # the list filters by deadline (measured at the real time)
    old = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now - 71 * H))
    older = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now - 80 * H))
    soon = new_incident(srv, tok["emp"], "Database dump on a public share", personal_data="1", noticed_at=old)
    late = new_incident(srv, tok["emp"], "Payroll file sent outside", personal_data="1", noticed_at=older)
    due = [i["ref"] for i in api(srv, tok["ana"], "GET", "/incidents?due=24h&limit=200").json()["incidents"]]
    breached = [i["ref"] for i in api(srv, tok["ana"], "GET", "/incidents?due=breached&limit=200").json()["incidents"]]
    calm = new_incident(srv, tok["emp"], "False alarm: the printer again")
    api(srv, tok["ana"], "POST", f"/incidents/{calm['id']}/status", {"status": "rejected"})
    due = [i["ref"] for i in api(srv, tok["ana"], "GET", "/incidents?due=24h&limit=200").json()["incidents"]]
    check(soon["ref"] in due and late["ref"] in due and calm["ref"] not in due,
          "deadline within 24 h lists running clocks due soon (GDPR in 1 h, triage SLAs), not stopped ones",
          due)
    check(late["ref"] in breached and soon["ref"] not in breached, "breached lists the one past its deadline",
          breached)
    r = api(srv, tok["ana"], "POST", f"/incidents/{late['id']}/notices",
            {"kind": "gdpr_authority", "made_at": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(now)),
             "channel": "portal", "reference": "CNIL-1", "late_reason": "Found out late"})
    breached = [i["ref"] for i in api(srv, tok["ana"], "GET", "/incidents?due=breached&limit=200").json()["incidents"]]
    check(r.status in (200, 201) and late["ref"] not in breached,
          "recording the notification stops its clock", f"{r.status} {r.text[:200]}")
