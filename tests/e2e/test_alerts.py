"""End-to-end tests of the alerts: findings folded by the worker from the
events database (detections that sensors sent, and the models' findings),
statuses with reasons and history, promotion to an incident at most once,
and who may see and work them - through nginx, the ingest program, the
worker and the app."""

import json
import time

from harness import Client, check, test
from test_ingest import admin_token, api, events_sql, ingest, new_source

PW = "Lavender staircase at noon"


def wait_for(fn, seconds=30):
    """Polls fn until it returns something true (or the time is up)."""
    end = time.time() + seconds
    v = fn()
    while not v and time.time() < end:
        time.sleep(0.3)
        v = fn()
    return v


@test
def detections_fold_into_one_alert(s):
    """Twelve detections a sensor sent about one host become one alert
    with count 12 and the severity their event.severity gives; another
    host's detection is another alert."""
    tok = admin_token(s)
    s.ensure_user("alert-watch@example.org", "analyst")
    _, _, token = new_source(s, tok, "suricata", "generic")
    now = int(time.time())
    det = lambda host, i: {"@timestamp": now - 60 + i, "event": {"kind": "alert", "category": "intrusion_detection",
                                                                "severity": 73, "id": f"sur-{host}-{i}"},
                           "rule": {"id": "2001219", "name": "ET SCAN Potential SSH Scan"},
                           "host": {"name": host}, "source": {"ip": "198.51.100.77"},
                           "message": f"ET SCAN Potential SSH Scan {i}"}
    body = "\n".join(json.dumps(det("web-01", i)) for i in range(12)) + "\n" + json.dumps(det("db-01", 0))
    r = ingest(s, token, body.encode())
    check(r.status == 200 and r.json()["accepted"] == 13, "the detections are taken", r.text)

    def found():
        res = api(s, tok, "GET", "/alerts?detector=detection:2001219").json().get("alerts", [])
        return res if len(res) == 2 and sum(a["count"] for a in res) == 13 else None
    alerts = wait_for(found) or api(s, tok, "GET", "/alerts?detector=detection:2001219").json().get("alerts", [])
    by = {a["group"]: a for a in alerts}
    web = by.get("host.name=web-01", {})
    check(web.get("count") == 12 and web.get("severity") == "high" and web.get("status") == "new"
          and web.get("title") == "ET SCAN Potential SSH Scan" and by.get("host.name=db-01", {}).get("count") == 1,
          "twelve about one host fold into one alert; the other host has its own", alerts)
    one = api(s, tok, "GET", f"/alerts/{web.get('id')}").json().get("alert", {})
    check(len(one.get("events", [])) == 12 and one["history"][0]["action"] == "raised",
          "the alert keeps copies of its events and its history", {k: one.get(k) for k in ("count", "history")})
    r = s.cli("token", "create", "--email", "alert-watch@example.org", "--name", "n", "--scope", "read")
    atok = next((w for w in r.stdout.split() if w.startswith("sec_")), "")
    notes = [n for n in api(s, atok, "GET", "/notifications").json().get("notifications", []) if n["kind"] == "alert"]
    check(len(notes) == 2 and any(n["url"] == f"/alerts/{web.get('id')}" and "High alert" in n["title"]
                                  for n in notes),
          "each new high alert notifies the security team, linking to it", notes)


@test
def a_port_scan_raises_a_model_alert(s):
    """A port scan posted by the traffic generator is found by the flow
    model and folded into one alert about the scanning address."""
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "firewall flows", "network-flow")
    r = s.cli("traffic", "--url", f"http://127.0.0.1:{s.port}", "--token", token, "--kind", "network-flow",
              "--scenario", "portscan", "--rate", "0", "--seconds", "2", "--connections", "1",
              "--batch", "400", "--seed", "11")
    check(r.returncode == 0, "the generator posts the scan", r.stdout + r.stderr)

    def scan():
        res = api(s, tok, "GET", "/alerts?detector=model:network-flow&q=10.0.1.33").json().get("alerts", [])
        return res if res and res[0]["count"] > 5 else None
    alerts = wait_for(scan) or []
    check(len(alerts) == 1 and alerts[0]["group"] == "source.ip=10.0.1.33" and alerts[0]["count"] > 5,
          "the scanner's findings are one alert with their count", alerts[:2])


@test
def alert_triage_and_promotion(s):
    """An analyst acknowledges, investigates and closes an alert (closing
    needs a reason; a closed one cannot be acknowledged again), every step
    in its history and the audit log; promoting another makes one
    incident and a second promotion is refused naming it."""
    tok = admin_token(s)
    alerts = api(s, tok, "GET", "/alerts?detector=detection:2001219").json()["alerts"]
    a, b = (alerts + [{}, {}])[:2]
    r1 = api(s, tok, "POST", f"/alerts/{a.get('id')}/status", {"status": "acknowledged"})
    r2 = api(s, tok, "POST", f"/alerts/{a.get('id')}/status", {"status": "closed"})
    r3 = api(s, tok, "POST", f"/alerts/{a.get('id')}/status",
             {"status": "closed", "reason": "false_positive", "note": "our own scanner"})
    r4 = api(s, tok, "POST", f"/alerts/{a.get('id')}/status", {"status": "acknowledged"})
    check((r1.status, r2.status, r3.status, r4.status) == (200, 422, 200, 409),
          "acknowledged, closing without a reason refused, closed as a false positive, no way back to acknowledged",
          (r1.status, r2.status, r3.status, r4.status, r2.text))
    hist = api(s, tok, "GET", f"/alerts/{a.get('id')}").json()["alert"]["history"]
    check([h["to"] for h in hist] == ["new", "acknowledged", "closed"] and hist[-1]["note"] == "our own scanner",
          "each step is in its history with the note", hist)
    p1 = api(s, tok, "POST", f"/alerts/{b.get('id')}/promote")
    inc = p1.json().get("incident", {}) if p1.status == 201 else {}
    p2 = api(s, tok, "POST", f"/alerts/{b.get('id')}/promote")
    check(p1.status == 201 and inc.get("severity") == "high" and "ET SCAN" in inc.get("title", "")
          and p2.status == 409 and inc.get("ref", "?") in p2.text,
          "promotion makes one incident; a second is refused naming it", (p1.status, inc.get("ref"), p2.text))
    shown = api(s, tok, "GET", f"/alerts/{b.get('id')}").json()["alert"]
    check(shown.get("incident_ref") == inc.get("ref") and shown["status"] == "investigating",
          "the alert links its incident and is being investigated", shown.get("status"))
    listed = api(s, tok, "GET", f"/incidents/{inc.get('id')}").json().get("alerts", [])
    check([x["id"] for x in listed] == [b.get("id")], "the incident lists its alert", listed)
    audit = api(s, tok, "GET", "/admin/audit?action=alert.promote").json()["entries"]
    check(audit and audit[0]["detail"] == {"incident": inc.get("ref"), "alerts": [b.get("id")]},
          "promotion is audited", audit[:1])


@test
def who_may_see_alerts(s):
    """Employees see no alerts; managers read them but change nothing;
    analysts work them."""
    tok = admin_token(s)
    aid = api(s, tok, "GET", "/alerts").json()["alerts"][0]["id"]
    for email, role in (("alert-emp@example.org", "employee"), ("alert-mgr@example.org", "manager"),
                        ("alert-ana@example.org", "analyst")):
        s.ensure_user(email, role)
    c = Client(s)
    c.login("alert-emp@example.org", PW)
    check(c.get("/alerts").status == 403 and c.get(f"/alerts/{aid}").status == 403 and
          "/alerts" not in c.get("/").text, "an employee sees no alerts, not even the link")
    m = Client(s)
    m.login("alert-mgr@example.org", PW)
    page = m.get(f"/alerts/{aid}")
    r = m.form_post(f"/alerts/{aid}", f"/alerts/{aid}/status", {"status": "investigating"})
    check(page.status == 200 and "Change its status" not in page.text and r.status == 403,
          "a manager reads an alert but may not change it", (page.status, r.status))
    a = Client(s)
    a.login("alert-ana@example.org", PW)
    html = a.get("/alerts").text
    check('id="alert-counts"' in html and f'href="/alerts/{aid}"' in html and "Change its status" in
          a.get(f"/alerts/{aid}").text, "an analyst works them")


@test
def suppress_similar(s):
    """Suppressing an alert's similar findings stops new alerts about its
    entity from that detector (they are counted instead), is audited and
    listed; ending it lets the next finding alert again."""
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "edr detections", "generic")
    now = int(time.time())

    def det(i):
        return json.dumps({"@timestamp": now + i, "event": {"kind": "alert", "severity": 50,
                                                         "category": "malware"},
                           "rule": {"id": "edr-77", "name": "Credential dumping tool"},
                           "host": {"name": "ws-17"}})
    ingest(s, token, det(0).encode())
    first = wait_for(lambda: api(s, tok, "GET", "/alerts?detector=detection:edr-77").json()["alerts"])
    aid = first[0]["id"] if first else 0
    api(s, tok, "POST", f"/alerts/{aid}/status", {"status": "closed", "reason": "benign"})
    r = api(s, tok, "POST", f"/alerts/{aid}/suppress", {"hours": 2, "reason": "the red team's exercise"})
    sid = r.json().get("suppression") if r.status == 201 else 0
    check(r.status == 201 and sid, "similar findings are suppressed", r.text)
    ingest(s, token, "\n".join(det(i) for i in range(1, 4)).encode())

    def held():
        rows = api(s, tok, "GET", "/admin/suppressions").json()["suppressions"]
        row = next((x for x in rows if x["id"] == sid), {})
        return row if row.get("suppressed") == 3 else None
    row = wait_for(held) or {}
    alerts = api(s, tok, "GET", "/alerts?detector=detection:edr-77").json()["alerts"]
    check(row.get("suppressed") == 3 and row.get("active") and len(alerts) == 1,
          "three new findings are counted, not alerted", (row, len(alerts)))
    audit = api(s, tok, "GET", "/admin/audit?action=alert.suppress").json()["entries"]
    check(audit and audit[0]["detail"]["reason"] == "the red team's exercise", "suppressing is audited", audit[:1])
    e = api(s, tok, "POST", f"/admin/suppressions/{sid}/end")
    e2 = api(s, tok, "POST", f"/admin/suppressions/{sid}/end")
    ingest(s, token, det(10).encode())
    again = wait_for(lambda: len(api(s, tok, "GET", "/alerts?detector=detection:edr-77").json()["alerts"]) == 2)
    check(e.status == 200 and e2.status == 409 and again,
          "once ended, the next finding alerts again", (e.status, e2.status))
    # a suppression also ends by itself at its expiry (moved into the past
    # here rather than waiting an hour)
    open_ = [a for a in api(s, tok, "GET", "/alerts?detector=detection:edr-77").json()["alerts"]
             if a["status"] != "closed"]
    r = api(s, tok, "POST", f"/alerts/{open_[0]['id']}/suppress", {"hours": 1, "reason": "an hour"})
    sid2 = r.json().get("suppression")
    s.sql(f"UPDATE alert_suppressions SET expires_at = strftime('%s', 'now') - 1 WHERE id = {sid2}")
    ingest(s, token, det(20).encode())
    grown = wait_for(lambda: api(s, tok, "GET", f"/alerts/{open_[0]['id']}").json()["alert"]["count"] == 2)
    row = next((x for x in api(s, tok, "GET", "/admin/suppressions").json()["suppressions"] if x["id"] == sid2), {})
    check(grown and not row.get("active") and row.get("suppressed") == 0,
          "past its expiry a suppression holds nothing back", row)


@test
def bulk_status_from_the_list(s):
    """The team moves several alerts at once: those the workflow allows
    move, the others are named as skipped; closing needs a reason; one
    audit entry lists them; the list page offers it."""
    tok = admin_token(s)
    open_ = [a["id"] for a in api(s, tok, "GET", "/alerts?status=new&limit=3").json()["alerts"]]
    r = api(s, tok, "POST", "/alerts/bulk", {"ids": [str(i) for i in open_], "status": "acknowledged"})
    again = api(s, tok, "POST", "/alerts/bulk", {"ids": [str(i) for i in open_], "status": "acknowledged"})
    bad = api(s, tok, "POST", "/alerts/bulk", {"ids": [str(i) for i in open_], "status": "closed"})
    check(len(open_) == 3 and r.status == 200 and sorted(r.json()["moved"]) == sorted(open_)
          and again.json().get("skipped") and sorted(again.json()["skipped"]) == sorted(open_)
          and bad.status == 422,
          "three move together; moving them again is skipped; closing without a reason is refused",
          (open_, r.text[:200], again.text[:200], bad.status))
    audit = api(s, tok, "GET", "/admin/audit?action=alert.bulk").json()["entries"]
    check(audit and sorted(audit[-1]["detail"]["alerts"]) == sorted(open_), "one audit entry lists them", audit[:1])
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    check('name="ids"' in page.get("/alerts").text, "the list offers checkboxes and a bulk change")


@test
def retraining_leaves_out_true_positives(s):
    """A retraining of an event kind's model leaves out the events of its
    alerts that analysts closed as true positives."""
    tok = admin_token(s)
    scan = api(s, tok, "GET", "/alerts?detector=model:network-flow&q=10.0.1.33").json()["alerts"]
    aid = scan[0]["id"] if scan else 0
    api(s, tok, "POST", f"/alerts/{aid}/status", {"status": "closed", "reason": "true_positive"})
    r = api(s, tok, "POST", "/admin/model/anomaly/retrain", {"kind": "network-flow", "days": 30})
    tid = r.json().get("id") if r.status == 202 else None

    def done():
        row = next((t for t in api(s, tok, "GET", "/admin/model").json()["trainings"] if t["id"] == tid), None)
        return row if row and row["status"] not in ("queued", "running") else None
    row = wait_for(done, 150) or {}
    check(r.status == 202 and "left out" in row.get("message", "") and "true positives" in row["message"],
          "the scan's events are left out of the training", row.get("message"))


@test
def assignment_comments_and_filters(s):
    """An analyst assigns an alert and comments on it (both in its
    history), assigns several at once from the list, and filters by host,
    user, address, assignee and time; an employee is no assignee."""
    tok = admin_token(s)
    s.ensure_user("al-an@example.org", "analyst")
    s.ensure_user("al-lead@example.org", "lead")
    s.ensure_user("al-emp@example.org", "employee")
    _, _, token = new_source(s, tok, "edr assign", "generic")
    now = int(time.time())
    det = lambda host, user, ip: {"@timestamp": now - 20, "event": {"kind": "alert", "severity": 50,
                                                                   "category": "malware", "id": f"as-{host}"},
                                  "rule": {"id": "AS-1", "name": "Suspicious binary"},
                                  "host": {"name": host}, "user": {"name": user}, "source": {"ip": ip}}
    body = "\n".join(json.dumps(det(h, u, ip)) for h, u, ip in
                     (("as-host-1", "ana", "192.0.2.11"), ("as-host-2", "bo", "192.0.2.12")))
    check(ingest(s, token, body.encode()).status == 200, "two detections are taken")
    alerts = wait_for(lambda: (lambda a: a if len(a) == 2 else None)(
        api(s, tok, "GET", "/alerts?detector=detection:AS-1").json().get("alerts", []))) or []
    check(len(alerts) == 2, "each is an alert",
          api(s, tok, "GET", "/alerts?detector=detection:AS-1").text[:2000])
    ids = {a["host"]: a["id"] for a in alerts}
    staff = {u["email"]: u["id"] for u in api(s, tok, "GET", "/admin/users?limit=200").json().get("users", [])}
    an = Client(s)
    an.login("al-an@example.org", PW)
    a1 = ids.get("as-host-1")
    r = an.form_post(f"/alerts/{a1}", f"/alerts/{a1}/assign", {"assignee_id": staff["al-lead@example.org"]})
    check(r.status == 303, "an analyst assigns an alert to a lead", r.status)
    r = an.form_post(f"/alerts/{a1}", f"/alerts/{a1}/comments", {"body": "Same binary as last week's ticket."})
    check(r.status == 303, "and comments on it", r.status)
    one = api(s, tok, "GET", f"/alerts/{a1}").json()["alert"]
    acts = [(h["action"], h["note"]) for h in one["history"]]
    check(one["assignee_id"] == staff["al-lead@example.org"] and ("comment", "Same binary as last week's ticket.")
          in acts and any(a == "assigned" for a, _ in acts),
          "the assignee is set; assignment and comment are in the history", acts)
    bad = api(s, tok, "POST", f"/alerts/{a1}/assign", {"assignee_id": staff["al-emp@example.org"]})
    check(bad.status == 422, "an employee cannot be assigned an alert", bad.status)
    r = api(s, tok, "POST", "/alerts/bulk", {"ids": [str(i) for i in ids.values()],
                                             "assignee_id": str(staff["al-an@example.org"])})
    check(r.status == 200 and len(r.json().get("moved", [])) == 2, "both are assigned at once from the list", r.text)
    q = lambda qs: [a["id"] for a in api(s, tok, "GET", "/alerts?detector=detection:AS-1&" + qs).json()["alerts"]]
    check(q("host=as-host-2") == [ids["as-host-2"]] and q("user=ana") == [a1] and q("ip=192.0.2.12") ==
          [ids["as-host-2"]], "the list filters by host, user and address")
    check(sorted(q(f"assignee_id={staff['al-an@example.org']}")) == sorted(ids.values()) and q("assignee_id=-1") == [],
          "and by assignee (or no one)")
    check(len(q("hours=1")) == 2, "and by when they were last seen")
    check(api(s, tok, "POST", "/alerts/bulk", {"ids": [str(a1)]}).status == 422,
          "a bulk change that changes nothing is refused")


@test
def several_alerts_one_incident_then_attach(s):
    """Three detections about one attacker: two chosen in the list become
    one incident (the gravest names it, their events are an evidence
    file, the attacker's address an indicator); the third is attached to
    that incident by its reference; none can be promoted again."""
    tok = admin_token(s)
    _, psid, token = new_source(s, tok, "edr promote", "generic")
    now = int(time.time())
    det = lambda host, sev: {"@timestamp": now - 15, "event": {"kind": "alert", "severity": sev,
                                                              "category": "malware", "id": f"pm-{host}"},
                             "rule": {"id": "PM-7", "name": "Beacon to a known C2"},
                             "host": {"name": host}, "source": {"ip": "10.0.1.50"},
                             "destination": {"ip": "203.0.113.66"},
                             "message": f"beacon from {host} to 203.0.113.66"}
    body = "\n".join(json.dumps(det(h, sv)) for h, sv in (("pm-1", 50), ("pm-2", 80), ("pm-3", 30)))
    check(ingest(s, token, body.encode()).status == 200, "three detections are taken")
    alerts = wait_for(lambda: (lambda a: a if len(a) == 3 else None)(
        api(s, tok, "GET", "/alerts?detector=detection:PM-7").json().get("alerts", []))) or []
    ids = {a["host"]: a["id"] for a in alerts}
    check(len(ids) == 3, "each is an alert", alerts)
    rel = [x["id"] for x in api(s, tok, "GET", f"/alerts/{ids.get('pm-1')}").json()["alert"]["related"]]
    check(sorted(rel) == sorted([ids.get("pm-2"), ids.get("pm-3")]),
          "an alert names the others about the same address", rel)
    by_source = api(s, tok, "GET", f"/alerts?source_id={psid}").json()["alerts"]
    check(sorted(a["id"] for a in by_source) == sorted(ids.values()), "the list filters by event source")
    r = api(s, tok, "POST", "/alerts/promote", {"ids": [str(ids.get("pm-1")), str(ids.get("pm-2"))]})
    inc = r.json().get("incident", {}) if r.status == 201 else {}
    check(r.status == 201 and inc.get("severity") == "high" and "pm-2" in inc.get("title", "")
          and "and 1 more alerts" in inc.get("title", ""),
          "two chosen alerts make one incident named by the gravest", r.text[:400])
    full = api(s, tok, "GET", f"/incidents/{inc.get('id')}").json()
    files = [e.get("filename") for e in full.get("evidence", [])]
    inds = [i.get("value") for i in full.get("intel", {}).get("indicators", [])]
    check(any(f and f.endswith("-and-1-more-events.json") for f in files) and "203.0.113.66" in inds,
          "their events are an evidence file and the address in them an indicator", (files, inds))
    r = api(s, tok, "POST", f"/alerts/{ids.get('pm-3')}/promote", {"incident_id": inc.get("id", 0)})
    check(r.status == 200, "the third is attached to that incident (incident_id)", r.text[:300])
    listed = sorted(x["id"] for x in api(s, tok, "GET", f"/incidents/{inc.get('id')}").json().get("alerts", []))
    check(listed == sorted(ids.values()), "the incident lists all three", listed)
    again = api(s, tok, "POST", "/alerts/promote", {"ids": [str(ids.get("pm-3"))]})
    check(again.status == 409 and inc.get("ref", "?") in again.text, "none can be promoted again", again.text[:300])
    none = api(s, tok, "POST", f"/alerts/{ids.get('pm-1')}/promote", {"incident": "INC-1999-9999"})
    check(none.status == 422, "attaching to an incident (by reference) that does not exist is refused",
          none.status)
