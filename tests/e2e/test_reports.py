"""End-to-end tests of dashboards, metrics and compliance reports: who may
see them, metrics computed from the history rows against hand-computed
values, the compliance facts and notifications an analyst records, and
PDFs checked with qpdf and pdftotext (accents intact, the data SHA-256 in
every footer, `secura report verify`), including a 10,000-incident
register."""

import os
import re
import time
import subprocess
import tempfile

from harness import Client, Server, check, test
from test_incidents import PW, created_id, people, report, reported

T0 = 1772409600  # 2026-03-02T00:00:00Z, a Monday
H = 3600


def pdf_text(data):
    """Returns (qpdf --check ok, page count, text) of a PDF body."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(data)
        path = f.name
    try:
        ok = subprocess.run(["qpdf", "--check", path], capture_output=True).returncode == 0
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1)) if "Pages:" in info else 0
        text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                              text=True).stdout
        return ok, pages, text
    finally:
        os.unlink(path)


@test
def dashboards_and_reports_by_role(s):
    p = people(s)
    _, ref = reported(s)
    expect = {  # role: (dashboards, reports)
        "emp": (403, 403), "analyst": (403, 403), "lead": (200, 403),
        "manager": (200, 200), "admin": (200, 200)}
    for who, (dash, rep) in expect.items():
        c = p[who][0]
        got = [c.get(u).status for u in ("/api/v1/metrics", "/api/v1/metrics/executive", "/metrics")]
        check(got == [dash] * 3, f"{who}: dashboards and metrics answer {dash}", got)
        got = [c.get(u).status for u in ("/reports", "/api/v1/reports/gdpr-register?format=json",
                                         "/reports/executive?period=7",
                                         f"/reports/gdpr-art33?incident={ref}")]
        check(got == [rep] * 4, f"{who}: reports answer {rep}", got)
    anon = Client(s)
    check(anon.get("/api/v1/metrics").status == 401 and
          anon.get("/api/v1/reports").status == 401, "anonymous: 401 on metrics and reports")
    m = p["manager"][0]
    check(m.get("/reports/gdpr-art33?incident=INC-1999-0001").status == 404,
          "a report for an unknown incident is 404")
    r = m.get("/metrics/executive?period=custom&from=2026-03-10&to=2026-03-01")
    check(r.status == 422 and "must not be before" in r.text, "a backwards period is a clear 422")
    page = m.get("/metrics/executive?period=90")
    check(page.status == 200 and page.text.count('role="img"') >= 6 and "<table" in page.text,
          "the executive page has its charts (role=img) and tables")


@test
def json_export(s):
    p = people(s)
    r = p["manager"][0].get("/incidents.json?status=open")
    rows = r.json() if r.status == 200 else []
    check(r.status == 200 and isinstance(rows, list) and rows and
          all("description" in x and "data_types" in x for x in rows),
          "incidents.json exports every matching incident with all fields", r.status)
    allrows = p["manager"][0].get("/incidents.json").json()
    csv_lines = p["manager"][0].get("/incidents.csv").text.count("\r\nINC-")
    check(len(allrows) == csv_lines, "JSON and CSV exports hold the same incidents",
          (len(allrows), csv_lines))
    check(p["emp"][0].get("/incidents.json").status == 403, "an employee cannot export")


def sql_value(v):
    """v as an SQL literal (None is NULL; strings hold no quotes here)."""
    return "NULL" if v is None else str(v) if isinstance(v, int) else f"'{v}'"


def incident_sql(i, status, severity, reporter, created, **cols):
    """An INSERT of incident i (INC-2026-000i, title 't<i>') as the product
    stores it, with any further columns."""
    vals = dict(id=i, ref=f"INC-2026-{i:04d}", title=f"t{i}", description="d",
                category_id=1, status=status, severity=severity, reporter_id=reporter,
                created_at=created, updated_at=created, **cols)
    return (f"INSERT INTO incidents({', '.join(vals)}) "
            f"VALUES({', '.join(map(sql_value, vals.values()))});")


def status_sql(i, at, actor, old, new):
    """An INSERT of incident i's history row for a status move (old None:
    its creation)."""
    kind = "created" if old is None else "status"
    return (f"INSERT INTO incident_events(incident_id, at, actor_id, kind, field, old_value, "
            f"new_value) VALUES({i}, {at}, {actor}, '{kind}', 'status', {sql_value(old)}, "
            f"'{new}');")


@test
def metrics_match_hand_computed(_):
    """A fresh instance with five incidents written as the product writes
    them (incident rows and status history rows)."""
    srv = Server().start()
    try:
        uid = srv.add_user("metrics-lead@example.org", "lead", PW)
        rows = [  # created, status, severity, [(hours after, old, new)]
            (T0 + 10 * H, "resolved", "high",
             [(1, "new", "triage"), (3, "triage", "investigating"),
              (5, "investigating", "containment"), (25, "containment", "resolved")]),
            (T0 + 3 * 24 * H + 8 * H, "eradication", "critical",
             [(3, "new", "triage"), (10, "triage", "eradication")]),
            (T0 + 8 * 24 * H + 12 * H, "rejected", None,
             [(2, "new", "rejected")]),
            (T0 + 18 * 24 * H + 9 * H, "new", None, []),
            (T0 - 20 * 24 * H + 10 * H, "resolved", "low",
             [(4, "new", "triage"), (48, "triage", "resolved")]),
        ]
        sql = []
        for i, (created, status, sev, events) in enumerate(rows, 1):
            sql.append(incident_sql(i, status, sev, uid, created))
            sql.append(status_sql(i, created, uid, None, "new"))
            sql += [status_sql(i, created + hours * H, uid, old, new) for hours, old, new in events]
        r = srv.sql("BEGIN;" + "".join(sql) + "COMMIT;")
        check(r.returncode == 0, "fixed dataset written", r.stderr)
        c = Client(srv)
        c.login("metrics-lead@example.org", PW)
        j = c.get("/api/v1/metrics/executive?period=custom&from=2026-03-01&to=2026-03-30").json()
        t = {x["key"]: x for x in j["times"]}
        check(j["totals"]["incidents"] == 4 and j["totals"]["previous"] == 1 and
              j["totals"]["change"] == "+300.0%", "4 incidents against 1 before (+300.0%)", j["totals"])
        check(j["totals"]["rejected"] == 1 and j["totals"]["false_positive_rate"] == "25.0%",
              "false-positive rate 1/4", j["totals"])
        check((t["triage"]["n"], t["triage"]["mean_s"], t["triage"]["median_s"], t["triage"]["p90_s"])
              == (3, 2 * H, 2 * H, 10080), "time to triage: 1, 3, 2 h -> mean 2 h, median 2 h, p90 2.8 h",
              t["triage"])
        check(t["triage"]["previous_median"] == "4 h 0 min" and t["triage"]["change_median"] == "-50.0%",
              "time to triage against the previous period (4 h, -50%)", t["triage"])
        check((t["contain"]["n"], t["contain"]["mean_s"], t["contain"]["median_s"], t["contain"]["p90_s"])
              == (2, 27000, 27000, 34200), "time to contain: 5 and 10 h (eradication counts as contained)",
              t["contain"])
        check((t["resolve"]["n"], t["resolve"]["median_s"], t["resolve"]["previous_median"])
              == (1, 25 * H, "2 d 0 h"), "time to resolve: 25 h; previous 48 h", t["resolve"])
        check([w["n"] for w in j["weekly"]] == [2, 1, 1, 0, 0], "incidents per week from the first day",
              j["weekly"])
        sev = {x["name"]: x["n"] for x in j["by_severity"]}
        check(sev == {"critical": 1, "high": 1, "medium": 0, "low": 0, "not set": 2},
              "by severity", sev)
        mon = j["heatmap"]["rows"][0]
        check(mon["day"] == "Mon" and mon["hours"][10] == 1, "heatmap: Monday 10:00 UTC", mon)
        op = c.get("/api/v1/metrics").json()
        st = {x["name"]: x["n"] for x in op["open"]["by_status"]}
        check(op["open"]["total"] == 2 and st["new"] == 1 and st["eradication"] == 1 and
              op["unassigned"] == 2, "operational: two open, both unassigned", op["open"])
        check(op["sla"]["breached"] == 2, "both open incidents are past their SLA", op["sla"])
    finally:
        srv.stop()


@test
def operational_dashboard_counts_and_lists(_):
    """A fresh instance: 59 open incidents past their SLA, 58 of them with
    personal data not yet notified; the dashboard counts all and lists the
    50 most urgent of each."""
    srv = Server().start()
    try:
        now = int(time.time())
        mgr = srv.add_user("ops-manager@example.org", "manager", PW)
        ana = srv.add_user("ops-analyst@example.org", "analyst", PW)
        rows = []  # status, severity, created, noticed, assignee
        rows += [("investigating", "critical", now - 6 * 24 * H + k, now - H, 0) for k in range(3)]
        rows += [("new", "high", now - 5 * 24 * H + 60 * k, None, ana if k < 20 else 0)
                 for k in range(55)]
        rows += [("new", "high", now - 5 * 24 * H + 3600, None, 0),  # its authority was told
                 ("rejected", "low", now - 2 * 24 * H, None, 0)]
        sql = []
        for i, (status, sev, created, noticed, assignee) in enumerate(rows, 1):
            sql.append(incident_sql(i, status, sev, mgr, created, assignee_id=assignee or None,
                                    personal_data=1, noticed_at=noticed))
            if status != "new":
                sql.append(status_sql(i, created + 60, ana, "new", status))
        sql.append(f"INSERT INTO incident_notices(incident_id, kind, made_at, channel, recorded_by, "
                   f"recorded_at) VALUES(59, 'gdpr_authority', {now}, 'form', {ana}, {now});")
        r = srv.sql("BEGIN;" + "".join(sql) + "COMMIT;")
        check(r.returncode == 0, "dataset written", r.stderr)
        c = Client(srv)
        c.login("ops-manager@example.org", PW)
        op = c.get("/api/v1/metrics").json()
        st = {x["name"]: x["n"] for x in op["open"]["by_status"]}
        check((op["open"]["total"], st["new"], st["investigating"], op["unassigned"])
              == (59, 56, 3, 39), "59 open: 56 new, 3 investigating, 39 unassigned", op["open"])
        check(op["workload"] == [{"name": "Ops-Analyst", "email": "ops-analyst@example.org",
                                  "open": 20, "urgent": 20}],
              "the analyst's workload: 20 open, all urgent", op["workload"])
        check([x["ref"] for x in op["oldest"]][:4] ==
              ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0004"]
              and len(op["oldest"]) == 10, "the ten oldest, oldest first", op["oldest"][:4])
        sla = op["sla"]
        check((sla["breached"], sla["at_risk"], len(sla["items"]), sla["more"]) == (59, 0, 50, True),
              "all 59 past their SLA, the 50 oldest listed", (sla["breached"], len(sla["items"])))
        check([x["clock"] for x in sla["items"][:4]] == ["resolve"] * 3 + ["triage"],
              "triaged incidents run the resolve clock, new ones the triage clock",
              sla["items"][:4])
        g = op["gdpr"]
        check((g["due_count"], g["overdue_count"], len(g["due"]), len(g["overdue"]),
               g["due_more"], g["overdue_more"]) == (3, 55, 3, 50, False, True),
              "GDPR: 3 due (noticed an hour ago), 55 overdue of which 50 listed; "
              "the notified and the rejected ones are not", {k: g[k] for k in g if "count" in k})
        check(g["overdue"][0]["ref"] == "INC-2026-0004", "the longest overdue first", g["overdue"][0])
        page = c.get("/metrics")
        check(page.status == 200 and "The 50 longest overdue of 55." in page.text
              and "The 50 oldest of 0 at risk and 59 breached." in page.text
              and page.text.count('href="/incidents/') >= 110,
              "the page lists 50 of each and says how many there are")
    finally:
        srv.stop()


@test
def compliance_facts_and_gdpr_report(s):
    p = people(s)
    emp, analyst, manager, admin = (p[k][0] for k in ("emp", "analyst", "manager", "admin"))
    r = admin.form_post("/admin/settings", "/admin/settings", {
        "org_name": "Société Exemple", "controller": "Société Exemple SA",
        "controller_contact": "privacy@example.org", "dpo_name": "Amélie Dubois",
        "dpo_contact": "dpo@example.org", "authority": "CNIL", "sox_committee": "Audit committee"})
    check(r.status == 303, "admin saves the organisation settings", r.status)
    check(manager.get("/admin/settings").status == 403, "a manager cannot change settings")
    r = report(emp, title="Fuite de données chez Zoë Müller", personal_data="1",
               people_affected="42", records_affected="420", data_types="personal",
               noticed_at="2026-01-05T08:00")
    iid = created_id(r)
    ref = re.search(r"INC-\d{4}-\d{4}", emp.get(f"/incidents/{iid}/submitted").text).group(0)
    page = analyst.get(f"/incidents/{iid}")
    check("Compliance" in page.text and "Art. 34 decision" in page.text,
          "the GDPR part of the compliance form shows for personal data")
    check("HIPAA four-factor" not in page.text, "the HIPAA part does not (no health data)")
    check("Compliance" not in emp.get(f"/incidents/{iid}").text, "the reporter does not see it")
    before = len(analyst.get(f"/api/v1/incidents/{iid}").json()["history"])
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/compliance",
                          {"art34_decision": "exempt_protected", "consequences": "Phishing risk"})
    check(r.status == 422 and "Explain why" in r.text, "an Art. 34 exemption needs its reasoning (422)")
    check(len(analyst.get(f"/api/v1/incidents/{iid}").json()["history"]) == before,
          "... and nothing was written")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/compliance", {
        "art34_decision": "exempt_protected", "art34_reason": "Laptop disk was encrypted (AES-256).",
        "consequences": "Risque d'hameçonnage ciblé pour les clients concernés.",
        "measures": "Mots de passe réinitialisés; clients informés par courrier."})
    check(r.status == 303, "analyst records consequences, measures and the Art. 34 decision")
    hist = analyst.get(f"/api/v1/incidents/{iid}").json()["history"]
    fields = {h["field"] for h in hist[before:]}
    check({"art34_decision", "art34_reason", "consequences", "measures"} <= fields,
          "each change is a history row", fields)
    check(manager.form_post(f"/incidents/{iid}", f"/incidents/{iid}/compliance",
                            {"measures": "x"}).status == 403, "a manager cannot write (403)")
    notice = {"kind": "gdpr_authority", "made_at": "2026-01-09T10:00", "channel": "CNIL online form",
              "reference": "CNIL-2026-777"}
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/notices", notice)
    check(r.status == 422 and "give the reason for the delay" in r.text,
          "a notification after 72 h needs a reason (422)")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/notices",
                          dict(notice, made_at="2030-01-01T10:00", late_reason="x"))
    check(r.status == 422 and "future" in r.text, "a notification in the future is refused")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/notices",
                          dict(notice, late_reason="Le DPO était absent."))
    check(r.status == 303, "the late notification is recorded with its reason")
    comp = analyst.get(f"/api/v1/incidents/{iid}").json()["compliance"]
    check(len(comp["notices"]) == 1 and comp["notices"][0]["late"] and
          comp["deadlines"]["gdpr_authority"] == "2026-01-08T08:00:00Z",
          "the notice is late against the 72 h deadline from awareness", comp["notices"])

    r = manager.get(f"/reports/gdpr-art33?incident={ref}")
    check(r.status == 200 and r.header("Content-Type") == "application/pdf" and
          "attachment" in (r.header("Content-Disposition") or ""), "manager downloads the Art. 33 PDF")
    ok, pages, text = pdf_text(r.body)
    sha = r.header("X-Secura-Data-SHA256") or ""
    check(ok and pages >= 3, "qpdf --check passes; title page, contents, content", pages)
    for want in (ref, "Fuite de données chez Zoë Müller", "Société Exemple", "Amélie Dubois", "CNIL",
                 "Risque d'hameçonnage ciblé", "Mots de passe réinitialisés", "Le DPO était absent.",
                 "2026-01-08T08:00:00Z", "42", "420", "encrypted", "Follow-up log", "Contents",
                 f"Page 1 of {pages}", f"Data SHA-256: {sha}", "inc-manager@example.org"):
        check(want in text, f"the PDF says {want!r}", text[:400] if want == ref else "")
    j = manager.get(f"/api/v1/reports/gdpr-art33?incident={ref}&format=json").json()
    check(j["data_sha256"] == sha and j["data"]["incident"]["ref"] == ref,
          "format=json gives the same data and SHA-256")
    audit = admin.get("/api/v1/admin/audit?action=report.generate").json()
    check(any(e["object_type"] == "report" for e in audit["entries"]), "generating a report is audited")

    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(r.body)
    try:
        v = s.cli("report", "verify", f.name)
        check(v.returncode == 0 and "AUTHENTIC" in v.stdout and "unchanged" in v.stdout,
              "secura report verify: authentic and the data unchanged", v.stdout + v.stderr)
        with open(f.name, "ab") as g:
            g.write(b"\n% edited\n")
        v = s.cli("report", "verify", f.name)
        check(v.returncode == 1 and "MODIFIED" in v.stdout, "an edited copy is reported as modified",
              v.stdout)
    finally:
        os.unlink(f.name)

    reg = manager.get("/api/v1/reports/gdpr-register?period=custom&from=2026-01-01&to=2030-12-31"
                      "&format=json").json()
    refs = [x["ref"] for x in reg["data"]["rows"]]
    check(ref in refs and all(x["ref"] for x in reg["data"]["rows"]),
          "the register lists the personal-data incident", refs[:5])
    r = manager.get("/reports/gdpr-register?period=custom&from=2026-01-01&to=2030-12-31")
    ok, pages, text = pdf_text(r.body)
    check(r.status == 200 and ok and ref in text and "Breaches" in text,
          "the register PDF passes qpdf and lists it", pages)


@test
def hipaa_and_sox_reports(s):
    p = people(s)
    emp, analyst, manager = (p[k][0] for k in ("emp", "analyst", "manager"))
    r = report(emp, title="Dossiers patients envoyés au mauvais cabinet", personal_data="1",
               people_affected="37", data_types="health", noticed_at="2026-02-01T09:00")
    iid = created_id(r)
    ref = re.search(r"INC-\d{4}-\d{4}", emp.get(f"/incidents/{iid}/submitted").text).group(0)
    check("HIPAA four-factor" in analyst.get(f"/incidents/{iid}").text,
          "health data shows the HIPAA assessment")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/compliance", {
        "hipaa_states": "CA: 30, NY: 7", "hipaa_nature": "Names and diagnoses",
        "hipaa_recipient": "Another clinic, itself a covered entity",
        "hipaa_acquired": "Envelope returned unopened", "hipaa_mitigation": "Recipient attested destruction",
        "hipaa_conclusion": "low_probability", "financial_systems": "1"})
    check(r.status == 303, "analyst records the four-factor assessment and flags SOX scope")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/compliance", {
        "sox_control_area": "access", "sox_classification": "material_weakness",
        "sox_owner": "Jonas Novák", "sox_remediation_due": "2026-06-30T00:00"})
    check(r.status == 303, "... then classifies the SOX deficiency")
    r = manager.get(f"/reports/hipaa?incident={ref}")
    ok, pages, text = pdf_text(r.body)
    for want in ("Dossiers patients", "CA: 30, NY: 7", "Envelope returned unopened",
                 "Low probability", "2026-04-02"):
        check(ok and want in text, f"HIPAA report says {want!r}")
    r = manager.get("/reports/sox?period=custom&from=2026-01-01&to=2030-12-31")
    ok, pages, text = pdf_text(r.body)
    check(ok and ref in text and "Jonas Novák" in text and "Access to" in text and
          re.search(r"Material weaknesses\s+1", text), "SOX report lists the incident and its classification",
          text[-1500:])
    year = re.search(r"INC-(\d{4})", ref).group(1)
    r = manager.get(f"/reports/hipaa-log?year={year}")
    ok, pages, text = pdf_text(r.body)
    check(ok and ref in text, "the HIPAA annual log lists the breach under 500 people")
    ex = manager.get("/reports/executive?period=365")
    ok, pages, text = pdf_text(ex.body)
    check(ok and "Response times" in text and "By category" in text, "executive summary PDF")


@test
def register_of_ten_thousand(_):
    srv = Server().start()
    try:
        r = srv.cli("demo", "--count", "10000", "--seed", "3")
        check(r.returncode == 0, "10,000 demo incidents", r.stderr[-300:])
        srv.add_user("reg-manager@example.org", "manager", PW)
        c = Client(srv)
        c.login("reg-manager@example.org", PW)
        rows = len(c.get("/api/v1/reports/gdpr-register?period=365&format=json").json()["data"]["rows"])
        r = c.get("/reports/gdpr-register?period=365")
        job = r.header("Location") or ""
        check(r.status == 303 and job.startswith("/reports/jobs/"),
              "a year of 10,000 incidents is made in the background", r.status)
        for _ in range(300):
            j = c.get("/api/v1" + job).json()["job"]
            if not j["pending"]:
                break
            time.sleep(0.1)
        r = c.get(j["download"])
        ok, pages, text = pdf_text(r.body)
        check(r.status == 200 and ok and j["pages"] == pages,
              "the register of a year with 10,000 incidents passes qpdf")
        check(rows > 1000 and rows / 12 < pages < rows / 2,
              f"page count is sane: {pages} pages for {rows} personal-data incidents")
        check(f"Page {pages} of {pages}" in text, "the last page is numbered")
        check(c.get("/metrics/executive?period=365").status == 200 and c.get("/metrics").status == 200,
              "the dashboards render over 10,000 incidents")
    finally:
        srv.stop()
