"""End-to-end tests of the graphs drawn from the events: the traffic
generator's lateral movement becomes a flagged attack path whose hops are
the ones sent, an OTRF recording posted through the HEC door gives the
attacker's edges, the threat map counts countries, a person's unusual
sign-in is flagged and a usual one is not, assets are tagged by admins
only, and a graph of 5,000 hosts is drawn within its cap - through nginx,
the ingest program, the worker and the app."""

import datetime
import json
import os
import time

from harness import Client, Server, check, test
from test_alerts import wait_for
from test_incidents import PW, people
from test_ingest import admin_token, api, events_sql, hec, ingest, new_source

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def generate(s, scenario, count, days, seed, end=None):
    """The generator's events (a list of dicts) for a scenario."""
    path = os.path.join(s.dir, f"g-{scenario}-{seed}.ndjson")
    args = ["traffic", "--out", path, "--count", str(count), "--days", str(days),
            "--scenario", scenario, "--seed", str(seed)]
    if end:
        args += ["--end", end]
    r = s.cli(*args)
    check(r.returncode == 0, f"the generator writes its {scenario} events", r.stderr)
    return [json.loads(l) for l in open(path)] if r.returncode == 0 else []


def post(s, token, events):
    """Posts events in batches of 5,000; returns the set of statuses."""
    lines = [json.dumps(e).encode() for e in events]
    return {ingest(s, token, b"\n".join(lines[i:i + 5000])).status for i in range(0, len(lines), 5000)}


def graph_alerts(s, tok, rule):
    return [a for a in api(s, tok, "GET", "/alerts?limit=200").json().get("alerts", [])
            if a["detector"] == f"rule:{rule}"]


@test
def lateral_movement_becomes_a_flagged_path_of_the_hops_sent(_):
    # an instance of its own: only this office's history and attack
    srv = Server().start()
    try:
        lateral_path(srv)
    finally:
        srv.stop()


def lateral_path(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "graph office", "generic")
    r = api(s, tok, "POST", "/admin/assets", {"name": "DC01", "criticality": "critical",
                                               "crown_jewel": True, "owner": "IT"})
    check(r.status in (200, 201), "the admin tags the domain controller a crown jewel", r.status)
    # ten days of the ordinary office ending two days ago, then the attack
    end = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    office = generate(s, "normal", 12000, 10, 71, end)
    attack = generate(s, "lateral", 3000, 1, 72)
    check(post(s, token, office) == {200} and post(s, token, attack) == {200},
          "the office's history and the day of the attack are taken")
    # which host each address is, as the endpoint agents said
    host_of = {e["host"]["ip"]: e["host"]["name"].lower() for e in office + attack
               if isinstance(e.get("host"), dict) and e["host"].get("ip")}
    sent = {(host_of.get(e["source"]["ip"], e["source"]["ip"]), e["host"]["name"].lower())
            for e in attack if e.get("user", {}).get("name") == "svc-backup"}
    alerts = wait_for(lambda: graph_alerts(s, tok, "secura-lateral-path"), 40)
    check(alerts and {a["group"] for a in alerts} == {"user.name=svc-backup"},
          "the walk across the workstations is flagged as a lateral-movement alert of its account",
          [(a["group"], a["count"]) for a in alerts])
    if not alerts:
        return
    a = api(s, tok, "GET", f"/alerts/{alerts[0]['id']}").json().get("alert", {})
    paths = [w["path"] for w in a.get("why", []) if w.get("path")]
    hops = {(h["src"], h["dst"]) for p in paths for h in p}
    check(paths and hops <= sent and all(h["user"] == "svc-backup" for p in paths for h in p),
          "every hop of the flagged path is one the attack sent, by its account", (hops - sent, len(sent)))
    check(any(len(p) >= 2 for p in paths) and a["severity"] in ("high", "critical")
          and any(t["id"] == "T1021" for t in a.get("techniques", [])),
          "the path has several hops, a high severity and ATT&CK's remote services", a.get("severity"))
    j = api(s, tok, "GET", f"/graph/paths?alert={a['id']}").json()
    check(j.get("paths") and j.get("edges") and j["paths"][0]["hops"][0]["user"] == "svc-backup",
          "the paths around the alert come as JSON", list(j)[:8])
    seed = paths[0][0]["src"]
    onward = api(s, tok, "GET", f"/visualize/attack-paths?host={seed}").json().get("onward", [])
    check(any(o["target"] == "dc01" and o["crown_jewel"] for o in onward),
          "from the first host, the crown jewel is where the attacker could go next", onward)
    p = people(s)
    page = p["analyst"][0].get(f"/graph/paths?alert={a['id']}")
    check(page.status == 200 and '<svg class="graph"' in page.text and "svc-backup" in page.text
          and "Top paths" in page.text, "the analyst sees the paths drawn beside their table")
    check(p["manager"][0].get("/graph/paths?host=dc01").status == 200,
          "a manager reads the attack paths")
    check(p["emp"][0].get("/graph/paths?host=dc01").status == 403
          and p["emp"][0].get("/graph/topology").status == 403
          and p["emp"][0].get("/users/svc-backup/behaviour").status == 403,
          "an employee never sees the graphs (403)")
    topo = api(s, tok, "GET", "/graph/topology").json()
    check(any(n["id"] == "10.0.1.0/24" for n in topo.get("nodes", []))
          and any(v["port"] == 443 for v in topo.get("services", [])),
          "the topology groups the office's addresses by /24 and lists its services",
          [n["id"] for n in topo.get("nodes", [])][:6])
    check(not [x for x in graph_alerts(s, tok, "secura-lateral-path") if x["group"] != "user.name=svc-backup"],
          "ordinary office sign-ins make no path alert")


@test
def an_otrf_recording_through_the_hec_door_gives_the_attackers_edges(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "windows collector", "generic")
    path = os.path.join(ROOT, "tests", "fixtures", "otrf", "purplesharp_ad_playbook_I.security.jsonl")
    body = "".join('{"event": %s, "sourcetype": "WinEventLog:Security"}' % l.strip()
                   for l in open(path) if l.strip()).encode()
    r = hec(s, token, "/services/collector/event", body)
    check(r.status == 200 and r.json().get("code") == 0, "the 73 Windows records are taken", r.text[:200])
    rows = events_sql(s, "SELECT src, dst, logon_type FROM auth_edges WHERE user_name = 'pgustavo'").splitlines()
    got = {tuple(x.split("|")) for x in rows}
    # no event of the recording names the host of the attacker's address
    want = {("172.18.39.5", d, "3") for d in ("mordordc", "workstation6", "workstation7")} | \
        {("172.18.39.5", d, "kerberos") for d in ("mordordc", "wec", "workstation6", "workstation7")}
    check(want <= got, "pgustavo's network logons and service tickets become his edges", sorted(got))
    check(events_sql(s, "SELECT count(*) FROM auth_edges WHERE user_name LIKE '%$'") == "0",
          "computer accounts are not people moving: no edge of theirs")


@test
def the_threat_map_counts_countries(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "edge firewall", "network-flow")
    now = int(time.time() * 1000)
    src = {"8.8.8.8": 3, "81.2.69.142": 2, "203.0.113.50": 4, "198.51.100.7": 1, "10.9.8.7": 5}
    events = [{"@timestamp": now, "source": {"ip": ip, "bytes": 10}, "destination": {"ip": "10.0.0.5", "port": 22},
               "network": {"transport": "tcp"}} for ip, n in src.items() for _ in range(n)]
    check(post(s, token, events) == {200}, "the firewall's flows are taken")
    m = api(s, tok, "GET", "/graph/threat-map?hours=1").json()
    by = {c["cc"]: c for c in m.get("countries", [])}
    check(m.get("geoip") and by.get("US", {}).get("events", 0) >= 3 and by.get("GB", {}).get("events", 0) >= 2,
          "Google's resolver counts for the United States, 81.2.69.142 for the United Kingdom", by)
    top = {t["ip"]: t for t in m.get("top", [])}
    check(top.get("203.0.113.50", {}).get("cc") == "" and top.get("198.51.100.7", {}).get("cc") == ""
          and m["unknown"]["events"] >= 5, "documentation ranges belong to no country", m.get("unknown"))
    check(m["internal"]["events"] >= 5 and "10.9.8.7" not in top, "private addresses count as inside")
    page = people(s)["lead"][0].get("/graph/threat-map?hours=1")
    check(page.status == 200 and 'class="chart map"' in page.text and "United Kingdom" in page.text,
          "the lead sees the world map beside its table")


@test
def an_unusual_sign_in_is_flagged_and_a_usual_one_is_not(_):
    # an instance of its own: no other test's sign-ins to catch up with
    srv = Server().start()
    try:
        unusual_sign_in(srv)
    finally:
        srv.stop()


def unusual_sign_in(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "vpn and sso", "auth")
    day = 86400000
    today = int(time.time() * 1000) // day * day
    events = []
    for d in range(14, 1, -1):  # two weeks of office hours on her own machine
        for h in (8, 9, 10, 11, 13, 14, 15, 16):
            events.append({"@timestamp": today - d * day + h * 3600000, "event": {"outcome": "success"},
                           "user": {"name": "ada.lovelace"}, "host": {"name": "WS-ADA"},
                           "source": {"ip": "10.20.0.5"}})
    check(post(s, token, events) == {200}, "two weeks of her history are taken")
    wait_for(lambda: events_sql(s, "SELECT value FROM cursors WHERE name = 'behaviour'"), 20)
    usual = {"@timestamp": today - day + 10 * 3600000 + 60000, "event": {"outcome": "success"},
             "user": {"name": "ada.lovelace"}, "host": {"name": "WS-ADA"}, "source": {"ip": "10.20.0.5"}}
    check(post(s, token, [usual]) == {200}, "a usual sign-in is taken")
    def hers():
        return [a for a in graph_alerts(s, tok, "secura-user-behaviour") if a["group"] == "user.name=ada.lovelace"]
    time.sleep(12)
    check(not hers(), "her usual sign-in is not flagged")
    odd = {"@timestamp": today - day + 3 * 3600000, "event": {"outcome": "success"},
           "user": {"name": "ada.lovelace"}, "host": {"name": "FINANCE-DB"}, "source": {"ip": "81.2.69.142"}}
    check(post(s, token, [odd]) == {200}, "a sign-in at 03:00 on the finance database from abroad is taken")
    check(wait_for(hers, 40), "her unusual sign-in raises an alert")
    prof = api(s, tok, "GET", "/users/ada.lovelace/behaviour").json()
    reasons = " ".join(r for f in prof.get("flags", []) for r in f["reasons"])
    check("first time on this host" in reasons and "rare hour" in reasons and "United Kingdom" in reasons,
          "the reasons: a first time on the host, a rare hour, a new country", reasons)
    check(prof["hosts"][0]["host"] == "ws-ada" and sum(sum(d["hours"]) for d in prof["heatmap"]) >= 104
          and not prof["learning"], "her profile shows her usual host and two weeks of hours", prof["hosts"][:2])
    people_list = api(s, tok, "GET", "/users/behaviour").json().get("people", [])
    check(any(p["user"] == "ada.lovelace" for p in people_list), "she is among the most unusual people")
    page = people(s)["analyst"][0].get("/users/ada.lovelace/behaviour")
    check(page.status == 200 and "Sign-ins by hour of the week" in page.text and "ws-ada" in page.text,
          "the analyst sees her heatmap and hosts")


@test
def assets_are_tagged_by_admins_and_read_by_the_team(s):
    p = people(s)
    admin, analyst, emp = p["admin"][0], p["analyst"][0], p["emp"][0]
    r = admin.form_post("/admin/assets", "/admin/assets", {"name": "10.0.5.0/24", "owner": "Finance",
                                                            "criticality": "high", "crown_jewel": "1"})
    check(r.status == 303 and "10.0.5.0/24" in admin.get("/admin/assets").text, "an admin tags a subnet")
    r = admin.form_post("/admin/assets", "/admin/assets", {"name": "bad name!", "criticality": "high"})
    check(r.status == 422 and "host name" in r.text, "a name that is no host nor subnet is refused (422)", r.status)
    r = admin.form_post("/admin/assets", "/admin/assets", {"name": "10.0.5.0/33", "criticality": "high"})
    check(r.status == 422, "a subnet of 33 bits is refused", r.status)
    check(analyst.get("/admin/assets").status == 200, "an analyst reads the assets")
    r = analyst.form_post("/admin/assets", "/admin/assets", {"name": "x", "criticality": "low"})
    check(r.status == 403, "an analyst cannot tag one (403)", r.status)
    check(emp.get("/admin/assets").status == 403, "an employee cannot read them (403)")


@test
def a_graph_of_five_thousand_hosts_is_drawn_within_its_cap(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "jump host logs", "auth")
    now = int(time.time() * 1000)
    events = [{"@timestamp": now - i, "event": {"outcome": "success"}, "user": {"name": f"u{i % 50}"},
               "host": {"name": "JUMP01"}, "source": {"ip": f"10.{(i // 250) % 256}.{i % 250}.{1 + i // 64000}"}}
              for i in range(5000)]
    check(post(s, token, events) == {200}, "5,000 hosts sign in to one jump host")
    j = api(s, tok, "GET", "/graph/paths?host=jump01&hours=2").json()
    check(len(j.get("edges", [])) == 80 and j.get("left_out", 0) >= 4900,
          "the picture keeps 80 edges and says how many it left out", (len(j.get("edges", [])), j.get("left_out")))
    page = people(s)["analyst"][0].get("/graph/paths?host=jump01&hours=2")
    check(page.status == 200 and '<svg class="graph"' in page.text and "were left out" in page.text,
          "the page draws it and says what was left out")


@test
def names_from_events_are_escaped_in_the_pictures(s):
    tok = admin_token(s)
    _, _, token = new_source(s, tok, "hostile names", "auth")
    now = int(time.time() * 1000)
    bad = '<img src=x onerror=alert(1)>"&\\N'
    events = [{"@timestamp": now, "event": {"outcome": "success"}, "user": {"name": bad},
               "host": {"name": "web77"}, "source": {"ip": "10.77.0.9"}},
              {"@timestamp": now, "event": {"outcome": "success"}, "user": {"name": "bob"},
               "host": {"name": bad}, "source": {"ip": "10.77.0.9"}}]
    check(post(s, token, events) == {200}, "sign-ins with markup in their names are taken")
    page = people(s)["analyst"][0].get("/graph/paths?host=10.77.0.9")
    check(page.status == 200 and '<svg class="graph"' in page.text and "&lt;img" in page.text
          and "<img src=x" not in page.text, "the names are drawn as text, never as markup")
