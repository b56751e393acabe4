"""The security team's own tools: joining the team (an employee applies
with documents; leads recommend; admins ask, approve or decline; every
step notified and audited)."""

import json
import os
import re
import time

from harness import ROOT, Client, Server, check, test
from test_incidents import PDF, PNG
from test_notifications import Stream

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


def chat_room(c, room):
    return c.get(f"/api/v1/chat/rooms/{room}")


def say(c, room, body):
    return c.form_post(f"/chat/rooms/{room}", f"/chat/rooms/{room}/messages", {"body": body})


@test
def chat_rooms_are_for_their_members_only(s):
    """A lead makes a room with an analyst and a manager (read-only);
    messages are markdown, link incidents by reference and tell the people
    they mention; they reach members' streams at once and never anyone
    else's; only members read a room, its messages, its search hits and its
    stream, and removing a member ends all of that at once; an author
    edits or deletes within 15 minutes, the old text kept; every room and
    membership change is audited."""
    lead, lead_id = signed_in(s, "chat-lead@example.org", "lead")
    ana, ana_id = signed_in(s, "chat-ana@example.org", "analyst")
    bob, bob_id = signed_in(s, "chat-bob@example.org", "analyst")
    mgr, mgr_id = signed_in(s, "chat-mgr@example.org", "manager")
    emp, emp_id = signed_in(s, "chat-emp@example.org", "employee")
    emp.form_post("/incidents/new", "/incidents", {"title": "Odd invoice mail", "category": "phishing",
                                                  "description": "An invoice from a supplier we do not use."})
    ref = re.search(r"INC-\d{4}-\d+", lead.get("/api/v1/incidents?q=invoice").text).group(0)

    check(emp.get("/chat").status == 403, "employees have no chat")
    r = lead.form_post("/chat", "/chat/rooms", {"name": "phishing-wave", "topic": "The March campaign",
                                               "members": [str(ana_id), str(mgr_id)]})
    check(r.status == 303 and r.header("Location").startswith("/chat/rooms/"), "a lead makes a room", r.status)
    room = int(r.header("Location").rsplit("/", 1)[1])
    r = ana.form_post("/chat", "/chat/rooms", {"name": "mine"})
    check(r.status == 403, "analysts do not make rooms", r.status)
    r = lead.form_post("/chat", "/chat/rooms", {"name": "bad", "members": [str(emp_id)]})
    check(r.status == 422 and "security team or managers" in r.text, "employees cannot be members", r.status)
    members = {m["email"]: m["read_only"] for m in chat_room(lead, room).json()["members"]}
    check(members == {"chat-lead@example.org": False, "chat-ana@example.org": False, "chat-mgr@example.org": True},
          "the lead, the analyst and the manager (read-only) are in it", members)

    # live: a member's stream gets it, a non-member's never
    ana_stream = Stream(s, cookie=ana.cookies["secura_session"])
    bob_stream = Stream(s, cookie=bob.cookies["secura_session"])
    ana_stream.next(2, kind="hello")
    bob_stream.next(2, kind="hello")
    sent = time.monotonic()
    r = say(lead, room, f"**Block** the sender; see {ref}. @chat-ana@example.org please check the logs.")
    check(r.status == 303, "the lead writes", r.status)
    t, ev = ana_stream.next(5, kind="message")
    data = json.loads(ev["data"]) if ev else {}
    check(ev and data["url"].startswith(f"/chat/rooms/{room}#m") and "Block" in data["body"],
          f"the message reaches a member's stream ({(t - sent) * 1000:.0f} ms)" if t else "the message reaches a member's stream",
          ev)
    check(bob_stream.next(1.5, kind="message") == (None, None), "and never a non-member's")
    msgs = chat_room(ana, room).json()["messages"]
    html = msgs[-1]["body_html"]
    check("<strong>Block</strong>" in html and f'<a href="/incidents/{ref}">{ref}</a>' in html,
          "markdown is rendered and the incident linked", html)
    mentions = [n for n in ana.get("/api/v1/notifications").json()["notifications"] if n["kind"] == "mention"]
    check(mentions and mentions[0]["url"].startswith(f"/chat/rooms/{room}"), "a mentioned member is told", mentions)
    r = say(lead, room, "<script>alert(1)</script> [x](javascript:alert(1))")
    last = chat_room(ana, room).json()["messages"][-1]["body_html"]
    check("<script>" not in last and "javascript:" not in last, "raw HTML and script links are dropped", last)
    ana_stream.drain(0.3)
    say(lead, room, "é" * 150)
    t, ev = ana_stream.next(5, kind="message")
    check(ev and json.loads(ev["data"])["body"] == "é" * 100,
          "a long message's excerpt on the stream is cut between characters", ev)

    # visibility
    check(bob.get(f"/chat/rooms/{room}").status == 404, "a non-member gets 404 for the room")
    r = bob.post(f"/chat/rooms/{room}/messages", form={"_csrf": bob.get("/chat").csrf(), "body": "hi"})
    check(r.status == 404, "a non-member cannot write in it", r.status)
    hits = bob.get("/api/v1/chat/search?q=sender").json()["results"]
    check(hits == [], "a non-member's search finds nothing of it", hits)
    hits = ana.get("/api/v1/chat/search?q=sender").json()["results"]
    check(len(hits) == 1 and hits[0]["room"] == room, "a member's search finds it", hits)
    check(chat_room(mgr, room).status == 200, "the manager reads the room")
    r = mgr.post(f"/chat/rooms/{room}/messages", form={"_csrf": mgr.get(f"/chat/rooms/{room}").csrf(), "body": "hi"})
    check(r.status == 403, "but cannot write in it", r.status)
    rooms = {x["id"]: x["unread"] for x in mgr.get("/api/v1/chat").json()["rooms"]}
    check(rooms.get(room) == 0, "reading the room marks it read", rooms)

    # edit and delete
    say(ana, room, "The logs show 14 clicks.")
    mine = chat_room(ana, room).json()["messages"][-1]
    check(mine["can_change"] and not chat_room(lead, room).json()["messages"][-1]["can_change"],
          "only the author may change a message")
    r = lead.form_post(f"/chat/rooms/{room}", f"/chat/messages/{mine['id']}/edit", {"body": "no"})
    check(r.status == 403, "another person's edit is refused", r.status)
    ana.form_post(f"/chat/rooms/{room}", f"/chat/messages/{mine['id']}/edit", {"body": "The logs show 15 clicks."})
    got = chat_room(ana, room).json()["messages"][-1]
    check(got["edited"] and "15 clicks" in got["body"], "the author edits it")
    check(ana.get("/api/v1/chat/search?q=14").json()["results"] == []
          and len(ana.get("/api/v1/chat/search?q=15").json()["results"]) == 1, "search follows the edit")
    ana.form_post(f"/chat/rooms/{room}", f"/chat/messages/{mine['id']}/delete", {})
    got = chat_room(ana, room).json()["messages"][-1]
    check(got["deleted"] and got["body"] == "" and ana.get("/api/v1/chat/search?q=15").json()["results"] == [],
          "and deletes it: gone from the room and the search")
    kept = s.sql(f"SELECT kind, body FROM chat_message_edits WHERE message_id = {mine['id']} ORDER BY id").stdout
    check("edit|The logs show 14 clicks." in kept and "delete|The logs show 15 clicks." in kept,
          "what it said is kept", kept)
    s.sql(f"UPDATE chat_messages SET created_at = created_at - 901 WHERE id = {msgs[-1]['id']}")
    r = lead.form_post(f"/chat/rooms/{room}", f"/chat/messages/{msgs[-1]['id']}/edit", {"body": "late"})
    check(r.status == 409, "after 15 minutes a message stays as it is", r.status)

    # removing a member ends their access at once, stream included
    r = lead.form_post(f"/chat/rooms/{room}", f"/chat/rooms/{room}/members/{ana_id}/remove", {})
    check(r.status == 303 and chat_room(ana, room).status == 404, "a removed member gets 404 at once")
    ana_stream.drain(0.3)
    say(lead, room, "After the removal.")
    check(ana_stream.next(1.5, kind="message") == (None, None), "and nothing more on their stream")
    ana_stream.close()
    bob_stream.close()

    # direct conversations
    r = ana.get(f"/chat/direct/{bob_id}")
    check(r.status == 200 and "No messages yet" in r.text, "a direct conversation starts empty")
    r = ana.form_post(f"/chat/direct/{bob_id}", f"/chat/direct/{bob_id}", {"body": "Coffee at three?"})
    check(r.status == 303 and "/chat/rooms/" in r.header("Location"), "the first message makes it", r.status)
    direct = int(r.header("Location").split("/chat/rooms/")[1].split("#")[0])
    listed = {x["id"]: x for x in bob.get("/api/v1/chat").json()["rooms"]}
    ana_name = ana.get("/api/v1/me").json()["user"]["name"] or "chat-ana@example.org"
    check(direct in listed and listed[direct]["unread"] == 1 and listed[direct]["label"] == ana_name,
          "the other person sees it, unread, named by its writer", listed.get(direct))
    check(ana.get(f"/chat/direct/{bob_id}").header("Location") == f"/chat/rooms/{direct}", "and it is found again")
    check(lead.get(f"/chat/rooms/{direct}").status == 404, "nobody else reads it")
    check(mgr.get(f"/chat/direct/{ana_id}").status == 404 and ana.get(f"/chat/direct/{emp_id}").status == 404,
          "managers and employees are not written to directly")
    r = lead.form_post(f"/chat/rooms/{direct}", f"/chat/rooms/{direct}/members", {"user_id": str(lead_id)})
    check(r.status == 404, "nor added to", r.status)

    # an incident's room
    inc = lead.get(f"/api/v1/incidents/{ref}").json()["incident"]["id"]
    r = lead.form_post(f"/incidents/{ref}", f"/incidents/{inc}/room", {})
    check(r.status == 303 and "/chat/rooms/" in r.header("Location"), "an incident gets its room with one click")
    inc_room = int(r.header("Location").rsplit("/", 1)[1])
    page = lead.get(f"/chat/rooms/{inc_room}")
    check(f'href="/incidents/{ref}"' in page.text, "which links back to the incident")
    r = lead.form_post(f"/incidents/{ref}", f"/incidents/{inc}/room", {})
    check(r.header("Location") == f"/chat/rooms/{inc_room}", "one room per incident")

    acts = s.sql("SELECT action FROM audit_log WHERE action LIKE 'chat.%' ORDER BY id").stdout.split()
    check(acts.count("chat.room_create") >= 3 and "chat.member_remove" in acts, "rooms and members are audited",
          acts)


def question_set():
    """The assistant's question set: (question, answer) pairs."""
    path = os.path.join(ROOT, "tests", "assistant", "questions.tsv")
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if not line.startswith("#")]
    return [tuple(r) for r in rows[1:] if len(r) == 2]


def answered(sources, want):
    """True when one of sources is the answer want (help/<name> or
    incident:<title>)."""
    if want.startswith("help/"):
        return any(x["link"].startswith("/" + want + "#") for x in sources)
    return any(x["kind"] == "incident" and want[len("incident:"):] in x["title"] for x in sources)


@test
def the_assistant_answers_from_what_the_asker_may_read(_):
    """The assistant answers from the help articles and, for the team, the
    playbooks and resolved incidents, quoting its sources; an employee's
    answers never cite an incident or a playbook; the question set finds
    its answer among the first three sources for at least 90% of
    questions (recall@3)."""
    own = Server().start()
    try:
        check(own.cli("demo", "--count", "300", "--events", "0").returncode == 0, "demo incidents are added")
        ana, _ = signed_in(own, "asker@example.org", "analyst")
        emp, _ = signed_in(own, "asking-employee@example.org", "employee")
        page = emp.get("/incidents")
        check('action="/assistant"' in page.text and 'id="help-q"' in page.text, "every page has the help panel")
        r = emp.form_post("/assistant", "/assistant", {"question": "How long do we have to report a data breach under GDPR?"})
        check(r.status == 200 and "72 hours" in r.text and 'href="/help/gdpr#the-72-hour-deadline"' in r.text,
              "an employee gets the answer quoted with its source", r.status)
        art = emp.get("/help/gdpr")
        check(art.status == 200 and 'id="the-72-hour-deadline"' in art.text, "and the source opens at its section")
        names = [x["name"] for x in emp.get("/api/v1/help").json()["articles"]]
        check(len(names) >= 16 and names == sorted(names) and "gdpr" in names, "the help index lists every article",
              names)
        check(emp.get("/help/../etc").status == 404 and emp.get("/help/nope").status == 404, "unknown articles are 404")
        csrf = {"X-CSRF-Token": emp.get("/assistant").csrf()}
        r = emp.post("/api/v1/assistant", js={"question": "what did we do about the ransom note on the shared drive"},
                     headers=csrf)
        kinds = {x["kind"] for x in r.json()["sources"]}
        check(r.status == 200 and kinds <= {"help"} and r.json()["generated"] is False,
              "an employee's sources are help articles only", r.json()["sources"])
        hits, misses = 0, []
        csrf = {"X-CSRF-Token": ana.get("/assistant").csrf()}
        questions = question_set()
        for q, want in questions:
            got = ana.post("/api/v1/assistant", js={"question": q}, headers=csrf).json().get("sources", [])
            if answered(got[:3], want):
                hits += 1
            else:
                misses.append(q)
        recall = hits / len(questions)
        check(len(questions) >= 40 and recall >= 0.9,
              f"recall@3 of the question set: {hits}/{len(questions)} = {recall:.3f}", misses)
        r = ana.post("/api/v1/assistant", js={"question": "how was the laptop stolen from the car handled"}, headers=csrf)
        inc = [x for x in r.json()["sources"] if x["kind"] == "incident"]
        check(inc and inc[0]["link"].startswith("/incidents/INC-") and ana.get(inc[0]["link"]).status == 200,
              "the team's sources include resolved incidents they can open", r.json()["sources"])
    finally:
        own.stop()


@test
def the_assistant_asks_a_local_language_model(_):
    """With a language model configured, a question is also sent to it with
    the numbered passages the asker may open, never a TLP:RED incident;
    the answer appears on the question's page, machine-generated; nobody
    else opens that page."""
    from test_intel import FakeModel
    model = FakeModel()
    own = Server(SECURA_LLM_URL=f"http://127.0.0.1:{model.port}/v1/chat/completions",
                 SECURA_LLM_MODEL="tiny-test-model", SECURA_LLM_ALLOW_PRIVATE="1").start()
    try:
        own.cli("demo", "--count", "200", "--events", "0")
        own.sql("UPDATE incidents SET tlp = 'red' WHERE title = 'Ransom note on shared drive'")
        red = set(own.sql("SELECT ref FROM incidents WHERE tlp = 'red'").stdout.split())
        ana, _ = signed_in(own, "llm-asker@example.org", "analyst")
        other, _ = signed_in(own, "llm-other@example.org", "analyst")
        r = ana.form_post("/assistant", "/assistant",
                          {"question": "what did we do about the ransom note and the antivirus alert?"})
        check(r.status == 303 and r.header("Location").startswith("/assistant/"), "the question goes to the model",
              r.status)
        at = r.header("Location")
        for _ in range(100):
            got = ana.get("/api/v1" + at).json()
            if not got["pending"]:
                break
            time.sleep(0.1)
        check(got["generated"] and "login-evil.example" in got["answer"] and got["model"] == "tiny-test-model",
              "its answer is stored and shown as machine-generated", got)
        page = ana.get(at).text
        check("Machine-generated by tiny-test-model" in page and "<script>alert(1)</script>" not in page,
              "the page says so and renders it safely")
        prompt = model.requests[-1][2]["messages"][1]["content"]
        system = model.requests[-1][2]["messages"][0]["content"]
        check("[1]" in prompt and "Question: what did we do about the ransom note" in prompt
              and "only from the numbered sources" in system, "the prompt numbers its sources", prompt[:400])
        check(red and not any(ref in prompt for ref in red) and red.isdisjoint(
              {x["link"].rsplit("/", 1)[-1] for x in got["sources"]}), "no TLP:RED incident is sent", prompt[:400])
        check(other.get(at).status == 404 and other.get("/api/v1" + at).status == 404,
              "another person cannot open the question")
    finally:
        own.stop()


def png(width, height, idat):
    """A PNG of the given header size whose chunks (and CRCs) are whole."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


@test
def text_is_read_from_screenshots(s):
    """A screenshot attached to a report is read in the worker: its text
    is kept with the file and shown on the incident page, found by the
    incident search, and the address in it becomes an indicator. A huge
    image and a corrupt one are refused by the reader, and the worker goes
    on with the next."""
    from test_incidents import created_id, report
    emp, _ = signed_in(s, "ocr-reporter@example.org", "employee")
    ana, _ = signed_in(s, "ocr-analyst@example.org", "analyst")
    shot = open(os.path.join(ROOT, "tests", "fixtures", "phishing-screenshot.png"), "rb").read()
    huge = png(20000, 20000, zlib_compress(b"\x00" * 1024))
    corrupt = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x13" * 300 + b"\xff\xd9"
    r = report(emp, title="Mailbox full warning", files=[("evidence", "huge.png", huge), ("evidence", "bad.jpg", corrupt),
                                                         ("evidence", "mail.png", shot)])
    iid = created_id(r)
    check(r.status == 303 and iid, "the report with three images is taken", (r.status, r.text[:300]))
    ev = []
    for _ in range(200):
        ev = ana.get(f"/api/v1/incidents/{iid}").json()["evidence"]
        if ev and not any(e["text_pending"] for e in ev):
            break
        time.sleep(0.1)
    by = {e["filename"]: e for e in ev}
    check("mailbox-quota.example.net/verify" in by.get("mail.png", {}).get("text", ""),
          "the screenshot's text is read and kept with it", by.get("mail.png"))
    check("too large" in by.get("huge.png", {}).get("text_state", "") and by["huge.png"]["text"] == "",
          "a 20,000 x 20,000 image is refused before it is decoded", by.get("huge.png"))
    check(by.get("bad.jpg", {}).get("text_state", "") not in ("", "queued", "done"),
          "a corrupt JPEG is refused with a reason", by.get("bad.jpg"))
    page = ana.get(f"/incidents/{iid}").text
    check("Text read from mail.png" in page and "mailbox-quota.example.net" in page,
          "the incident page shows the text, folded")
    found = ana.get("/api/v1/incidents?q=mailbox-quota").json()["incidents"]
    check([x["id"] for x in found] == [iid], "the incident search finds words only the screenshot holds", found)
    inds = [i["value"] for i in ana.get(f"/api/v1/incidents/{iid}").json()["intel"]["indicators"]]
    check(any("mailbox-quota.example.net" in v for v in inds), "the address in it becomes an indicator", inds)
    r = report(emp, title="After the hostile images", files=[("evidence", "mail2.png", shot)])
    nid = created_id(r)
    for _ in range(200):
        ev2 = ana.get(f"/api/v1/incidents/{nid}").json()["evidence"]
        if ev2 and not ev2[0]["text_pending"]:
            break
        time.sleep(0.1)
    check("mailbox-quota" in ev2[0]["text"], "the worker goes on reading the next screenshot")


def zlib_compress(data):
    import zlib
    return zlib.compress(data)
