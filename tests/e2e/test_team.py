"""The security team's own tools: joining the team (an employee applies
with documents; leads recommend; admins ask, approve or decline; every
step notified and audited)."""

import re

from harness import Client, check, test
from test_incidents import PDF, PNG

PW = "Lavender staircase at noon"


def signed_in(s, email, role):
    """Adds a person of role and returns (a signed-in Client, their id)."""
    uid = s.add_user(email, role, PW)
    c = Client(s)
    c.login(email, PW)
    return c, uid


def apply(c, motivation, files=(), areas=("incident response", "digital forensics")):
    fields = [("motivation", motivation), ("experience", "Two years on the service desk."),
              ("certifications", "Security+")] + [("areas", a) for a in areas]
    return c.multipart("/team/apply", fields, files, csrf_page="/team/apply")


def notified(c, kind):
    return [n for n in c.get("/api/v1/notifications").json()["notifications"] if n["kind"] == kind]


@test
def an_application_is_approved_and_makes_an_analyst(s):
    """An employee applies with a CV and a certificate; a second
    application is refused while one is open; leads see it and recommend
    (the applicant never reads that); an admin asks, the applicant
    answers, the admin approves: the applicant is an analyst at once, and
    every step is notified and audited."""
    emp, emp_id = signed_in(s, "applicant@example.org", "employee")
    lead, _ = signed_in(s, "team-lead@example.org", "lead")
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    analyst, _ = signed_in(s, "team-analyst@example.org", "analyst")

    page = emp.get("/team/apply")
    check(page.status == 200 and "Send application" in page.text, "an employee is offered the form")
    check('href="/team/apply"' in emp.get("/").text, "and finds it in their menu")
    r = apply(emp, "too short")
    check(r.status == 422 and "at least 20" in r.text, "a motivation of a few words is refused", r.status)
    r = apply(emp, "I want to help the team respond to phishing faster.",
              files=[("documents", "cv.pdf", PDF), ("documents", "certificate.png", PNG)])
    check(r.status == 303 and r.header("Location") == "/team/apply", "the application is sent", (r.status, r.text[:300]))
    mine = emp.get("/api/v1/team/apply").json()
    app = mine["latest"]
    check(app["status"] == "pending" and app["areas"] == ["incident response", "digital forensics"]
          and len(app["documents"]) == 2 and app["documents"][0]["mime"] == "application/pdf",
          "it is pending, with its areas and both documents", app)
    r = apply(emp, "A second application while the first one is open.")
    check(r.status == 409, "one open application per person", r.status)
    r = analyst.form_post("/team/apply", "/team/apply", {"motivation": "I am on the team already, but anyway."})
    check(r.status == 409 and "on the security team already" in r.text, "the team cannot apply", r.status)

    # reviewers: the count in the menu, the list, the page
    check(notified(lead, "application_new") and notified(admin, "application_new"),
          "admins and leads are notified of a new application")
    home = admin.get("/")
    check(re.search(r'Applications <span class="badge">1', home.text), "the menu counts pending applications")
    check(emp.get("/admin/applications").status == 403 and analyst.get("/admin/applications").status == 403,
          "employees and analysts do not see the applications")
    listed = lead.get("/api/v1/admin/applications").json()["applications"]
    check([a["id"] for a in listed] == [app["id"]], "a lead sees who applied", listed)
    r = lead.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/recommend",
                       {"comment": "Solid on phishing triage; recommend."})
    check(r.status == 303, "a lead adds a recommendation", r.status)
    r = lead.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/approve", {})
    check(r.status == 403, "a lead cannot approve", r.status)
    doc = lead.get(f"/admin/applications/{app['id']}/documents/{app['documents'][0]['id']}")
    check(doc.status == 200 and doc.body == PDF and "attachment" in (doc.header("Content-Disposition") or ""),
          "reviewers download a document as an attachment")
    check("Solid on phishing" not in emp.get("/team/apply").text
          and "recommendation" not in [x["kind"] for x in emp.get("/api/v1/team/apply").json()["latest"]["steps"]],
          "the applicant never reads the recommendation")

    # ask, answer, approve
    r = admin.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/ask",
                        {"question": "Which incidents have you helped with?"})
    check(r.status == 303 and notified(emp, "application"), "an admin asks; the applicant is notified")
    page = emp.get("/team/apply")
    check("Which incidents have you helped with?" in page.text and "Send answer" in page.text,
          "the applicant reads the question and can answer on the same page")
    r = emp.form_post("/team/apply", "/team/apply/answer", {"answer": "The March invoice phishing wave."})
    check(r.status == 303 and emp.get("/api/v1/team/apply").json()["latest"]["status"] == "pending",
          "the answer makes it pending again")
    r = admin.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/approve", {})
    check(r.status == 303, "an admin approves", r.status)
    me = emp.get("/api/v1/me").json()["user"]
    check(me["role"] == "analyst" and emp.get("/incidents?status=open").status == 200,
          "the applicant is an analyst at once", me)
    r = admin.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/reject",
                        {"reason": "late"})
    check(r.status == 409, "a decided application cannot be decided again", r.status)
    audit = admin.get("/api/v1/admin/audit?action=user.role").json()["entries"]
    check(audit and audit[0]["detail"] == {"email": "applicant@example.org", "from": "employee", "to": "analyst"},
          "the role change is audited like any other", audit[:1])
    acts = s.sql(f"SELECT action FROM audit_log WHERE object_type = 'application' AND object_id = {app['id']} "
                 "ORDER BY id").stdout.split()
    check(acts == ["application.create", "application.recommend", "application.document", "application.ask",
                   "application.answer", "application.approve"], "every step is audited", acts)
    steps = [x["kind"] for x in admin.get(f"/api/v1/admin/applications/{app['id']}").json()["application"]["steps"]]
    check(steps == ["applied", "recommendation", "question", "answer", "approved"], "and kept in its history", steps)


@test
def a_declined_application_shows_its_reason(s):
    """Declined with a reason the applicant reads; they may apply again
    later. Documents other than PDF and images, and more than five, are
    refused with nothing written; an applicant may withdraw."""
    emp, _ = signed_in(s, "declined@example.org", "employee")
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    before = s.sql("SELECT count(*) FROM team_applications").stdout.strip()
    r = apply(emp, "I would like to join the security team.", files=[("documents", "notes.txt", b"plain text\n")])
    check(r.status == 415 and "PDF and images" in r.text, "a text file is not a supporting document", r.status)
    r = apply(emp, "I would like to join the security team.", files=[("documents", f"c{i}.png", PNG) for i in range(6)])
    check(r.status == 413, "at most five documents", r.status)
    check(s.sql("SELECT count(*) FROM team_applications").stdout.strip() == before, "and nothing was written")
    apply(emp, "I would like to join the security team.")
    app = emp.get("/api/v1/team/apply").json()["latest"]
    r = admin.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/reject", {})
    check(r.status == 422, "declining needs a reason", r.status)
    admin.form_post(f"/admin/applications/{app['id']}", f"/admin/applications/{app['id']}/reject",
                    {"reason": "We are not hiring into the team this quarter."})
    page = emp.get("/team/apply")
    check("declined" in page.text and "not hiring into the team this quarter" in page.text
          and "Send application" in page.text, "the applicant reads the reason and may apply again")
    check(emp.get("/api/v1/me").json()["user"]["role"] == "employee", "and stays an employee")
    apply(emp, "Trying again next quarter, with more experience.")
    r = emp.form_post("/team/apply", "/team/apply/withdraw", {})
    check(r.status == 303 and emp.get("/api/v1/team/apply").json()["latest"]["status"] == "withdrawn",
          "an applicant withdraws")
    check(admin.get("/api/v1/admin/applications?status=any").json()["pagination"]["total"] >= 2,
          "the list keeps every application")
