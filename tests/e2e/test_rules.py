"""End-to-end tests of the detection rules: the shipped Sigma rules turn
each attack of the traffic generator into its alert (and ordinary office
traffic into none), correlations fold repeated attacks into one alert
with its ATT&CK techniques, an admin uploads, disables and is refused a
rule - through nginx, the ingest program, the worker and the app."""

import json
import os
import time

from harness import Client, check, test
from test_alerts import wait_for
from test_ingest import admin_token, api, ingest, new_source

PW = "Lavender staircase at noon"

# the shipped rules each scenario must raise (ids in data/rules/)
EXPECT = {
    "bruteforce": ["2b0c7f4e-1d7a-4f0e-8e55-3f6d1c9a0b11"],
    "spray": ["4e8a1c2d-6b3f-4a9e-b7d0-5c2e1f0a3b21", "4e8a1c2d-6b3f-4a9e-b7d0-5c2e1f0a3b22"],
    "portscan": ["9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e32"],
    "exfiltration": ["5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b41"],
    "sqli": ["1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c51", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c52",
             "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c53"],
    "lateral": ["8d9e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f71"],
}


def rule_alerts(s, tok):
    """The alerts raised by rules, by detector (every page)."""
    out, page = {}, 1
    while True:
        got = api(s, tok, "GET", f"/alerts?limit=200&page={page}").json().get("alerts", [])
        for a in got:
            if a["detector"].startswith("rule:"):
                out.setdefault(a["detector"][5:], []).append(a)
        if len(got) < 200 or page == 20:
            return out
        page += 1


def post_scenario(s, token, scenario, count=8000):
    """Posts a day of the office with the scenario's attacks (the
    generator's file, at the office's own pace: posting live at full speed
    would squeeze a day into seconds) in batches of 5,000. Each scenario
    has its own seed: the same seed gives the same event ids, which the
    intake takes as a retry and stores once."""
    path = os.path.join(s.dir, f"{scenario}.ndjson")
    r = s.cli("traffic", "--out", path, "--count", str(count), "--days", "1", "--scenario", scenario,
              "--seed", str(21 + sum(map(ord, scenario))))
    lines = open(path, "rb").read().splitlines() if r.returncode == 0 else []
    codes = {ingest(s, token, b"\n".join(lines[i:i + 5000])).status for i in range(0, len(lines), 5000)}
    check(lines and codes == {200}, f"the generator's {scenario} day is taken", (r.stderr, codes))


@test
def every_scenario_raises_its_rule_and_normal_traffic_none(s):
    tok = admin_token(s)
    _, sid, token = new_source(s, tok, "office", "generic")
    post_scenario(s, token, "normal", 20000)
    time.sleep(3)  # the worker folds within a second or two
    ours = [a for rs in rule_alerts(s, tok).values() for a in rs
            if api(s, tok, "GET", f"/alerts/{a['id']}").json().get("alert", {}).get("source_id") == sid]
    check(ours == [], "a working day of ordinary traffic raises no rule alert", ours)
    for scenario in EXPECT:
        post_scenario(s, token, scenario)
    want = {r for rules in EXPECT.values() for r in rules}
    got = wait_for(lambda: (lambda a: a if want <= set(a) else None)(rule_alerts(s, tok)), 40) \
        or rule_alerts(s, tok)
    for scenario, rules in EXPECT.items():
        check(all(r in got for r in rules), f"the {scenario} scenario raises its rule alert",
              sorted(got))
    brute = got.get(EXPECT["bruteforce"][0], [{}])
    # the generator spreads its bursts over past days: one alert a burst
    check(brute and all(a.get("count", 0) >= 20 and a.get("severity") == "high"
                        and a.get("group") == "source.ip=203.0.113.7 user.name=administrator" for a in brute)
          and sum(a["count"] for a in brute) > len(brute) * 19,
          "each brute-force burst folds into one alert about the address and account, with its count", brute)
    one = api(s, tok, "GET", f"/alerts/{brute[0].get('id')}").json().get("alert", {})
    tech = {t["id"]: t for t in one.get("techniques", [])}
    check(tech.get("T1110.001", {}).get("name") == "Password Guessing"
          and "credential-access" in tech.get("T1110.001", {}).get("tactics", ""),
          "its ATT&CK technique comes with MITRE's name and tactic", one.get("techniques"))
    why = one.get("why", [{}])[0]
    check(why.get("rule") == EXPECT["bruteforce"][0] and why.get("count", 0) >= 20
          and why.get("falsepositives"),
          "why it fired names the rule, the count in its window and the known false positives", why)
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    html = page.get(f"/alerts/{brute[0].get('id')}").text
    check("Password Guessing" in html and "Known false positives" in html and "events in its window" in html,
          "the alert page shows the rule, its technique and its false positives")


@test
def an_admin_uploads_disables_and_is_refused_rules(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "web", "http-access")
    rule = ("title: sqlmap user agent\nid: 0f1e2d3c-0000-4000-8000-00000000aa01\n"
            "logsource: {category: webserver}\n"
            "detection:\n  sel:\n    c-useragent|contains: sqlmap\n  condition: sel\n"
            "level: high\ntags: [attack.t1190]\n")
    bad = api(s, tok, "POST", "/admin/rules", {"file": "ua.yml", "yaml": rule.replace("contains", "base64offset")})
    check(bad.status == 422 and "line 6" in bad.text and "base64offset" in bad.text,
          "a rule outside the subset is refused with its line and reason", bad.text[:300])
    broken = api(s, tok, "POST", "/admin/rules", {"file": "ua.yml", "yaml": "title: [unclosed\n"})
    check(broken.status == 422 and "line" in broken.text, "a YAML error is refused with its line", broken.text[:300])
    files = [f["file"] for f in api(s, tok, "GET", "/admin/rules").json().get("files", [])]
    check("ua.yml" not in files and "brute_force.yml" in files,
          "nothing refused is stored; the shipped files are listed", files)
    r = api(s, tok, "POST", "/admin/rules", {"file": "brute_force.yml", "yaml": rule})
    check(r.status == 422 and "ships" in r.text, "a shipped file's name cannot be taken", r.text[:200])
    r = api(s, tok, "POST", "/admin/rules", {"file": "ua.yml", "yaml": rule})
    check(r.status == 201, "a good rule is uploaded", r.text[:300])
    time.sleep(1.2)  # the intake looks for changes once a second
    ev = lambda ip: json.dumps({"source": {"ip": ip}, "url": {"path": "/login"},
                                "http": {"request": {"method": "GET"}, "response": {"status_code": 200}},
                                "user_agent": {"original": "sqlmap/1.7#stable"}})
    check(ingest(s, token, ev("192.0.2.50").encode()).status == 200, "a sqlmap request is taken")
    det = "rule:0f1e2d3c-0000-4000-8000-00000000aa01"
    got = wait_for(lambda: api(s, tok, "GET", f"/alerts?detector={det}").json().get("alerts"))
    check(got and got[0]["group"] == "source.ip=192.0.2.50" and got[0]["severity"] == "high",
          "the uploaded rule raises its alert (its taxonomy field mapped to ECS)", got)
    r = api(s, tok, "POST", "/admin/rules/ua.yml/enable", {"enabled": "0"})
    check(r.status == 200, "the admin disables it", r.text[:200])
    time.sleep(1.2)
    ingest(s, token, ev("192.0.2.51").encode())
    time.sleep(2.5)
    alerts = api(s, tok, "GET", f"/alerts?detector={det}").json().get("alerts", [])
    check(len(alerts) == 1, "a disabled rule raises nothing more", alerts)
    r = api(s, tok, "POST", "/admin/rules/failed_signin.yml/enable", {"enabled": "0"})
    check(r.status == 409 and "names 'failed_signin'" in r.text,
          "a rule a correlation counts cannot be disabled alone", r.text[:300])
    s.ensure_user("rules-analyst@example.org", "analyst")
    s.ensure_user("rules-employee@example.org", "employee")
    an = Client(s)
    an.login("rules-analyst@example.org", PW)
    check(an.get("/admin/rules").status == 200, "an analyst reads the rules")
    check(an.form_post("/admin/rules", "/admin/rules", {"file": "x.yml", "yaml": rule}).status == 403,
          "an analyst may not upload one")
    em = Client(s)
    em.login("rules-employee@example.org", PW)
    check(em.get("/admin/rules").status == 403, "an employee does not see the rules")


@test
def monitoring_and_attack_coverage(s):
    """/monitor adds up the events and alerts (a detector's false-positive
    rate moves when one of its alerts is closed as one); the ATT&CK
    coverage lists the techniques of the enabled rules and of the alerts;
    managers read both, analysts do not."""
    tok = admin_token(s)
    if not rule_alerts(s, tok):  # run alone: make some
        _, _, token = new_source(s, tok, "office 2", "generic")
        post_scenario(s, token, "bruteforce")
        wait_for(lambda: rule_alerts(s, tok), 30)
    brute = rule_alerts(s, tok).get(EXPECT["bruteforce"][0], [{}])[0]
    r = api(s, tok, "POST", f"/alerts/{brute.get('id')}/status",
            {"status": "closed", "reason": "false_positive", "note": "a pen test we ordered"})
    check(r.status == 200, "an alert of the brute-force rule is closed as a false positive", r.text[:200])
    m = api(s, tok, "GET", "/monitor?hours=720").json()
    dets = {d["detector"]: d for d in m.get("alerts", {}).get("detectors", [])}
    mine = dets.get("rule:" + EXPECT["bruteforce"][0], {})
    check(m.get("alerts", {}).get("total", 0) > 0 and mine.get("false_positives", 0) >= 1
          and mine.get("fp_percent") is not None and m["alerts"]["mean_close_minutes"] is not None,
          "the overview counts alerts, each detector's false positives and the time to close", mine)
    kinds = {k["name"] for k in m.get("events", {}).get("kinds", [])}
    check({"auth", "network-flow"} <= kinds, "and the events a minute by kind", kinds)
    page = Client(s)
    page.login(s.admin_email, s.admin_password)
    html = page.get("/monitor?hours=720").text
    check("<svg" in html and "Detectors that fire most" in html, "the overview page draws its charts")
    cov = api(s, tok, "GET", "/monitor/attack").json()
    rows = {t["id"]: t for t in cov.get("techniques", [])}
    t = rows.get("T1110.001", {})
    check(cov.get("covered", 0) >= 8 and "Brute force against one account" in t.get("rules", [])
          and t.get("alerts", 0) >= 1 and t.get("name") == "Password Guessing",
          "the coverage lists a technique with the rules that look for it and its alerts", t)
    s.ensure_user("mon-mgr@example.org", "manager")
    s.ensure_user("mon-an@example.org", "analyst")
    for email, want in (("mon-mgr@example.org", 200), ("mon-an@example.org", 403)):
        c = Client(s)
        c.login(email, PW)
        check(c.get("/monitor").status == want and c.get("/monitor/attack").status == want,
              f"{email.split('-')[1].split('@')[0]}: /monitor is {want}")


@test
def an_admin_moves_a_models_threshold(s):
    """An admin moves the sign-in model's alert threshold down (an
    ordinary sign-in is then a finding), and back to the model's own;
    the page shows the evidence and who may do it is checked."""
    tok = admin_token(s)
    ordinary = {"@timestamp": 1796464800, "event": {"category": "authentication", "action": "logon",
                                                   "outcome": "success"},
                "user": {"name": "alice.king"}, "host": {"name": "WS-01"}, "source": {"ip": "10.0.1.10"}}
    judged = lambda: api(s, tok, "POST", "/predict", {"events": [ordinary]}).json()["results"][0]
    first = judged()
    check(not first["anomalous"], "an ordinary sign-in is no finding at the model's own threshold", first)
    bad = api(s, tok, "POST", "/admin/model/anomaly/auth/threshold", {"threshold": "2", "reason": "x"})
    check(bad.status == 422, "a threshold outside 0.01-0.99 is refused", bad.status)
    check(api(s, tok, "POST", "/admin/model/anomaly/nothing/threshold", {"threshold": "0.5", "reason": "x"}).status
          == 404, "a kind without a model is 404")
    s.ensure_user("thr-lead@example.org", "lead")
    lead = Client(s)
    lead.login("thr-lead@example.org", PW)
    check(lead.form_post("/", "/admin/model/anomaly/auth/threshold",
                         {"threshold": "0.1", "reason": "x"}).status == 403, "a lead may not move it")
    r = api(s, tok, "POST", "/admin/model/anomaly/auth/threshold",
            {"threshold": str(round(max(first["score"] - 0.05, 0.01), 2)), "reason": "testing the bar"})
    check(r.status == 200, "the admin moves it below the sign-in's score", r.text[:200])
    time.sleep(10.5)  # the scorers look for a new threshold every ten seconds
    after = judged()
    model = {m["kind"]: m for m in api(s, tok, "GET", "/admin/model").json().get("anomaly", [])}.get("auth", {})
    check(after["anomalous"] and model.get("moved") and model.get("alert_threshold") < first["score"],
          "the same sign-in is a finding now; the page says the threshold was moved", (after, model))
    r = api(s, tok, "POST", "/admin/model/anomaly/auth/threshold", {"threshold": "", "reason": "back"})
    time.sleep(10.5)
    model = {m["kind"]: m for m in api(s, tok, "GET", "/admin/model").json().get("anomaly", [])}.get("auth", {})
    check(r.status == 200 and not model.get("moved") and not judged()["anomalous"],
          "reset, the model's own threshold holds again", model)
