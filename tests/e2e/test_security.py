"""End-to-end tests of request limits: a token's burst gets 429 with
Retry-After and the RateLimit headers while other people go on, an
address without a session is limited on its own, an event source has its
own limit (the native door's 429, HEC's busy code), and every limit
resets with its window."""

import time

from harness import Client, Server, check, test
from test_incidents import PW
from test_ingest import api, hec, ingest, new_source


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
