"""End-to-end tests of the event intake: sources and their tokens, the
native door (NDJSON and JSON arrays), partial success, retried events
stored once, bad input refused line by line, tokens kept apart from
people's, and the admin page - through nginx and the ingest program."""

import json
import re
import os
import subprocess

from harness import Client, check, test

PW = "Lavender staircase at noon"


def admin_token(s):
    r = s.cli("token", "create", "--email", s.admin_email, "--name", "ingest-tests", "--scope", "write")
    return next(w for w in r.stdout.split() if w.startswith("sec_"))


def api(s, tok, method, path, body=None):
    return Client(s).request(method, "/api/v1" + path, js=body,
                             headers={"Authorization": f"Bearer {tok}"})


def ingest(s, token, body, content_type="application/x-ndjson"):
    return Client(s).request("POST", "/api/v1/ingest", body=body, raw_type=content_type,
                             headers={"Authorization": f"Bearer {token}"} if token else {})


def events_sql(s, sql):
    return subprocess.run(["sqlite3", "-cmd", ".timeout 5000", os.path.join(s.dir, "events.db"), sql],
                          capture_output=True, text=True).stdout.strip()


def new_source(s, tok, name, kind="http-access"):
    r = api(s, tok, "POST", "/admin/sources", {"name": name, "kind": kind})
    body = r.json() if r.status == 201 else {}
    return r, body.get("source", {}).get("id"), body.get("token", "")


@test
def sources_and_their_tokens(s):
    tok = admin_token(s)
    r, sid, token = new_source(s, tok, "web frontend")
    check(r.status == 201 and token.startswith("src_") and len(token) > 40,
          "an admin creates a source and sees its token once", r.text[:200])
    again, _, _ = new_source(s, tok, "web frontend")
    check(again.status == 422 and "already used" in again.text, "a source's name is unique (422)")
    listed = api(s, tok, "GET", "/admin/sources").json()["sources"]
    check(any(x["id"] == sid and token.startswith(x["prefix"]) and "token" not in x for x in listed),
          "the list shows the token's prefix, never the token", listed)
    lead = s.add_user("ingest-lead@example.org", "lead", PW)
    lt = next(w for w in s.cli("token", "create", "--email", "ingest-lead@example.org", "--name", "t",
                               "--scope", "write").stdout.split() if w.startswith("sec_"))
    check(lead and api(s, lt, "POST", "/admin/sources", {"name": "x", "kind": "auth"}).status == 403,
          "only admins manage sources (403)")
    check(api(s, tok, "POST", "/admin/sources", {"name": "y", "kind": "printer"}).status == 422,
          "an unknown kind is refused (422)")
    # a source's token is no person's, and a person's token opens no door
    check(Client(s).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status == 401,
          "a source token on people's routes is refused (401)")
    r = ingest(s, tok, b'{"message": "hello"}\n')
    check(r.status == 401 and r.json()["error"]["code"] == "invalid_token",
          "a person's API token on the ingest door is refused (401)", r.status)
    check(ingest(s, None, b'{"message": "hello"}\n').status == 401, "no token: 401")


@test
def native_door_partial_success(s):
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "api gateway")
    lines = [
        {"@timestamp": "2026-12-05T10:00:00Z", "event": {"id": "e1", "action": "login", "outcome": "success",
                                                          "original": "o" * 5000},
         "user": {"name": "ana"}, "source": {"ip": "203.0.113.9"}, "message": "ok one"},
        {"@timestamp": 1764928800, "event.id": "e2", "http.request.method": "GET", "url.path": "/api/x",
         "http.response.status_code": 200, "team": "blue"},
        {"message": "no timestamp: the time it arrived"},
    ]
    body = "\n".join(json.dumps(x) for x in lines).encode() + b"\n"
    body += b'{"message": "broken\n'                                     # line 4: not JSON
    body += b'{"source": {"port": "eighty"}}\n'                          # 5: wrong type
    body += b'{"@timestamp": "2999-01-01T00:00:00Z", "message": "x"}\n'  # 6: future
    body += b'{"message": "nul \\u0000 byte"}\n'                         # 7: NUL
    body += b'{"message": "bad utf-8 \xff\xfe"}\n'                       # 8: not UTF-8
    body += json.dumps({"message": "x" * 70000}).encode() + b"\n"        # 9: too long
    body += b'[1, 2]\n'                                                  # 10: not an object
    r = ingest(s, token, body)
    res = r.json() if r.status == 200 else {}
    check(r.status == 200 and res.get("accepted") == 3 and res.get("rejected") == 7,
          "good lines are stored and bad ones refused, in one answer", r.text[:300])
    reasons = {e["line"]: e["reason"] for e in res.get("errors", [])}
    check(set(reasons) == {4, 5, 6, 7, 8, 9, 10} and "future" in reasons.get(6, "")
          and "number" in reasons.get(5, "") and "longer" in reasons.get(9, ""),
          "each refused line is named with its reason", reasons)
    stored = events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}")
    check(stored == "3", "exactly the accepted events are stored", stored)
    doc = json.loads(events_sql(s, f"SELECT doc FROM events WHERE source_id = {sid} AND event_id = 'e2'") or "{}")
    check(doc.get("labels", {}).get("team") == "blue" and doc.get("url", {}).get("path") == "/api/x"
          and doc.get("http", {}).get("response", {}).get("status_code") == 200
          and doc.get("event", {}).get("ingested") and "original" not in doc.get("event", {}),
          "fields are kept in ECS shape, unknown keys under labels, with event.ingested; a JSON event "
          "is its own original", doc)
    orig = events_sql(s, f"SELECT length(json_extract(doc, '$.event.original')) FROM events "
                         f"WHERE source_id = {sid} AND event_id = 'e1'")
    check(orig == "4096", "an event.original sent is kept, bounded to 4 kB", orig)
    ts = events_sql(s, f"SELECT ts FROM events WHERE source_id = {sid} AND event_id = 'e1'")
    check(ts == "1796464800000", "an RFC 3339 time is stored as Unix milliseconds", ts)
    # retried: accepted again, stored once
    r = ingest(s, token, b"\n".join(json.dumps(x).encode() for x in lines[:2]))
    check(r.status == 200 and r.json()["accepted"] == 2, "a retried batch is accepted again")
    check(events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}") == "3",
          "and its events with an event.id are not stored twice")
    check(events_sql(s, f"SELECT sum(events) FROM event_minutes WHERE source_id = {sid}") == "3",
          "nor counted twice in the rollups")
    r = ingest(s, token, json.dumps([{"message": "one"}, {"message": "two"}]).encode(), "application/json")
    check(r.status == 200 and r.json()["accepted"] == 2, "a JSON array works too", r.text[:200])
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    html = page.get("/admin/sources").text
    check("api gateway" in html and "not valid JSON" in html and ">7<" in html,
          "the admin page shows the counts and the last rejections")
    storage = api(s, tok, "GET", "/admin/sources").json().get("storage") or {}
    check(storage.get("events", 0) >= 5 and storage.get("last_day", 0) >= 5 and storage.get("days") == 30
          and storage.get("max_mb") == 2048 and isinstance(storage.get("days_to_cap"), int)
          and 'id="storage"' in html,
          "and the events file's size, retention and days to its cap", storage)


@test
def ingest_refusals(s):
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "flows", "network-flow")
    check(ingest(s, token, b"x", "text/csv").status == 415, "an unknown content type is 415")
    check(ingest(s, token, b"").status == 400, "an empty body is 400")
    many = b"".join(b'{"message": "m"}\n' for _ in range(5001))
    r = ingest(s, token, many)
    check(r.status == 413 and events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}") == "0",
          "more than 5,000 events is 413 and stores nothing", r.status)
    big = b'{"message": "' + b"y" * (6 << 20) + b'"}\n'
    check(ingest(s, token, big).status == 413, "a body over 5 MB is 413")
    r = api(s, tok, "POST", f"/admin/sources/{sid}/disable")
    check(r.status == 200 and ingest(s, token, b'{"message": "m"}\n').status == 403,
          "a disabled source's token is refused at once (403)")
    api(s, tok, "POST", f"/admin/sources/{sid}/enable")
    check(ingest(s, token, b'{"message": "m"}\n').status == 200, "enabled again, it is taken")
    check(Client(s).get("/health").status == 200, "the server is healthy after")
    audit = api(s, tok, "GET", "/admin/audit?action=source.disable").json()["entries"]
    check(audit and audit[0]["detail"] == {"name": "flows"}, "source changes are audited", audit[:1])


@test
def http_events_are_scored(s):
    """An http-access source's events carry the shipped model's score: an
    injection in a parameter scores above an ordinary request and has
    values the training traffic never had; other kinds are not scored."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "shop access log", "http-access")
    path = "/tienda1/publico/anadir.jsp"
    evs = [{"event": {"id": "ok"}, "http": {"request": {"method": "GET"}},
            "url": {"path": path, "query": "id=3&nombre=Vino+Rioja&precio=100&cantidad=55"}},
           {"event": {"id": "sqli"}, "http": {"request": {"method": "GET"}},
            "url": {"path": path, "query": "id=3%27+UNION+SELECT+password+FROM+users--"}}]
    r = ingest(s, token, "\n".join(json.dumps(e) for e in evs).encode())
    check(r.status == 200 and r.json()["accepted"] == 2, "an http-access source's events are taken")
    got = dict(line.split("|", 1) for line in events_sql(
        s, f"SELECT event_id, score || '|' || never_seen || '|' || model FROM events "
           f"WHERE source_id = {sid}").splitlines())
    ok_score, ok_seen, model = (got.get("ok", "||").split("|") + [""])[:3]
    bad_score, bad_seen, _ = (got.get("sqli", "||").split("|") + [""])[:3]
    check(ok_score and bad_score and float(bad_score) > float(ok_score) and bad_seen == "1" and model,
          "the injection scores above the ordinary request, flagged as never seen", got)
    _, eid, etoken = new_source(s, tok, "edr", "endpoint")
    ingest(s, etoken, b'{"process": {"name": "cmd.exe"}}\n')
    check(events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {eid} AND score IS NULL") == "1",
          "a kind without a model stores its events unscored")


@test
def every_kind_scored_by_its_model(s):
    """`secura traffic` posts an office's mixed traffic with attacks over
    the native door to a generic source: each event takes its kind from
    its category and that kind's model scores it; the attacks' sign-ins
    and flows score above the office's own on average, events over the
    threshold say which features weighed most, and the per-minute rollups
    count every stored event."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "collector", "generic")
    r = s.cli("traffic", "--url", f"http://127.0.0.1:{s.port}", "--token", token,
              "--scenario", "mix", "--rate", "0", "--seconds", "3",
              "--connections", "2", "--batch", "500", "--seed", "5")
    check(r.returncode == 0 and "accepted" in r.stdout and " rejected 0," in r.stdout,
          "secura traffic posts over the native door, nothing refused", r.stdout + r.stderr)
    # how much three seconds post depends on the machine: a fixed day of
    # the office (seed 6 has sign-in and flow attacks) makes the averages
    # below not depend on it
    day = os.path.join(s.dir, "mix-day.ndjson")
    s.cli("traffic", "--out", day, "--count", "10000", "--days", "1", "--scenario", "mix", "--seed", "6")
    lines = open(day, "rb").read().splitlines()
    for i in range(0, len(lines), 5000):
        check(ingest(s, token, b"\n".join(lines[i:i + 5000])).status == 200, "a fixed day of traffic is taken")
    rows = events_sql(s, f"SELECT kind, json_extract(doc, '$.labels.scenario') <> 'normal', "
                         f"count(*), avg(score), sum(why IS NOT NULL) FROM events "
                         f"WHERE source_id = {sid} GROUP BY 1, 2")
    stats = {}
    for line in rows.splitlines():
        kind, attack, n, avg, why = line.split("|")
        stats[(kind, attack)] = (int(n), float(avg or 0), int(why))
    kinds = {k for k, _ in stats}
    check({"auth", "network-flow", "http-access", "endpoint"} <= kinds,
          "a generic source's events take their kind from their category", rows)
    for kind in ("auth", "network-flow"):
        normal, attack = stats.get((kind, "0")), stats.get((kind, "1"))
        check(normal and attack and attack[1] > normal[1],
              f"{kind}: the attacks score above the office's own events on average", rows)
    check(sum(v[2] for v in stats.values()) > 0, "events over the threshold keep why", rows)
    total = events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}")
    rolled = events_sql(s, f"SELECT sum(events) FROM event_minutes WHERE source_id = {sid}")
    check(total == rolled and int(total) > 1000, "the per-minute rollups count every event",
          (total, rolled))
    hist = events_sql(s, f"SELECT sum(scored), sum(h0+h1+h2+h3+h4+h5+h6+h7+h8+h9) "
                         f"FROM event_minutes WHERE source_id = {sid}")
    a, b = hist.split("|")
    check(a == b and int(a) > 0, "the score histogram holds every scored event", hist)


def hec(s, token, path, body, scheme="Splunk"):
    headers = {"Authorization": f"{scheme} {token}"} if token else {}
    return Client(s).request("POST", path, body=body, raw_type="application/json", headers=headers)


@test
def splunk_hec_door(s):
    """The HTTP Event Collector's doors, with request shapes from Splunk's
    HEC documentation, and its reply codes."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "fluent bit", "generic")
    r = hec(s, token, "/services/collector/event", b'{"event": "hello world"}')
    check(r.status == 200 and r.json() == {"text": "Success", "code": 0}, "one event: Success, code 0", r.text)
    r = hec(s, token, "/services/collector/event",
            b'{"event": "Pony 1 has left the barn"}{"event": "Pony 2 has left the barn"}'
            b'{"event": "Pony 3 has left the barn", "nested": {"key1": "value1"}}')
    check(r.status == 200 and r.json()["code"] == 0, "concatenated events in one body", r.text)
    r = hec(s, token, "/services/collector",
            b'{"time": 1426279439, "host": "localhost", "source": "random-data-generator", '
            b'"sourcetype": "my_sample_data", "index": "main", "event": "Hello world!", '
            b'"fields": {"device": "macbook", "users": ["joe", "bob"]}}')
    check(r.status == 200 and r.json()["code"] == 0, "an event with its metadata and fields", r.text)
    doc = json.loads(events_sql(s, f"SELECT doc FROM events WHERE source_id = {sid} AND message = 'Hello world!'")
                     or "{}")
    check(doc.get("host", {}).get("name") == "localhost" and doc.get("labels", {}).get("device") == "macbook"
          and doc.get("labels", {}).get("hec_sourcetype") == "my_sample_data"
          and doc.get("@timestamp", "").startswith("2015-03-13T20:43:59"),
          "time, host, fields and sourcetype land in ECS", doc)
    r = hec(s, token, "/services/collector/raw", b"1, 2, 3... Hello, world!\nsecond line\n")
    check(r.status == 200 and r.json()["code"] == 0, "raw lines are events too", r.text)
    check(events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}") == "7",
          "every event was stored", events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}"))
    r = hec(s, None, "/services/collector/event", b'{"event": "x"}')
    check(r.status == 401 and r.json()["code"] == 2, "no token: code 2, token is required", r.text)
    r = hec(s, "src_not-a-real-token", "/services/collector/event", b'{"event": "x"}')
    check(r.status == 403 and r.json()["code"] == 4, "a wrong token: code 4, invalid token", r.text)
    r = hec(s, token, "/services/collector/event", b"")
    check(r.status == 400 and r.json()["code"] == 5, "no data: code 5", r.text)
    r = hec(s, token, "/services/collector/event", b'{"event": "fine"}{"nothing": 1}')
    check(r.status == 400 and r.json() == {"text": "Invalid data format", "code": 6, "invalid-event-number": 1},
          "an envelope without an event: code 6 naming it", r.text)
    api(s, tok, "POST", f"/admin/sources/{sid}/disable")
    r = hec(s, token, "/services/collector/event", b'{"event": "x"}')
    check(r.status == 403 and r.json()["code"] == 1, "a disabled source: code 1", r.text)


@test
def ingest_killed_mid_stream(_):
    """kill -9 of the ingest program while batches stream in: every batch
    it acknowledged is stored whole, and no batch is half-stored."""
    import signal
    import threading
    import time
    from harness import Server
    srv = Server().start()
    try:
        tok = admin_token(srv)
        _, sid, token = new_source(srv, tok, "stream")
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def send(worker):
            n = 0
            while not stop.is_set():
                batch = f"{worker}-{n}"
                body = "\n".join(json.dumps({"message": f"m{i}", "labels": {"batch": batch}})
                                 for i in range(200)).encode()
                try:
                    r = ingest(srv, token, body)
                    if r.status == 200 and r.json()["accepted"] == 200:
                        with lock:
                            acked.append(batch)
                except (OSError, ValueError):
                    pass
                n += 1

        threads = [threading.Thread(target=send, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        killed = 0
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if argv[0].endswith(b"/ingest") and f"{srv.dir}/run/ingest.sock".encode() in argv:
                os.kill(int(pid), signal.SIGKILL)
                killed += 1
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        rows = events_sql(srv, "SELECT json_extract(doc, '$.labels.batch'), count(*) FROM events "
                               f"WHERE source_id = {sid} GROUP BY 1")
        counts = dict(line.split("|") for line in rows.splitlines())
        check(killed == 1 and len(acked) > 0, "the ingest program was killed mid-stream", (killed, len(acked)))
        check(all(counts.get(b) == "200" for b in acked), "every acknowledged batch is stored whole",
              [b for b in acked if counts.get(b) != "200"][:5])
        check(all(v == "200" for v in counts.values()), "no batch is half-stored",
              {k: v for k, v in counts.items() if v != "200"})
        check(events_sql(srv, "PRAGMA integrity_check") == "ok", "the events database is intact")
    finally:
        srv.stop()


@test
def http_events_get_a_verdict(s):
    """The shipped http-access model carries a classifier learned from
    labelled requests: each stored request gets its verdict (benign or
    malicious, with a probability), the list filters on it, the event's
    page and the predict endpoint say it, and a kind whose model learned
    from no labels gives none."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "shop verdicts", "http-access")
    path = "/tienda1/publico/anadir.jsp"
    good = ["id=3&nombre=Vino+Rioja&precio=100&cantidad=55", "id=2&nombre=Queso+Manchego&precio=85&cantidad=1",
            "B1=Pasar+por+caja", "modo=entrar&login=maria&pwd=s3cret&remember=on"]
    bad = ["id=3%27+UNION+SELECT+password+FROM+users--", "q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E",
           "file=..%2F..%2F..%2F..%2Fetc%2Fpasswd", "host=127.0.0.1%3Bcat+%2Fetc%2Fshadow"]
    evs = [{"event": {"id": f"{kind}{i}"}, "http": {"request": {"method": "GET"}}, "url": {"path": path, "query": q}}
           for kind, qs in (("good", good), ("bad", bad)) for i, q in enumerate(qs)]
    r = ingest(s, token, "\n".join(json.dumps(e) for e in evs).encode())
    check(r.status == 200 and r.json()["accepted"] == 8, "the requests are taken", r.text)
    got = dict(line.split("|", 1) for line in events_sql(
        s, f"SELECT event_id, verdict || '|' || verdict_p FROM events WHERE source_id = {sid}").splitlines())
    check(all(got.get(f"good{i}", "").startswith("benign|") for i in range(4))
          and all(got.get(f"bad{i}", "").startswith("malicious|") for i in range(4))
          and all(0.5 < float(v.split("|")[1]) <= 1 for v in got.values()),
          "ordinary requests are benign, injections and traversals malicious, each with a probability", got)
    s.add_user("verdict-analyst@example.org", "analyst", PW)
    ana = Client(s)
    ana.login("verdict-analyst@example.org", PW)
    r = ana.get(f"/api/v1/security-events?source={sid}&verdict=malicious")
    body = r.json() if r.status == 200 else {}
    check(body.get("pagination", {}).get("total") == 4
          and all(e["verdict"]["class"] == "malicious" and e["verdict"]["percent"] > 50 for e in body["events"]),
          "the list filters on the verdict", r.text[:300])
    check(ana.get("/api/v1/security-events?verdict=evil").status == 422, "an unknown verdict is a 422")
    page = ana.get(f"/security-events/{body['events'][0]['id']}") if body.get("events") else None
    check(page is not None and page.status == 200 and "Verdict" in page.text
          and 'class="tag verdict-malicious"' in page.text, "the event's page says its verdict")
    xss = events_sql(s, f"SELECT id FROM events WHERE source_id = {sid} AND event_id = 'bad1'")
    page = ana.get(f"/security-events/{xss}")
    check(page.text.count("Rule Cross-site scripting probe") == 1 and "of the splits that isolated it" in page.text,
          "a rule's finding is listed once beside the model's reasons", page.text.count("Rule Cross-site"))
    listing = ana.get(f"/security-events?source={sid}&verdict=benign")
    check(listing.status == 200 and listing.text.count('class="tag verdict-benign"') == 4
          and "verdict-malicious" not in listing.text, "the HTML list shows and filters verdicts")
    one = api(s, tok, "POST", "/predict", {"kind": "http-access", "events": [evs[0], evs[4]]})
    res = one.json().get("results", []) if one.status == 200 else []
    check(len(res) == 2 and res[0]["verdict"]["class"] == "benign" and res[1]["verdict"]["class"] == "malicious",
          "predict says the verdict too", one.text[:400])
    models = api(s, tok, "GET", "/admin/model").json().get("anomaly", [])
    http = next((m for m in models if m["kind"] == "http-access"), {})
    figures = http.get("classifier", {}).get("figures", {})
    check(http.get("classifier", {}).get("malicious", 0) > 0 and figures.get("accuracy", 0) > 0.9
          and [c["label"] for c in figures.get("classes", [])] == ["benign", "malicious"],
          "the models page describes the classifier with its held-out figures", http.get("classifier"))
    adm = Client(s)
    adm.login(s.admin_email, s.admin_password)
    page = adm.get("/admin/model").text
    check("learned from labelled traffic" in page and "The classifier on its held-out rows, http-access" in page
          and re.search(r'<td class="num">99\.\d</td>', page),
          "and shows them as percentages")
    auth = api(s, tok, "POST", "/predict", {"events": [{"event": {"category": "authentication", "outcome": "success"},
                                                       "user": {"name": "alice"}, "host": {"name": "WS-1"}}]})
    res = auth.json().get("results", []) if auth.status == 200 else []
    check(len(res) == 1 and res[0]["score"] is not None and res[0]["verdict"] is None,
          "a model that learned from no labels gives no verdict", auth.text[:300])


@test
def security_events_pages(s):
    """The security team reads what sources sent: filters, one event with
    all its fields; employees and managers cannot."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "vpn", "auth")
    evs = [{"event": {"action": "logon", "outcome": "failure"}, "user": {"name": "bob"},
            "source": {"ip": "198.51.100.7"}, "host": {"name": "vpn-1"}, "message": "bad password for bob"},
           {"event": {"action": "logon", "outcome": "success"}, "user": {"name": "bob"},
            "source": {"ip": "198.51.100.7"}, "host": {"name": "vpn-1"}, "message": "bob signed in"}]
    ingest(s, token, "\n".join(json.dumps(e) for e in evs).encode())
    s.add_user("events-analyst@example.org", "analyst", PW)
    ana = Client(s)
    ana.login("events-analyst@example.org", PW)
    r = ana.get(f"/api/v1/security-events?source={sid}")
    body = r.json() if r.status == 200 else {}
    check(r.status == 200 and body["pagination"]["total"] == 2 and body["events"][0]["source"] == "vpn",
          "an analyst lists a source's events, each naming its source", r.text[:200])
    got = ana.get(f"/api/v1/security-events?source={sid}&outcome=failure&user=bob").json()
    check(got["pagination"]["total"] == 1 and got["events"][0]["message"] == "bad password for bob",
          "filters narrow the list")
    words = ana.get(f"/api/v1/security-events?source={sid}&q=signed%20in").json()
    check(words["pagination"]["total"] == 1, "words in the message find the event")
    check(ana.get("/api/v1/security-events?min_score=2").status == 422, "a score outside 0-1 is a 422")
    eid = got["events"][0]["id"]
    page = ana.get(f"/security-events/{eid}")
    check(page.status == 200 and "198.51.100.7" in page.text and "&quot;outcome&quot;: &quot;failure&quot;"
          in page.text, "an event's page shows all its fields", page.status)
    check(ana.get("/security-events/999999").status == 404, "an unknown event is 404")
    check("bob signed in" in ana.get(f"/security-events?source={sid}").text, "the HTML list shows the events")
    for role in ("employee", "manager"):
        s.add_user(f"events-{role}@example.org", role, PW)
        c = Client(s)
        c.login(f"events-{role}@example.org", PW)
        check(c.get("/security-events").status == 403 and c.get(f"/security-events/{eid}").status == 403,
              f"a {role} cannot read security events (403)")


@test
def events_past_retention_are_deleted(_):
    """The worker deletes events older than SECURA_EVENTS_DAYS and keeps
    the rest."""
    import time
    from harness import BIN, Server
    srv = Server(SECURA_NO_WORKER=1, SECURA_EVENTS_DAYS=30).start()
    try:
        tok = admin_token(srv)
        _, sid, token = new_source(srv, tok, "old and new", "generic")
        now = int(time.time())
        evs = [{"@timestamp": now - 40 * 86400, "message": f"old {i}", "user": {"name": "old.user"},
                "host": {"name": "OLD-HOST"}, "source": {"ip": "10.1.1.1"}, "event": {"category": "authentication"}}
               for i in range(3)]
        evs += [{"@timestamp": now - 2 * 86400, "message": f"recent {i}", "user": {"name": "new.user"},
                 "host": {"name": "NEW-HOST"}, "source": {"ip": "10.1.1.2"}, "event": {"category": "authentication"}}
                for i in range(2)]
        r = ingest(srv, token, "\n".join(json.dumps(e) for e in evs).encode())
        check(r.status == 200 and r.json()["accepted"] == 5, "events of 40 and 2 days ago are taken")
        w = subprocess.run([os.path.join(BIN, "worker"), "--once"], env=srv.env, capture_output=True,
                           text=True, timeout=120)
        left = events_sql(srv, f"SELECT group_concat(message, ',') FROM events WHERE source_id = {sid}")
        check(w.returncode == 0 and sorted(left.split(",")) == ["recent 0", "recent 1"],
              "the worker deletes those past 30 days and keeps the rest", (w.returncode, left, w.stderr[-300:]))
        graphs = events_sql(srv, "SELECT (SELECT group_concat(user_name) FROM auth_edges), "
                                 "(SELECT group_concat(DISTINCT user_name) FROM user_days), "
                                 "(SELECT count(*) FROM source_ips WHERE ip = '10.1.1.1'), "
                                 "(SELECT count(*) FROM source_ips WHERE ip = '10.1.1.2')")
        check(graphs == "new.user|new.user|0|1", "the graphs of those days go with them", graphs)
    finally:
        srv.stop()


COMBINED = ('203.0.113.9 - frank [10/Oct/2026:13:55:36 -0700] "GET /api/v1/orders?id=7&page=2 HTTP/1.1" '
            '200 2326 "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)"')


@test
def access_log_lines(s):
    """An http-access source takes nginx/Apache combined log lines as
    text/plain: parsed into the ECS fields, scored, a bad line named; a
    source of another kind refuses text/plain."""
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "shop nginx", "http-access")
    body = "\n".join([COMBINED,
                      "this is not a log line",
                      '198.51.100.4 - - [10/Oct/2026:13:55:40 +0000] "GET /search?q=%27%20OR%201=1-- HTTP/1.1" 500 12 "-" "sqlmap/1.8"'])
    r = ingest(s, token, body.encode(), "text/plain")
    js = r.json() if r.status == 200 else {}
    check(js.get("accepted") == 2 and js.get("rejected") == 1 and js["errors"][0]["line"] == 2
          and "access log" in js["errors"][0]["reason"],
          "combined lines are taken, the bad one named", r.text)
    row = events_sql(s, f"SELECT source_ip, user_name, outcome, ts, "
                        f"json_extract(doc, '$.http.request.method'), json_extract(doc, '$.url.path'), "
                        f"json_extract(doc, '$.url.query'), json_extract(doc, '$.http.response.status_code'), "
                        f"json_extract(doc, '$.user_agent.original'), json_extract(doc, '$.event.original') = "
                        f"{sql_quote(COMBINED)}, score IS NOT NULL FROM events WHERE source_id = {sid} ORDER BY id LIMIT 1")
    check(row == "203.0.113.9|frank|success|1791665736000|GET|/api/v1/orders|id=7&page=2|200|"
                 "Mozilla/5.0 (X11; Linux x86_64)|1|1",
          "its fields are the ECS ones, the time with its offset, the line kept as event.original", row)
    _, _, ftoken = new_source(s, tok, "fw text", "network-flow")
    r = ingest(s, ftoken, COMBINED.encode(), "text/plain")
    check(r.status == 415, "a network-flow source refuses text/plain", r.text)


def sql_quote(v):
    return "'" + v.replace("'", "''") + "'"


@test
def secura_watches_its_own_access_log(s):
    """make run starts `secura watch-log` on nginx's combined access log:
    Secura's own requests become http-access events of "secura-nginx"."""
    import time
    Client(s).get("/health?probe=watch-log-e2e")
    got = ""
    for _ in range(60):
        got = events_sql(s, "SELECT count(*) FROM events WHERE json_extract(doc, '$.url.query') = 'probe=watch-log-e2e'")
        if got == "1":
            break
        time.sleep(0.25)
    check(got == "1", "a request to Secura shows up as an event", got)
    tok = admin_token(s)
    names = [x["name"] for x in api(s, tok, "GET", "/admin/sources").json().get("sources", [])]
    check("secura-nginx" in names, "the source secura-nginx was made for it", names)


@test
def watch_log_follows_rotation(s):
    """watch-log follows a file across a rename-and-create rotation and a
    truncation: every line written is taken once."""
    import signal
    import time
    from harness import BIN
    log = os.path.join(s.dir, "rotating.log")
    line = lambda i: COMBINED.replace("page=2", f"page={i}")
    with open(log, "w") as f:
        f.write(line(0) + "\n")
    p = subprocess.Popen([os.path.join(BIN, "secura"), "watch-log", log, "--source", "rotating", "--from-start"],
                         env=s.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def wait_for(n):
            for _ in range(80):
                c = int(events_sql(s, f"SELECT count(*) FROM events WHERE json_extract(doc, '$.labels.x') IS NULL "
                                      f"AND source_id = (SELECT max(source_id) FROM events "
                                      f"WHERE json_extract(doc, '$.url.query') = 'id=7&page=0')") or 0)
                if c >= n:
                    return c
                time.sleep(0.25)
            return c
        with open(log, "a") as f:
            f.write(line(1) + "\n" + line(2) + "\n")
        first = wait_for(3)
        os.rename(log, log + ".1")
        with open(log, "w") as f:
            f.write(line(3) + "\n")
        second = wait_for(4)
        open(log, "w").close()  # copy-and-truncate: emptied, then written
        time.sleep(1)
        with open(log, "a") as f:
            f.write(line(4) + "\n")
        third = wait_for(5)
    finally:
        p.send_signal(signal.SIGTERM)
        out = p.communicate(timeout=20)[0]
    check((first, second, third) == (3, 4, 5),
          "lines before, after a rename and after a truncation are each taken once",
          ((first, second, third), out[-500:]))
    check(p.returncode == 0, "watch-log ends cleanly on SIGTERM", (p.returncode, out[-300:]))


@test
def predict_scores_without_storing(s):
    """POST /api/v1/predict scores events with the anomaly models and
    stores nothing: a password spray's last attempts stand out from one
    ordinary sign-in; people outside the security team and source tokens
    are refused."""
    tok = admin_token(s)
    before = events_sql(s, "SELECT count(*) FROM events WHERE kind = 'auth'")
    spray = [{"@timestamp": 1796464800 + i, "event": {"category": "authentication", "action": "logon-failed",
                                                    "outcome": "failure"},
              "user": {"name": f"user{i}"}, "host": {"name": "VPN-GW"}, "source": {"ip": "198.51.100.23"}}
             for i in range(40)]
    ordinary = {"@timestamp": 1796464800, "event": {"category": "authentication", "action": "logon",
                                                   "outcome": "success"},
                "user": {"name": "alice.king"}, "host": {"name": "WS-01"}, "source": {"ip": "10.0.1.10"}}
    r = api(s, tok, "POST", "/predict", {"events": [ordinary] + spray + [{"@timestamp": "nope"}]})
    res = r.json().get("results", []) if r.status == 200 else []
    check(len(res) == 42 and res[0]["kind"] == "auth" and res[-2]["score"] > res[0]["score"]
          and res[-2]["anomalous"] and res[-2]["why"] and "error" in res[-1],
          "the spray's last attempt scores above an ordinary sign-in, with why; a bad event is named",
          (r.status, res[:1], res[-2:]))
    # Secura's own access log goes on meanwhile (http-access): count sign-ins
    check(events_sql(s, "SELECT count(*) FROM events WHERE kind = 'auth'") == before, "nothing is stored")
    r = api(s, tok, "POST", "/predict", {"events": []})
    check(r.status == 400, "an empty request is refused", r.text)
    s.ensure_user("predict-employee@example.org")
    emp = s.cli("token", "create", "--email", "predict-employee@example.org", "--name", "p", "--scope", "write")
    etok = next((w for w in emp.stdout.split() if w.startswith("sec_")), "")
    r = api(s, etok, "POST", "/predict", {"events": [ordinary]})
    check(r.status == 403, "an employee may not ask", r.status)
    _, _, src = new_source(s, tok, "predict source", "auth")
    r = api(s, src, "POST", "/predict", {"events": [ordinary]})
    check(r.status == 401, "a source token is not a person's", r.status)


@test
def saturated_writer_answers_429(_):
    """When batches queue for the writer longer than
    SECURA_INGEST_MAX_WAIT_MS (0 here: any queue), the door answers 429
    with Retry-After and stores nothing of that batch; what was answered
    200 is stored whole."""
    import threading
    from harness import Server
    srv = Server(SECURA_INGEST_MAX_WAIT_MS=0).start()
    try:
        tok = admin_token(srv)
        _, sid, token = new_source(srv, tok, "flood", "network-flow")
        body = "\n".join(json.dumps({"source": {"ip": f"10.9.{i % 200}.{i % 250}", "bytes": i},
                                     "destination": {"ip": "10.0.0.1", "port": 443}})
                         for i in range(2000)).encode()
        answers = []

        def post():
            for _ in range(3):
                r = ingest(srv, token, body)
                answers.append((r.status, r.header("Retry-After")))
        threads = [threading.Thread(target=post) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ok = sum(1 for a in answers if a[0] == 200)
        busy = [a for a in answers if a[0] == 429]
        check(busy and all(a[1] and int(a[1]) >= 1 for a in busy) and ok + len(busy) == len(answers),
              "a saturated writer answers 429 with Retry-After", answers)
        stored = events_sql(srv, f"SELECT count(*) FROM events WHERE source_id = {sid}")
        check(stored == str(ok * 2000), "what was answered 200 is stored, nothing of the 429s", (stored, ok))
    finally:
        srv.stop()


@test
def demo_events_and_the_activity_charts(s):
    """An admin's button queues three days of demo events for the worker
    (source "demo office", every kind, attacks among them); the events
    page then charts events per hour and the score histogram from the
    rollups, with the same figures in its JSON."""
    import time
    tok = admin_token(s)
    r = api(s, tok, "POST", "/demo/events")
    check(r.status == 202 and r.json().get("status") == "queued", "the demo events are queued", r.text)
    n, sid = "0", ""
    for _ in range(240):
        sid = s.sql("SELECT id FROM event_sources WHERE name = 'demo office'").stdout.strip()
        n = events_sql(s, f"SELECT count(*) FROM events WHERE source_id = {sid}") if sid else "0"
        if int(n or 0) >= 19000:
            break
        time.sleep(0.5)
    check(int(n or 0) >= 19000, "the worker adds about 20,000 events", n)
    kinds = events_sql(s, f"SELECT group_concat(DISTINCT kind) FROM events WHERE source_id = {sid or 0}")
    attacks = events_sql(s, f"SELECT count(DISTINCT json_extract(doc, '$.labels.scenario')) FROM events "
                            f"WHERE source_id = {sid or 0}")
    check(set(kinds.split(",")) >= {"auth", "network-flow", "http-access", "endpoint"} and int(attacks) >= 4,
          "of every kind, with attacks among them", (kinds, attacks))
    act = api(s, tok, "GET", "/security-events").json().get("activity", {})
    check(act.get("events", 0) > 0 and len(act.get("histogram", [])) == 10
          and sum(h["n"] for h in act["histogram"]) > 0,
          "the events list's JSON holds the last three days' activity", {k: act.get(k) for k in ("events", "anomalies")})
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    html = page.get("/security-events").text
    check('id="c-hours-t"' in html and 'id="c-scores-t"' in html and "Events per hour</title>" in html,
          "the page charts events per hour and the scores")
    audit = api(s, tok, "GET", "/admin/audit?action=demo.events").json()["entries"]
    check(audit and audit[0]["detail"] == {"count": 20000}, "the request is audited", audit[:1])


@test
def model_page_shows_the_anomaly_models(s):
    """/admin/model lists each kind's anomaly model with its provenance,
    threshold, the last day's score shares beside the training's, and
    drift."""
    tok = admin_token(s)
    models = api(s, tok, "GET", "/admin/model").json().get("anomaly", [])
    kinds = {m["kind"]: m for m in models}
    check({"auth", "network-flow", "http-access"} <= set(kinds)
          and all(len(m["shares"]) == 10 and 0 < m["threshold"] < 1 and m["trained_at"] for m in models)
          and abs(sum(x["training"] for x in kinds["auth"]["shares"]) - 100) < 1,
          "each kind's model, its threshold and score shares", [(m["kind"], m.get("psi")) for m in models])
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    html = page.get("/admin/model").text
    check("Anomaly models of the security events" in html and 'id="an-network-flow"' in html,
          "the page shows them")


@test
def anomaly_model_retrained_from_events(s):
    """An admin retrains an event kind's anomaly model from its stored
    events: the worker fits it, measures it and the current model on the
    kind's labelled evaluation data, adopts it only if it is no worse, and
    the intake and the app swap it in; a second request while one is
    queued is refused."""
    import time
    tok = admin_token(s)
    before = {m["kind"]: m["trained_at"] for m in api(s, tok, "GET", "/admin/model").json()["anomaly"]}
    r = api(s, tok, "POST", "/admin/model/anomaly/retrain", {"kind": "network-flow", "days": 30})
    again = api(s, tok, "POST", "/admin/model/anomaly/retrain", {"kind": "network-flow", "days": 30})
    check(r.status == 202 and again.status == 409, "the training is queued, a second one refused",
          (r.status, again.status))
    tid = r.json().get("id") if r.status == 202 else None
    row = None
    for _ in range(300):
        row = next((t for t in api(s, tok, "GET", "/admin/model").json()["trainings"] if t["id"] == tid), None)
        if row and row["status"] not in ("queued", "running"):
            break
        time.sleep(0.5)
    new = (row or {}).get("metrics", {}).get("new") or {}
    check(row and row["status"] in ("adopted", "rejected") and "ROC-AUC" in row["message"]
          and row["rows"] >= 1000 and isinstance(new.get("roc_auc"), float),
          "the worker fits it on the stored events and measures both models", row)
    if row and row["status"] == "adopted":
        after = before["network-flow"]
        for _ in range(40):
            after = {m["kind"]: m["trained_at"] for m in
                     api(s, tok, "GET", "/admin/model").json()["anomaly"]}["network-flow"]
            if after != before["network-flow"]:
                break
            time.sleep(0.5)
        check(after != before["network-flow"], "an adopted model is swapped in", (before, after))
        res = api(s, tok, "POST", "/predict", {"events": [{"event": {"category": "network"},
                                                          "source": {"ip": "10.0.1.5", "bytes": 100}}]}).json()
        check(res["results"][0]["model"] == after, "and scores from then on", res)
