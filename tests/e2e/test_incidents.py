"""End-to-end tests of the incident lifecycle: reporting with evidence,
visibility (no IDOR), triage and workflow, assignment, comments, search,
history, audit, and hostile input."""

import hashlib
import re
import struct
import zlib

from harness import BIN, Client, check, test, test_last

PW = "Lavender staircase at noon"


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A real 1x1 grey PNG and a minimal PDF with its cross-reference and end
# markers: evidence files are checked whole, not by their first bytes.
PNG = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
       + png_chunk(b"IDAT", zlib.compress(b"\x00\x80")) + png_chunk(b"IEND", b""))
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 2\n0000000000 65535 f \n"
       b"0000000009 00000 n \ntrailer << /Size 2 /Root 1 0 R >>\nstartxref\n52\n%%EOF\n")


def people(s):
    """Creates (once) and signs in one person per role, plus a second
    employee; returns {name: (Client, id)}."""
    if hasattr(s, "_people"):
        return s._people
    out = {}
    for name, role in (("emp", "employee"), ("emp2", "employee"), ("analyst", "analyst"),
                       ("analyst2", "analyst"), ("lead", "lead"), ("manager", "manager"),
                       ("admin", "admin")):
        email = f"inc-{name}@example.org"
        uid = s.add_user(email, role, PW)
        c = Client(s)
        c.login(email, PW)
        out[name] = (c, uid)
    s._people = out
    return out


def report(c, title="Suspicious email asking for my password", files=(), **extra):
    fields = [("title", title), ("category", "phishing"),
              ("description", "Got a mail from *it-support* asking me to log in.")]
    fields += list(extra.items())
    return c.multipart("/incidents", fields, files, csrf_page="/incidents/new")


def created_id(r):
    m = re.match(r"/incidents/(\d+)/submitted", r.header("Location") or "")
    return int(m.group(1)) if m else None


def reported(s, title="Suspicious email asking for my password"):
    """A new incident reported by inc-emp with one evidence file, for the
    test that asks: returns its id and reference."""
    emp = people(s)["emp"][0]
    iid = created_id(report(emp, title=title, files=[("evidence", "screenshot.png", PNG)]))
    ref = re.search(r"INC-\d{4}-\d{4}", emp.get(f"/incidents/{iid}/submitted").text)
    return iid, ref.group(0) if ref else None


@test
def employee_reports_with_evidence(s):
    p = people(s)
    emp = p["emp"][0]
    r = report(emp, files=[("evidence", "screenshot.png", PNG), ("evidence", "mail.pdf", PDF)],
               occurred_at="2026-01-10T09:30", noticed_at="2026-01-10T10:00",
               assets="laptop FIN-042", location="Lyon office", personal_data="1",
               people_affected="12", records_affected="340", data_types="personal")
    iid = created_id(r)
    check(r.status == 303 and iid, "employee reports an incident with two files (303)", r.status)
    conf = emp.get(f"/incidents/{iid}/submitted")
    ref = re.search(r"INC-\d{4}-\d{4}", conf.text)
    check(conf.status == 200 and ref, "confirmation page shows the reference")
    mine = emp.get("/incidents?reporter=me")
    check(ref.group(0) in mine.text, "the report appears in My incidents")
    j = emp.get(f"/api/v1/incidents/{iid}").json()
    inc = j["incident"]
    check(inc["status"] == "new" and inc["reporter"]["email"] == "inc-emp@example.org"
          and inc["people_affected"] == 12 and inc["records_affected"] == 340
          and inc["data_types"] == ["personal"] and inc["occurred_at"] == "2026-01-10T09:30:00Z",
          "all reported fields are stored", inc)
    ev = j["evidence"]
    check(len(ev) == 2 and ev[0]["mime"] == "image/png" and ev[1]["mime"] == "application/pdf"
          and ev[0]["sha256"] == hashlib.sha256(PNG).hexdigest() and ev[0]["size"] == len(PNG),
          "evidence has type from magic bytes, size and SHA-256", ev)
    check(ev[0].get("checked", "").startswith("PNG: every chunk") and ev[1].get("checked", "").startswith("PDF:"),
          "each file keeps the structure check it passed", [e.get("checked") for e in ev])
    d = emp.get(f"/incidents/{iid}/evidence/{ev[0]['id']}")
    check(d.status == 200 and d.body == PNG and d.header("Content-Disposition").startswith("attachment")
          and d.header("X-Content-Type-Options") == "nosniff", "reporter downloads evidence as attachment")
    r = emp.post("/api/v1/incidents", js={"title": "API report", "category": "malware",
                                          "description": "Found via script",
                                          "data_types": ["credentials", "financial", "credentials"]},
                 headers={"X-CSRF-Token": emp.get("/api/v1/me").json().get("csrf", "")})
    check(r.status == 201 and r.json()["incident"]["data_types"] == ["credentials", "financial"],
          "JSON report answers 201 with the incident (repeated data types once)", r.text[:300])
    check(re.fullmatch(r"INC-\d{4}-\d{4}", r.json()["incident"]["ref"] or ""), "references are INC-YYYY-NNNN")


@test
def visibility(s):
    p = people(s)
    emp2 = p["emp2"][0]
    iid, ref = reported(s)
    check(emp2.get(f"/incidents/{iid}").status == 404, "another employee gets 404 by id")
    check(emp2.get(f"/incidents/{ref}").status == 404, "another employee gets 404 by reference")
    check(emp2.get(f"/api/v1/incidents/{iid}").status == 404, "and 404 over JSON")
    check(emp2.get(f"/incidents/{iid}/evidence/1").status == 404, "and 404 for its evidence")
    r = emp2.form_post("/incidents", f"/incidents/{iid}/comments", {"body": "hello"})
    check(r.status == 404, "and cannot comment on it")
    lst = emp2.get("/api/v1/incidents").json()
    check(lst["pagination"]["total"] == 0 and ref not in str(lst), "its list does not include it")
    for guess in range(1, 6):
        r = emp2.get(f"/incidents/INC-2026-{guess:04d}")
        if r.status != 404:
            break
    check(r.status == 404, "guessing references yields only 404s")
    for who in ("analyst", "lead", "manager", "admin"):
        check(p[who][0].get(f"/incidents/{iid}").status == 200, f"{who} can read any incident")


@test
def triage_and_workflow(s):
    p = people(s)
    analyst, lead, manager, emp = p["analyst"][0], p["lead"][0], p["manager"][0], p["emp"][0]
    iid, _ = reported(s)
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "resolved"})
    check(r.status == 409 and "cannot go from new to resolved" in r.text, "invalid transition is 409 with a clear message")
    r = analyst.post(f"/api/v1/incidents/{iid}/status", js={"status": "closed"},
                     headers={"X-CSRF-Token": analyst.get("/api/v1/me").json()["csrf"]})
    check(r.status == 409 and r.json()["error"]["code"] == "invalid_transition", "invalid transition is a JSON 409 too")
    for to in ("triage", "investigating"):
        r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": to})
        check(r.status == 303, f"analyst moves the incident to {to}")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/fields",
                          {"severity": "high", "tlp": "amber+strict", "root_cause": "Weak mail filtering"})
    check(r.status == 303, "analyst sets severity, TLP and root cause")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments",
                          {"body": "Header analysis: spoofed **sender**", "internal": "1"})
    check(r.status == 303, "analyst adds an internal comment")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments",
                          {"body": "Thanks, we are on it.", "internal": "0"})
    check(r.status == 303, "analyst adds a public comment")
    page = emp.get(f"/incidents/{iid}").text
    check("Thanks, we are on it." in page and "spoofed" not in page,
          "the reporter sees public comments but never internal ones")
    j = emp.get(f"/api/v1/incidents/{iid}").json()
    check(all(not c["internal"] for c in j["comments"]) and "spoofed" not in str(j),
          "internal comments are absent from the reporter's JSON (comments and history)")
    check(emp.get("/api/v1/incidents?q=spoofed").json()["pagination"]["total"] == 0
          and analyst.get("/api/v1/incidents?q=spoofed").json()["pagination"]["total"] == 1,
          "search never matches internal comments for the reporter")
    check(analyst.get("/api/v1/incidents?q=%22password%22%20OR").json()["pagination"]["total"] >= 0,
          "search terms with quotes and operators are quoted, not parsed")
    r = manager.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "containment"})
    check(r.status == 403, "manager cannot change status (403)")
    r = manager.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments", {"body": "x"})
    check(r.status == 403, "manager cannot comment (403)")
    r = emp.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "containment"})
    check(r.status == 403, "reporter cannot change status (403)")
    r = emp.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments", {"body": "More info: it came twice"})
    check(r.status == 303, "reporter can comment on their own incident")
    # assignment
    lead_id, analyst2_id = p["lead"][1], p["analyst2"][1]
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign", {"assignee_id": str(analyst2_id)})
    check(r.status == 403, "an analyst cannot assign someone else")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign", {"assignee_id": str(p['analyst'][1])})
    check(r.status == 303, "an analyst takes an unassigned incident")
    r = p["analyst2"][0].form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign",
                                   {"assignee_id": str(analyst2_id)})
    check(r.status == 403, "another analyst cannot take it once assigned")
    r = lead.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign", {"assignee_id": str(p['emp'][1])})
    check(r.status == 422, "assigning to an employee is refused (422)")
    r = lead.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign", {"assignee_id": str(analyst2_id)})
    check(r.status == 303, "a lead reassigns")
    for to in ("containment", "eradication", "recovery"):
        analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": to})
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "resolved"})
    check(r.status == 422 and "Resolution summary is required" in r.text, "resolving needs a resolution summary")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status",
                          {"status": "resolved", "resolution": "Mail blocked, password reset."})
    check(r.status == 303, "resolved with a summary")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "closed"})
    check(r.status == 303, "closed")
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "investigating"})
    check(r.status == 303, "a closed incident reopens to investigating")
    before = len(analyst.get(f"/api/v1/incidents/{iid}").json()["history"])
    page = analyst.get(f"/incidents/{iid}")
    shown = re.search(r'name="contained_at" type="datetime-local" value="([^"]*)"', page.text).group(1)
    r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/fields",
                          {"severity": "high", "tlp": "amber+strict", "category": "phishing",
                           "contained_at": shown, "root_cause": "Weak mail filtering"})
    after = len(analyst.get(f"/api/v1/incidents/{iid}").json()["history"])
    check(r.status == 303 and len(shown) == 16 and after == before,
          "saving the triage form unchanged writes no history", (shown, before, after))
    j = analyst.get(f"/api/v1/incidents/{iid}").json()
    inc, hist = j["incident"], j["history"]
    check(inc["status"] == "investigating" and inc["closed_at"] is None and inc["contained_at"],
          "reopening clears closed_at, containment time kept", inc)
    statuses = [(h["old"], h["new"]) for h in hist if h["kind"] == "status"]
    check(statuses == [("new", "triage"), ("triage", "investigating"), ("investigating", "containment"),
                       ("containment", "eradication"), ("eradication", "recovery"), ("recovery", "resolved"),
                       ("resolved", "closed"), ("closed", "investigating")],
          "history records every status change with old and new value", statuses)
    assigns = [(h["old"], h["new"]) for h in hist if h["kind"] == "assignee"]
    check(assigns == [(None, "inc-analyst@example.org"), ("inc-analyst@example.org", "inc-analyst2@example.org")],
          "history records assignee changes", assigns)
    fields = {(h["field"], h["new"]) for h in hist if h["kind"] == "field"}
    check({("severity", "high"), ("tlp", "amber+strict"), ("root_cause", "Weak mail filtering"),
           ("resolution", "Mail blocked, password reset.")} <= fields, "history records field changes", fields)
    check(all(h["actor"]["email"] and re.match(r"\d{4}-\d\d-\d\dT", h["at"]) for h in hist),
          "every history row has who and when")
    ev = j["evidence"][0]["id"] if j["evidence"] else 0
    check(analyst.get(f"/incidents/{iid}/evidence/{ev}").status == 200, "the team downloads its evidence")
    admin = p["admin"][0]
    acts = {e["action"] for e in admin.get("/api/v1/admin/audit?limit=200").json()["entries"]}
    for a in ("incident.create", "incident.view", "incident.status", "incident.update",
              "incident.assign", "incident.comment", "evidence.download"):
        check(a in acts, f"audit log records {a}")
    v = s.cli("audit", "verify")
    check(v.returncode == 0, "audit chain still verifies after incident work", v.stdout)


@test
def list_filters_and_counts(s):
    p = people(s)
    analyst, emp2 = p["analyst"][0], p["emp2"][0]
    for i in range(3):
        report(emp2, title=f"Lost badge number {i}")
    j = analyst.get("/api/v1/incidents?status=new&limit=2").json()
    check(len(j["incidents"]) == 2 and j["pagination"]["next"] == 2, "list paginates")
    check(j["counts"]["new"] >= 3 and j["counts"]["investigating"] >= 1, "list counts per status", j["counts"])
    j = analyst.get("/api/v1/incidents?q=badge").json()
    titles = [i["title"] for i in j["incidents"]]
    check(titles == ["Lost badge number 2", "Lost badge number 1", "Lost badge number 0"]
          and j["counts"]["all"] == 3 and not j["counts"]["capped"], "search finds matches, newest first", j["counts"])
    j = analyst.get("/api/v1/incidents?sort=oldest&limit=200").json()
    dates = [i["created_at"] for i in j["incidents"]]
    check(dates == sorted(dates), "sort oldest")
    j = analyst.get("/api/v1/incidents?severity=high").json()
    check(all(i["severity"] == "high" for i in j["incidents"]) and j["incidents"], "filter by severity")
    j = analyst.get(f"/api/v1/incidents?reporter={p['emp2'][1]}&category=phishing").json()
    check(j["pagination"]["total"] == 3, "filter by reporter and category")
    j = analyst.get("/api/v1/incidents?assignee=none&status=open").json()
    check(all(i["assignee"] is None for i in j["incidents"]), "filter unassigned open incidents")
    check(analyst.get("/api/v1/incidents?from=2999-01-01").json()["pagination"]["total"] == 0, "filter by date")
    check(analyst.get("/api/v1/incidents?status=bogus").status == 422, "unknown status filter is 422")
    check(analyst.get("/api/v1/incidents?assignee=bob").status == 422, "bad assignee filter is 422")
    page = analyst.get("/incidents?q=badge").text
    check("Lost badge number 2" in page and 'aria-current="page"' in page, "the HTML list renders")
    check(emp2.get("/api/v1/incidents").json()["pagination"]["total"] == 3, "an employee's list has only their own")


@test
def bad_incident_input(s):
    p = people(s)
    emp = p["emp"][0]
    before = p["analyst"][0].get("/api/v1/incidents?limit=1").json()["pagination"]["total"]
    cases = [
        ("empty title", dict(title=""), 422, "Title is required"),
        ("unknown category", dict(category="astrology"), 422, "Category is not one of"),
        ("invalid date", dict(occurred_at="2026-02-30T10:00"), 422, "When it happened must be"),
        ("future date", dict(noticed_at="2999-01-01T00:00"), 422, "cannot be in the future"),
        ("happened after noticed", dict(occurred_at="2026-01-02T00:00", noticed_at="2026-01-01T00:00"), 422,
         "before it was noticed"),
        ("huge description", dict(description="x" * 20001), 422, "at most 20000"),
        ("negative count", dict(people_affected="-1"), 422, "People affected"),
        ("unknown data type", dict(data_types="dna"), 422, "Data types"),
    ]
    for what, override, status, msg in cases:
        fields = {"title": "Something odd", "category": "phishing", "description": "details"}
        fields.update(override)
        r = emp.multipart("/incidents", list(fields.items()), csrf_page="/incidents/new")
        check(r.status == status and msg in r.text, f"{what} is {status} with a message", (r.status, re.findall(r'field-error"[^>]*>([^<]*)', r.text)))
    r = report(emp, files=[("evidence", "tool.exe", b"MZ\x90\x00" + b"\x00" * 100)])
    check(r.status == 415 and "is not accepted" in r.text, "an executable is refused (415)")
    r = report(emp, files=[("evidence", "invoice.pdf", b"%PDF-1.4\n" + b"\x7fELF\x02\x01\x01" + b"\x00" * 200)])
    check(r.status == 415 and "starts like a PDF but its structure is broken" in r.text,
          "a PDF header on an executable is refused with the reason (415)", r.status)
    broken = bytearray(PNG)
    broken[-5] ^= 0xFF  # the IEND chunk's CRC
    r = report(emp, files=[("evidence", "shot.png", bytes(broken))])
    check(r.status == 415 and "starts like a PNG image" in r.text, "a PNG with a bad CRC is refused (415)")
    r = report(emp, files=[("evidence", "shot.png", PNG + b"#!/bin/sh\nrm -rf /\n")])
    check(r.status == 415, "a PNG with a script after its end is refused (415)", r.status)
    r = report(emp, files=[("evidence", "big.png", PNG + b"\x00" * (10 * 1024 * 1024))])
    check(r.status == 413, "a file over 10 MB is refused (413)", r.status)
    r = report(emp, files=[("evidence", f"part{i}.png", PNG + b"\x00" * (9 << 20)) for i in range(6)])
    check(r.status == 413, "uploads over 50 MB in all are refused (413)", r.status)
    r = report(emp, files=[("evidence", f"f{i}.txt", b"log line\n") for i in range(11)])
    check(r.status == 413, "more than 10 files is refused (413)", r.status)
    after = p["analyst"][0].get("/api/v1/incidents?limit=1").json()["pagination"]["total"]
    check(after == before, "no refused report wrote anything", (before, after))
    r = emp.multipart("/incidents", [("title", "No token"), ("category", "phishing"), ("description", "x")])
    check(r.status == 403, "report without CSRF token is 403")


@test
def visibility_matrix(s):
    """Every incident route x role x (owner, non-owner): the expected
    status, table-driven."""
    p = people(s)
    owner_iid = None
    rows = []
    # one incident reported by each role, to test owner vs non-owner
    own = {}
    for who in ("emp", "emp2", "analyst", "lead", "manager", "admin"):
        r = report(p[who][0], title=f"Matrix incident of {who}")
        own[who] = created_id(r)
    other = {"emp": "emp2", "analyst": "emp", "lead": "emp", "manager": "emp", "admin": "emp"}
    W, R = "write", "read"
    # (method, path template, kind): expected for employee/analyst/lead/manager/admin on own and others'
    routes = [
        ("GET", "/incidents/{id}", R),
        ("GET", "/api/v1/incidents/{id}", R),
        ("GET", "/incidents/{id}/submitted", R),
        ("POST", "/incidents/{id}/comments", "comment"),
        ("POST", "/incidents/{id}/status", W),
        ("POST", "/incidents/{id}/fields", W),
        ("POST", "/incidents/{id}/assign", "assign"),
        ("POST", "/incidents/{id}/evidence", "upload"),
    ]
    staff = {"analyst", "lead", "admin"}
    for who in ("emp", "analyst", "lead", "manager", "admin"):
        c = p[who][0]
        for owner in (True, False):
            iid = own[who] if owner else own[other[who]]
            sees = owner or who in staff or who == "manager"
            for method, tmpl, kind in routes:
                path = tmpl.replace("{id}", str(iid))
                # The route's permission is checked first and answers the
                # same 403 for every id; only then is the object looked up,
                # and one the caller may not see is a 404.
                if kind in (W, "assign") and who not in staff:
                    want = 403
                elif not sees:
                    want = 404
                elif kind == R:
                    want = 200
                elif kind == W:
                    want = 303 if who in staff else 403
                elif kind == "assign":
                    want = 303 if who in staff else 403
                elif kind == "comment":
                    want = 303 if (who in staff or owner) else 403
                elif kind == "upload":
                    want = 303 if (who in staff or owner) else 403
                if method == "GET":
                    r = c.get(path)
                elif kind == "upload":
                    r = c.multipart(path, [], [("evidence", "note.txt", b"hello\n")], csrf_page="/")
                else:
                    data = {"body": "matrix", "status": "triage", "severity": "low",
                            "assignee_id": str(p[who][1])}
                    r = c.form_post("/", path, data)
                if kind == W and want == 303 and method == "POST" and "status" in path:
                    # moving to triage works once per incident; later roles get 409
                    want = (303, 409)
                ok = r.status in want if isinstance(want, tuple) else r.status == want
                check(ok, f"{method} {tmpl} as {who} ({'owner' if owner else 'non-owner'}) is {want}", r.status)
    emp = p["emp"][0]
    a = emp.form_post("/", f"/incidents/{own['emp2']}/status", {"status": "triage"})
    b = emp.form_post("/", "/incidents/999999/status", {"status": "triage"})
    check(a.status == b.status == 403,
          "a write route answers the same 403 for another's incident and a missing one")
    anon = Client(s)
    check(anon.get(f"/incidents/{own['emp']}").status == 303, "anonymous is sent to sign in")
    check(anon.get(f"/api/v1/incidents/{own['emp']}").status == 401, "anonymous JSON is 401")
    del owner_iid, rows


@test
def csv_export(s):
    import csv
    import io
    import subprocess
    from harness import ROOT
    p = people(s)
    emp, analyst, manager = p["emp"][0], p["analyst"][0], p["manager"][0]
    report(emp, title='=HYPERLINK("http://evil.example") "quoted", commas',
           description="line one\nline two, with comma")
    r = analyst.get("/incidents.csv?q=HYPERLINK")
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv")
          and "attachment" in r.header("Content-Disposition"), "analyst exports CSV as an attachment")
    check(r.body.endswith(b"\r\n") and b"\r\n" in r.body.split(b"\n")[0] + b"\n",
          "CSV lines end with CRLF (RFC 4180)")
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    check(rows[0][:3] == ["reference", "title", "status"] and len(rows) == 2,
          "CSV parses with a real CSV parser: header and one row", rows[:2])
    rec = dict(zip(rows[0], rows[1]))
    check(rec["title"] == """'=HYPERLINK("http://evil.example") "quoted", commas""",
          "formulas are neutralised and quotes/commas survive", rec["title"])
    check(rec["description"] == "line one\nline two, with comma", "multi-line fields survive")
    allrows = list(csv.reader(io.StringIO(manager.get("/incidents.csv").text, newline="")))
    total = analyst.get("/api/v1/incidents?limit=1").json()["pagination"]["total"]
    check(len(allrows) - 1 == total, "manager exports every incident, unpaged", (len(allrows) - 1, total))
    check(emp.get("/incidents.csv").status == 403, "employees cannot export (403)")
    acts = [e["action"] for e in p["admin"][0].get("/api/v1/admin/audit?action=incident.export").json()["entries"]]
    check(len(acts) >= 2, "exports are audited")
    del subprocess, ROOT


@test
def categories_admin(s):
    p = people(s)
    admin, emp, lead = p["admin"][0], p["emp"][0], p["lead"][0]
    cats = admin.get("/api/v1/admin/categories").json()["categories"]
    slugs = [c["slug"] for c in cats]
    check(len(cats) == 11 and "phishing" in slugs and "dos" in slugs, "eleven seeded categories", slugs)
    enisa = {c["slug"]: c["enisa_class"] for c in cats}
    check(enisa["malware"] == "malicious-code" and enisa["dos"] == "availability"
          and enisa["vulnerability"] == "vulnerable", "categories map to ENISA classes")
    r = admin.form_post("/admin/categories", "/admin/categories",
                        {"slug": "supply-chain", "name": "Supply chain", "enisa_class": "intrusions",
                         "description": "A supplier was compromised"})
    check(r.status == 303, "admin adds a category")
    r = admin.form_post("/admin/categories", "/admin/categories",
                        {"slug": "supply-chain", "name": "Dup", "enisa_class": "intrusions"})
    check(r.status == 422 and "already used" in r.text, "duplicate short name is 422")
    r = admin.form_post("/admin/categories", "/admin/categories",
                        {"slug": "Bad Slug", "name": "X", "enisa_class": "nonsense"})
    check(r.status == 422, "bad short name and unknown ENISA class are 422")
    check("supply-chain" in emp.get("/incidents/new").text, "reporters can choose the new category")
    cid = [c for c in admin.get("/api/v1/admin/categories").json()["categories"] if c["slug"] == "supply-chain"][0]["id"]
    r = admin.form_post("/admin/categories", f"/admin/categories/{cid}",
                        {"name": "Supply chain", "enisa_class": "intrusions", "active": "0"})
    check(r.status == 303 and "supply-chain" not in emp.get("/incidents/new").text,
          "a deactivated category is no longer offered")
    r = emp.multipart("/incidents", [("title", "Vendor hacked"), ("category", "supply-chain"),
                                     ("description", "x")], csrf_page="/incidents/new")
    check(r.status == 422, "reporting into an inactive category is 422")
    check(lead.get("/admin/categories").status == 403, "only admins edit categories")


@test
def openapi_covers_routes(s):
    import subprocess
    from harness import ROOT
    doc = Client(s).get("/api/v1/openapi.json")
    check(doc.status == 200 and doc.json()["openapi"].startswith("3."), "OpenAPI 3 document is served")
    spec = doc.json()
    table = "".join(subprocess.run([f"{BIN}/{prog}", "--routes"], capture_output=True, text=True).stdout
                    for prog in ("app", "reports", "events", "ingest"))
    missing = []
    for line in table.splitlines():
        method, path, *rest = line.split()
        if "html-only" in rest:
            continue
        if method.lower() not in spec["paths"].get(path, {}):
            missing.append(f"{method} {path}")
    check(not missing and len(table.splitlines()) > 30, "every API route in the table is in the document", missing)
    extra = [f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops
             if f"{m.upper()} {p}" not in table]
    check(not extra, "the document names no route the program lacks", extra)


@test
def demo_data(_):
    from harness import Server
    demo = Server().start()
    try:
        r = demo.cli("demo", "--count", "250", "--seed", "7")
        check(r.returncode == 0 and "added 250 demo incidents" in r.stdout, "secura demo adds incidents", r.stdout + r.stderr)
        pw = re.search(r"sign in with: (\S+)", r.stdout).group(1)
        lead = Client(demo)
        check(lead.login("demo46@demo.example", pw).status == 303, "demo people can sign in (a lead)")
        j = lead.get("/api/v1/incidents?limit=200").json()
        counts = j["counts"]
        check(counts["all"] == 250 and sum(counts[s] for s in counts if s not in ("all", "open")) == 250,
              "status counts add up to every incident", counts)
        rows = demo.sql("SELECT status, count(*) FROM incidents GROUP BY status").stdout.split()
        truth = {k: int(v) for k, v in (x.split("|") for x in rows)}
        check(all(counts[k] == v for k, v in truth.items()), "trigger-kept totals equal the real counts", (counts, truth))
        closed = lead.get("/api/v1/incidents?status=closed&limit=1").json()["incidents"][0]
        h = lead.get(f"/api/v1/incidents/{closed['id']}").json()["history"]
        flow = [x["new"] for x in h if x["field"] == "status"]
        check(flow[-2:] == ["resolved", "closed"] and flow[0] == "new", "demo incidents have a real history", flow)
        broken = demo.sql(
            "SELECT count(*) FROM (SELECT old_value, lag(new_value) OVER (PARTITION BY incident_id "
            "ORDER BY id) AS prev FROM incident_events WHERE field = 'status') "
            "WHERE prev IS NOT NULL AND old_value IS NOT prev").stdout.strip()
        check(broken == "0", "every demo incident's status moves follow on from each other in time",
              broken)
        times = [x["at"] for x in h]
        check(times == sorted(times), "history times are in order")
        sugg = demo.sql("SELECT count(*) FROM suggestions").stdout.strip()
        intel = lead.get(f"/api/v1/incidents/{closed['id']}").json().get("intel", {})
        check(sugg == "250" and (intel.get("suggestion") or {}).get("category", {}).get("slug"),
              "demo incidents are classified like any report (a suggestion each)", (sugg, intel.get("suggestion")))
        again = demo.cli("demo", "--count", "250", "--seed", "7")
        check(again.returncode == 0, "demo runs again on the same database (people reused)")
        check(demo.cli("audit", "verify").returncode == 0, "audit chain verifies after demo data")
        check(demo.cli("demo", "--count", "0").returncode == 2, "demo refuses a bad count")
    finally:
        demo.stop()


@test
def concurrent_reports(s):
    import threading
    p = people(s)
    emp = p["emp"][0]
    csrf = emp.get("/api/v1/me").json()["csrf"]
    results, lock = [], threading.Lock()

    def worker(n):
        c = Client(s)
        c.cookies = dict(emp.cookies)
        for k in range(10):
            r = c.post("/api/v1/incidents", js={"title": f"Concurrent {n}-{k}", "category": "malware",
                                                "description": "parallel report"},
                       headers={"X-CSRF-Token": csrf})
            with lock:
                results.append((r.status, r.json().get("incident", {}).get("ref") if r.status == 201 else r.text))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = {st for st, _ in results}
    refs = sorted(ref for st, ref in results if st == 201)
    nums = [int(r.split("-")[2]) for r in refs]
    check(statuses == {201} and len(refs) == 80, "80 reports from 8 parallel clients all succeed", statuses)
    check(len(set(refs)) == 80 and nums == list(range(nums[0], nums[0] + 80)),
          "references are unique and without gaps under concurrency", (nums[:3], nums[-3:]))
    check(s.cli("audit", "verify").returncode == 0, "the audit chain stays linear under concurrent writers")


@test_last
def crash_leaves_no_half_written_incident(_):
    import os
    import signal as sig
    import threading
    import time
    from harness import Server
    srv = Server().start()
    try:
        uid = srv.add_user("crash@example.org", "employee", PW)
        c = Client(srv)
        c.login("crash@example.org", PW)
        csrf = c.get("/api/v1/me").json()["csrf"]
        stop = threading.Event()

        def load():
            w = Client(srv)
            w.cookies = dict(c.cookies)
            while not stop.is_set():
                try:
                    w.post("/api/v1/incidents", js={"title": "Under load", "category": "dos",
                                                    "description": "x" * 2000}, headers={"X-CSRF-Token": csrf})
                except OSError:
                    pass

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        app = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if argv[0].endswith(b"/app") and f"{srv.dir}/run/app.sock".encode() in argv:
                app.append(int(pid))
        for pid in app:
            os.kill(pid, sig.SIGKILL)  # no chance to finish anything
        stop.set()
        for t in threads:
            t.join()
        q = srv.sql("PRAGMA integrity_check; SELECT count(*) FROM incidents; "
                    "SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM incident_events e "
                    "WHERE e.incident_id = i.id AND e.kind = 'created'); "
                    "SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                    "WHERE a.action = 'incident.create' AND a.object_id = CAST(i.id AS TEXT)); "
                    "SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM incident_search s "
                    "WHERE s.rowid = i.id); "
                    "SELECT (SELECT sum(n) FROM incident_status_totals) = (SELECT count(*) FROM incidents);").stdout.split()
        check(len(app) == 1 and q[0] == "ok", "the database passes integrity_check after SIGKILL under load", q)
        check(int(q[1]) > 0 and q[2:6] == ["0", "0", "0", "1"],
              "every incident has its history row, audit row, search row and counted total", q)
        check(srv.cli("audit", "verify").returncode == 0, "the audit chain is intact after the crash")
        del uid
    finally:
        srv.stop()
