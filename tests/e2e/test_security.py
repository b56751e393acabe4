"""End-to-end tests of request limits: a token's burst gets 429 with
Retry-After and the RateLimit headers while other people go on, an
address without a session is limited on its own, an event source has its
own limit (the native door's 429, HEC's busy code), and every limit
resets with its window."""

import re
import time

from harness import Client, Server, check, test
from test_incidents import PW
from test_ingest import admin_token, api, hec, ingest, new_source


def token_of(s, email, role):
    s.add_user(email, role, PW)
    r = s.cli("token", "create", "--email", email, "--name", "limits", "--scope", "write")
    return next(w for w in r.stdout.split() if w.startswith("sec_"))


def burst(fn, n):
    """Calls fn n times; returns the responses."""
    return [fn() for _ in range(n)]


@test
def request_limits(_):
    srv = Server(SECURA_RATE_LIMIT=20, SECURA_RATE_ANON=15, SECURA_RATE_INGEST=5,
                 SECURA_RATE_WINDOW=4).start()
    try:
        a = token_of(srv, "limit-a@example.org", "analyst")
        b = token_of(srv, "limit-b@example.org", "analyst")
        # twice the limit and one: some window of 4 s holds more than 20
        got = burst(lambda: api(srv, a, "GET", "/incidents?limit=1"), 41)
        over = [r for r in got if r.status == 429]
        check(over and all(r.status in (200, 429) for r in got),
              "a token's burst over its limit gets 429", sorted({r.status for r in got}))
        if over:
            h = over[0].header
            check(int(h("Retry-After") or "0") >= 1 and h("RateLimit-Limit") == "20"
                  and h("RateLimit-Remaining") == "0" and h("RateLimit-Policy") == "20;w=4"
                  and over[0].json()["error"]["code"] == "rate_limited",
                  "with Retry-After, the RateLimit headers and a JSON error", over[0].headers)
        ok = got[0]
        check(ok.header("RateLimit-Limit") == "20" and ok.header("RateLimit-Remaining") is not None,
              "an answer within the limit says what is left", ok.headers)
        check(api(srv, b, "GET", "/incidents?limit=1").status == 200, "another person's token goes on")
        time.sleep(int(over[0].header("Retry-After") or "4") + 0.2 if over else 4)
        check(api(srv, a, "GET", "/incidents?limit=1").status == 200, "the limit resets with its window")

        # an address without a session: its own limit (loopback here)
        got = burst(lambda: Client(srv).get("/login"), 31)
        check(any(r.status == 429 for r in got), "an address without a session is limited on its own",
              sorted({r.status for r in got}))
        page = next((r for r in got if r.status == 429), None)
        check(page is not None and "Too many requests" in page.text and "<html" in page.text.lower(),
              "a person in a browser gets a page that says so")

        # an event source: its own limit on both doors
        tok = token_of(srv, "limit-admin@example.org", "admin")
        _, _, src = new_source(srv, tok, "noisy sensor", "generic")
        got = burst(lambda: ingest(srv, src, b'{"message": "ping"}\n'), 11)
        check(any(r.status == 429 for r in got), "a source over its limit gets 429 on the native door",
              sorted({r.status for r in got}))
        got = burst(lambda: hec(srv, src, "/services/collector/event", b'{"event": "ping"}'), 11)
        busy = [r for r in got if r.status == 503]
        check(busy and busy[0].json().get("code") == 9 and busy[0].header("Retry-After"),
              "and HEC's busy answer (code 9) with Retry-After on the HEC door", sorted({r.status for r in got}))
    finally:
        srv.stop()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? '
                    r'(-?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)|\+Inf|-Inf|NaN)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"')


def exposition(text):
    """Checks Prometheus' text format (0.0.4): every sample's family has
    one TYPE before it, histograms' buckets rise to +Inf = _count. Returns
    {family: [(labels, value)]} and a list of problems."""
    types, fams, problems = {}, {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            if name in types:
                problems.append(f"TYPE twice: {name}")
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"not a sample: {line!r}")
            continue
        name, labels = m.group(1), dict(LABEL.findall(m.group(2) or ""))
        fam = re.sub(r"_(bucket|sum|count)$", "", name) if re.sub(r"_(bucket|sum|count)$", "", name) in types else name
        if fam not in types:
            problems.append(f"no TYPE before {name}")
        fams.setdefault(name, []).append((labels, float(m.group(3))))
    series = {}
    for labels, v in fams.get("secura_http_request_duration_seconds_bucket", []):
        key = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
        series.setdefault(key, []).append((float(labels["le"]), v))
    counts = {tuple(sorted(l.items())): v for l, v in fams.get("secura_http_request_duration_seconds_count", [])}
    for key, buckets in series.items():
        buckets.sort()
        if any(b[1] > c[1] for b, c in zip(buckets, buckets[1:])) or buckets[-1][1] != counts.get(key):
            problems.append(f"histogram {key} does not rise to its count")
    return fams, problems


@test
def prometheus_metrics(s):
    tok = admin_token(s)
    for _ in range(3):
        api(s, tok, "GET", "/incidents?limit=1")
    _, _, src = new_source(s, tok, "metrics probe", "generic")
    ingest(s, src, b'{"message": "one"}\n{"message": "two"}\n')
    r = Client(s).get("/metrics/prometheus")
    check(r.status == 200 and r.header("Content-Type").startswith("text/plain; version=0.0.4"),
          "the metrics answer from this machine in Prometheus' text format", (r.status, r.header("Content-Type")))
    fams, problems = exposition(r.text)
    check(not problems, "the exposition parses: one TYPE a metric, histograms rising to their count", problems[:5])
    reqs = {(l.get("program"), l.get("route"), l.get("status")): v
            for l, v in fams.get("secura_http_requests_total", [])}
    check(reqs.get(("app", "/incidents", "200"), 0) >= 3, "requests are counted by program, route and status",
          sorted(reqs)[:8])
    check(any(l.get("file") == "secura.db" and v > 0 for l, v in fams.get("secura_database_bytes", [])),
          "the database's size is there")
    acc = {l.get("source"): v for l, v in fams.get("secura_events_accepted_total", [])}
    check(acc.get("metrics probe") == 2, "events taken per source are counted", acc)
    check("secura_jobs" in r.text and "secura_backup_last_timestamp_seconds" in r.text,
          "job queues and the last backup are there")


@test
def metrics_need_their_token_when_loopback_is_not_trusted(_):
    secret = "metrics-" + "7" * 32
    srv = Server(SECURA_METRICS_LOOPBACK=0, SECURA_METRICS_TOKEN=secret).start()
    try:
        c = Client(srv)
        check(c.get("/metrics/prometheus").status == 401, "without the token: 401")
        r = c.request("GET", "/metrics/prometheus", headers={"Authorization": "Bearer wrong"})
        check(r.status == 401, "with another token: 401")
        r = c.request("GET", "/metrics/prometheus", headers={"Authorization": f"Bearer {secret}"})
        check(r.status == 200 and "secura_http_requests_total" in r.text, "with SECURA_METRICS_TOKEN: 200")
        # an admin's token of the metrics scope reads the metrics and nothing else
        srv.add_user("prom-admin@example.org", "admin", PW)
        srv.add_user("prom-analyst@example.org", "analyst", PW)
        made = srv.cli("token", "create", "--email", "prom-admin@example.org", "--name", "prometheus",
                       "--scope", "metrics")
        tok = made.stdout.strip()
        r = c.request("GET", "/metrics/prometheus", headers={"Authorization": f"Bearer {tok}"})
        check(made.returncode == 0 and r.status == 200 and "secura_http_requests_total" in r.text,
              "an admin's metrics-scope token reads the metrics", (made.stderr, r.status))
        r = c.request("GET", "/api/v1/incidents", headers={"Authorization": f"Bearer {tok}"})
        check(r.status == 403 and r.json()["error"]["code"] == "metrics_token",
              "and opens nothing else", (r.status, r.text[:200]))
        for scope in ("read", "write"):
            other = srv.cli("token", "create", "--email", "prom-admin@example.org", "--name", scope,
                            "--scope", scope).stdout.strip()
            r = c.request("GET", "/metrics/prometheus", headers={"Authorization": f"Bearer {other}"})
            check(r.status == 401, f"an admin's {scope} token does not read the metrics", r.status)
        refused = srv.cli("token", "create", "--email", "prom-analyst@example.org", "--name", "p",
                          "--scope", "metrics")
        check(refused.returncode != 0 and "only admins" in refused.stderr, "only admins have metrics tokens")
        ana = Client(srv)
        ana.login("prom-analyst@example.org", PW)
        r = ana.form_post("/tokens", "/tokens", {"name": "prom", "scope": "metrics"})
        check(r.status == 422 and "Only admins make metrics tokens" in r.text, "nor through the tokens page", r.status)
        adm = Client(srv)
        adm.login("prom-admin@example.org", PW)
        r = adm.form_post("/tokens", "/tokens", {"name": "prom web", "scope": "metrics"})
        check(r.status == 201 and "metrics" in r.text, "an admin makes one on the tokens page", r.status)
    finally:
        srv.stop()
