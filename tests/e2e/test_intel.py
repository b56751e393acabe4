"""End-to-end tests of incident intelligence with the shipped models:
suggestions and the threat score on submit, on the page and in JSON; an
analyst's acceptance and correction stored as labels; indicators from the
description, comments and text evidence (defanged too), "seen in N other
incidents", the indicator pages; similar incidents; the STIX 2.1 export;
and who may see what."""

import re
import time

from harness import Client, check, test
from test_incidents import PW, created_id, people

STIX_ID = re.compile(r"^[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
STIX_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

PHISH = ("Phishing email with a fake Microsoft login page",
         "I got an email from it-support@micros0ft-help.example.com asking me to "
         "reset my password at hxxps://login.micros0ft-help[.]com/reset today. "
         "The attachment had MD5 44d88612fea8a8f36de82e1278abb02f and the mail "
         "came from 203.0.113[.]45. Our VPN appliance is on version 9.1.2.3.4 "
         "and I also saw setup.exe mentioned.")


def token(s, email):
    r = s.cli("token", "create", "--email", email, "--name", "intel", "--scope", "write")
    return next(w for w in r.stdout.split() if w.startswith("sec_"))


def api(s, tok, method, path, body=None):
    return Client(s).request(method, "/api/v1" + path, js=body,
                             headers={"Authorization": f"Bearer {tok}"})


def intel_people(s):
    """The shared people plus an API token for the employee and the
    analyst (once)."""
    p = people(s)
    if not hasattr(s, "_intel_tokens"):
        s._intel_tokens = {k: token(s, f"inc-{k}@example.org") for k in ("emp", "analyst")}
    return p, s._intel_tokens


def phish(s):
    """The phishing report the intelligence tests read: the one that
    submit_returns_suggestions_and_score made, or a new one when that test
    did not get so far. Returns its id."""
    if not hasattr(s, "phish_id"):
        _, tok = intel_people(s)
        s.phish_id = api(s, tok["emp"], "POST", "/incidents",
                         {"title": PHISH[0], "description": PHISH[1],
                          "category": "other"}).json()["incident"]["id"]
    return s.phish_id


def new_incident(s, title, description, category="phishing"):
    """Reports an incident as the intelligence tests' employee; returns
    its id."""
    _, tok = intel_people(s)
    return api(s, tok["emp"], "POST", "/incidents",
               {"title": title, "description": description,
                "category": category}).json()["incident"]["id"]


@test
def submit_returns_suggestions_and_score(s):
    p, tok = intel_people(s)
    r = api(s, tok["emp"], "POST", "/incidents",
            {"title": PHISH[0], "description": PHISH[1], "category": "other"})
    check(r.status == 201, "an employee reports over JSON (201)", r.status)
    body = r.json()
    intel = body.get("intel", {})
    sug = intel.get("suggestion") or {}
    cat = sug.get("category", {})
    check(cat.get("slug") == "phishing" and 0.3 < cat.get("confidence", 0) <= 1,
          "the reply suggests phishing with a confidence", cat)
    check(cat.get("chosen") is False and body["incident"]["category"]["slug"] == "other",
          "the suggestion does not overwrite the reporter's category")
    terms = [t["term"] for t in cat.get("terms", [])]
    check(any(t in ("email", "phishing", "fake", "password") for t in terms),
          "the explanation names the words behind it", terms)
    sev = sug.get("severity", {})
    probs = sev.get("probabilities", {})
    check(sev.get("value") in ("low", "medium", "high")
          and abs(sum(probs.values()) - 1) < 0.01 and max(probs, key=probs.get) == sev["value"],
          "a severity suggestion with probabilities summing to 1", sev)
    threat = intel.get("threat", {})
    parts = threat.get("parts", [])
    check(0 <= threat.get("score", -1) <= 100 and len(parts) == 5
          and abs(sum(x["points"] for x in parts) - threat["score"]) <= 1,
          "a threat score 0-100 that is the sum of its five parts", threat)
    ind = next((x for x in parts if x["part"] == "indicators"), {})
    check(ind.get("detail") == "5 found", "the indicator part counts what was found", ind)
    check("indicators" not in intel and "similar" not in intel,
          "the reporter's reply shows no other incidents' data")
    s.phish_id = body["incident"]["id"]
    mine = api(s, tok["emp"], "GET", f"/incidents/{phish(s)}").json()
    check("intel" not in mine, "the reporter's own view of the incident has no intelligence")


@test
def analyst_sees_indicators_and_page(s):
    p, tok = intel_people(s)
    r = api(s, tok["analyst"], "GET", f"/incidents/{phish(s)}")
    inds = {(x["kind"], x["value"]): x for x in r.json()["intel"]["indicators"]}
    want = {("email", "it-support@micros0ft-help.example.com"),
            ("url", "https://login.micros0ft-help.com/reset"),
            ("domain", "login.micros0ft-help.com"),
            ("md5", "44d88612fea8a8f36de82e1278abb02f"), ("ipv4", "203.0.113.45")}
    check(set(inds) == want, "defanged indicators are found and refanged; no version number "
          "or file name among them", sorted(inds))
    page = p["analyst"][0].get(f"/incidents/{phish(s)}")
    check(page.status == 200 and "Intelligence" in page.text and "threat score" in page.text
          and "Phishing and social engineering" in page.text
          and "https://login.micros0ft-help.com/reset" in page.text
          and f'href="/incidents/{phish(s)}/stix"' in page.text,
          "the incident page shows the score, suggestions, indicators and the STIX link")
    check('name="accept" value="category"' in page.text,
          "the analyst gets a one-click accept button")
    emp_page = p["emp"][0].get(f"/incidents/{phish(s)}")
    check(emp_page.status == 200 and "Intelligence" not in emp_page.text,
          "the reporter's page has no intelligence panel")


@test
def accept_and_correct_are_labels(s):
    p, tok = intel_people(s)
    analyst = p["analyst"][0]
    page = f"/incidents/{phish(s)}"
    r = analyst.form_post(page, f"{page}/fields", {"category": "phishing", "accept": "category"})
    check(r.status == 303, "the analyst accepts the suggested category in one click", r.status)
    j = api(s, tok["analyst"], "GET", page).json()
    check(j["incident"]["category"]["slug"] == "phishing", "the incident now has that category")
    sug_sev = j["intel"]["suggestion"]["severity"]["value"]
    other = "critical" if sug_sev != "critical" else "low"
    r = analyst.form_post(page, f"{page}/fields", {"severity": other})
    check(r.status == 303, "the analyst corrects the severity", r.status)
    labels = api(s, tok["analyst"], "GET", page).json()["intel"]["labels"]
    got = [(x["field"], x["value"], x["suggested"], x["accepted"]) for x in labels]
    check(got == [("category", "phishing", "phishing", True),
                  ("severity", other, sug_sev, False)],
          "both decisions are stored as labels beside the suggestion", got)
    r = analyst.form_post(page, f"{page}/fields", {"category": "phishing", "accept": "category"})
    labels2 = api(s, tok["analyst"], "GET", page).json()["intel"]["labels"]
    check(r.status == 303 and len(labels2) == 3,
          "accepting a category already set still records the confirmation")
    r = api(s, tok["analyst"], "POST", f"{page}/fields", {"accept": "everything"})
    labels3 = api(s, tok["analyst"], "GET", page).json()["intel"]["labels"]
    check(r.status == 422 and len(labels3) == 3, "an unknown accept field is a 422 and writes nothing",
          r.status)
    hist = [(h["field"], h["new"]) for h in api(s, tok["analyst"], "GET", page).json()["history"]]
    check(("category", "phishing") in hist and ("severity", other) in hist,
          "the changes are in the history")


@test
def shared_indicators_and_similar_incidents(s):
    p, tok = intel_people(s)
    r = api(s, tok["emp"], "POST", "/incidents", {
        "title": "Another password reset email",
        "description": "An email asked me to reset my password on a fake login page: "
                       "https://login.micros0ft-help.com/reset", "category": "phishing"})
    second = r.json()["incident"]["id"]
    api(s, tok["emp"], "POST", "/incidents", {
        "title": "Printer out of toner on floor 3",
        "description": "The printer in the copy room shows an error.", "category": "other"})
    j = api(s, tok["analyst"], "GET", f"/incidents/{second}").json()["intel"]
    sim = j["similar"]
    check(sim and sim[0]["id"] == phish(s) and sim[0]["shared"] >= 1
          and 0 < sim[0]["similarity"] <= 100,
          "the earlier phishing report is the most similar, with shared indicators", sim)
    check(all("toner" not in x["title"] for x in sim), "an unrelated incident is not listed")
    url = next(x for x in j["indicators"] if x["kind"] == "url")
    check(url["others"] == 1, "the URL is marked as seen in 1 other incident", url)
    page = p["analyst"][0].get(url["url"])
    refs = re.findall(r"INC-\d{4}-\d{4}", page.text)
    check(page.status == 200 and len(set(refs)) == 2,
          "the indicator's page lists both incidents", refs)
    lst = p["analyst"][0].get("/indicators?kind=url&q=micros0ft")
    check(lst.status == 200 and "https://login.micros0ft-help.com/reset" in lst.text,
          "the indicator list filters by kind and value")
    for who in ("emp",):
        c = p[who][0]
        check(c.get("/indicators").status == 403 and c.get(url["url"]).status == 403,
              "an employee cannot open indicator pages (403)")
    # a comment and a text evidence file add indicators of their own
    analyst = p["analyst"][0]
    analyst.form_post(f"/incidents/{second}", f"/incidents/{second}/comments",
                      {"body": "Blocked evil-cdn[.]net and CVE-2023-4863 is related.",
                       "internal": "1"})
    analyst.multipart(f"/incidents/{second}/evidence", [],
                      [("evidence", "headers.txt",
                        b"Received: from mail.bad-sender.org (198.51.100.7)\n")],
                      csrf_page=f"/incidents/{second}")
    got = {(x["kind"], x["value"], x["source"])
           for x in api(s, tok["analyst"], "GET", f"/incidents/{second}").json()["intel"]["indicators"]}
    check({("domain", "evil-cdn.net", "comment"), ("cve", "CVE-2023-4863", "comment"),
           ("domain", "mail.bad-sender.org", "evidence"), ("ipv4", "198.51.100.7", "evidence")}
          <= got, "indicators come from comments and text evidence too", sorted(got))


def similar_settled(s):
    """Waits (up to 15 s) until the instance's worker has no list of
    similar incidents left to compute."""
    for _ in range(150):
        if s.sql("SELECT count(*) FROM similar_due").stdout.strip() == "0":
            return True
        time.sleep(0.1)
    return False


@test
def similar_lists_kept_by_the_worker(s):
    _, tok = intel_people(s)
    text = ("Courier parcel SMS asked me to pay a redelivery fee at "
            "https://parcel-redeliver.example.net/pay and enter my card number.")
    ids = [api(s, tok["emp"], "POST", "/incidents",
               {"title": f"Parcel fee text message {n}", "description": text,
                "category": "phishing"}).json()["incident"]["id"] for n in (1, 2)]
    check(similar_settled(s), "the worker computes the new incidents' similar incidents")
    url = next(x for x in api(s, tok["analyst"], "GET", f"/incidents/{ids[1]}").json()
               ["intel"]["indicators"] if x["kind"] == "url")
    ind = api(s, tok["analyst"], "GET", url["url"]).json()
    check(url["others"] == 1 and ind["indicator"]["incidents"] == 2,
          "the shared URL is seen in 1 other incident, and its page counts 2", (url, ind))
    rows = s.sql("SELECT incident_id, other_id FROM similar_entries WHERE incident_id IN "
                 f"({ids[0]}, {ids[1]})").stdout.split()
    check(f"{ids[0]}|{ids[1]}" in rows and f"{ids[1]}|{ids[0]}" in rows,
          "each is stored in the other's list (the older one's list gained the newer)", rows)
    # the page reads the stored list: a stored score shows as it is
    s.sql(f"UPDATE similar_entries SET score = 0.42 WHERE incident_id = {ids[0]} "
          f"AND other_id = {ids[1]}")
    sim = api(s, tok["analyst"], "GET", f"/incidents/{ids[0]}").json()["intel"]["similar"]
    check(sim and sim[0]["id"] == ids[1] and sim[0]["similarity"] == 42,
          "the incident page shows the stored list", sim)
    # a new description queues it again; until done the page computes live
    r = api(s, tok["analyst"], "POST", f"/incidents/{ids[0]}/fields",
            {"title": "Parcel fee text message, card number entered"})
    check(r.status == 200, "an analyst retitles it", r.status)
    sim = api(s, tok["analyst"], "GET", f"/incidents/{ids[0]}").json()["intel"]["similar"]
    check(sim and sim[0]["id"] == ids[1] and sim[0]["similarity"] != 42,
          "a changed incident's page no longer shows its old list", sim)
    check(similar_settled(s) and s.sql(
        f"SELECT round(score, 2) FROM similar_entries WHERE incident_id = {ids[0]} "
        f"AND other_id = {ids[1]}").stdout.strip() not in ("", "0.42"),
          "the worker computes it again")


@test
def similar_lists_drop_a_changed_incident(s):
    _, tok = intel_people(s)
    first, second = (api(s, tok["emp"], "POST", "/incidents", {
        "title": title, "description": desc, "category": "phishing"}).json()["incident"]["id"]
        for title, desc in (
            ("Email asking to reset my account password via a link", "Came this morning."),
            ("Email asking to reset the account password through a link", "Received at lunch.")))
    check(similar_settled(s), "the worker computes both lists")
    held = f"SELECT count(*) FROM similar_entries WHERE incident_id = {second} AND other_id = {first}"
    check(s.sql(held).stdout.strip() == "1", "the second incident's list holds the first")
    r = api(s, tok["analyst"], "POST", f"/incidents/{first}/fields",
            {"title": "Laptop stolen from a parked car overnight"})
    check(r.status == 200, "an analyst retitles the first", r.status)
    check(similar_settled(s) and s.sql(held).stdout.strip() == "0",
          "the worker takes it out of the second's list: it is no longer similar")
    check(s.sql(f"SELECT count(*) FROM incident_vectors WHERE incident_id = {first}")
          .stdout.strip() == "1", "and stores the vector of its new title")
    sim = api(s, tok["analyst"], "GET", f"/incidents/{second}").json()["intel"]["similar"]
    check(all(x["id"] != first for x in sim), "the second's page no longer lists it", sim)


@test
def stix_export(s):
    p, tok = intel_people(s)
    iid = new_incident(s, "Fake password reset page",
                       "A mail linked to https://login.micros0ft-help.com/reset "
                       "and mentioned CVE-2023-4863.")
    r = api(s, tok["analyst"], "GET", f"/incidents/{iid}/stix")
    check(r.status == 200 and "attachment" in (r.header("Content-Disposition") or ""),
          "the STIX export downloads as an attachment", r.status)
    b = r.json()
    objs = b.get("objects", [])
    check(b.get("type") == "bundle" and STIX_ID.match(b.get("id", "")) and objs,
          "it is a STIX bundle with objects")
    ok = all(o.get("spec_version") == "2.1" and STIX_ID.match(o.get("id", ""))
             and o["id"].startswith(o["type"] + "--") and STIX_TIME.match(o.get("created", ""))
             and STIX_TIME.match(o.get("modified", "")) for o in objs)
    check(ok, "every object has type, spec_version 2.1, a typed UUID id and timestamps")
    inds = [o for o in objs if o["type"] == "indicator"]
    check(inds and all(o.get("pattern_type") == "stix" and o.get("pattern", "").startswith("[")
                       and STIX_TIME.match(o.get("valid_from", "")) for o in inds),
          "indicators carry a STIX pattern and valid_from")
    check(any(o["pattern"] == "[url:value = 'https://login.micros0ft-help.com/reset']"
              for o in inds), "the URL's pattern is exact")
    vuln = [o for o in objs if o["type"] == "vulnerability"]
    check(vuln and vuln[0]["name"] == "CVE-2023-4863"
          and vuln[0]["external_references"][0] == {"source_name": "cve",
                                                    "external_id": "CVE-2023-4863"},
          "a CVE id becomes a vulnerability with its external reference")
    ids = {o["id"] for o in objs}
    report = next(o for o in objs if o["type"] == "report")
    check(set(report["object_refs"]) <= ids and len(report["object_refs"]) == len(objs) - 2,
          "the report refers to every indicator and vulnerability in the bundle")
    r = api(s, tok["emp"], "GET", f"/incidents/{iid}/stix")
    check(r.status == 403, "an employee cannot export STIX, even of their own report (403)", r.status)


@test
def critical_asset_scores(s):
    p, tok = intel_people(s)
    admin = p["admin"][0]
    r = admin.form_post("/admin/assets", "/admin/assets", {
        "name": "payroll", "owner": "Finance IT", "criticality": "critical"})
    check(r.status == 303, "the admin tags the payroll systems as a critical asset", r.status)
    r = api(s, tok["emp"], "POST", "/incidents", {
        "title": "Strange logins on the Payroll server", "category": "unauthorized-access",
        "description": "Someone logged in at night.", "assets": "PAYROLL-01 (payroll server)",
        "personal_data": True, "people_affected": 1200, "data_types": ["financial"]})
    parts = {x["part"]: x for x in r.json()["intel"]["threat"]["parts"]}
    check(parts["assets"]["value"] == 1 and "payroll" in parts["assets"]["detail"],
          "a critical asset gives the full asset part", parts.get("assets"))
    check(parts["data"]["value"] > 0.8 and "1200" in parts["data"]["detail"],
          "personal data of 1,200 people with financial data weighs heavily", parts["data"])


@test
def top_indicators_on_the_executive_dashboard(s):
    p, tok = intel_people(s)
    url = "https://payroll-update.example.org/verify"
    for n in (1, 2):
        new_incident(s, f"Payroll update mail {n}", f"The mail sends people to {url} to log in.")
    manager = p["manager"][0]
    r = manager.request("GET", "/api/v1/metrics/executive?period=30")
    top = {(x["kind"], x["value"]): x["incidents"] for x in r.json().get("top_indicators", [])}
    check(r.status == 200 and top.get(("url", url)) == 2,
          "the executive metrics list the URL found in two incidents", top)
    page = manager.get("/metrics/executive?period=30")
    check("Top indicators" in page.text and "payroll-update.example.org" in page.text,
          "the dashboard shows the top indicators table")


@test
def playbook_checklist_in_history(s):
    p, tok = intel_people(s)
    analyst, lead, emp = p["analyst"][0], p["lead"][0], p["emp"][0]
    page = f"/incidents/{new_incident(s, PHISH[0], PHISH[1])}"
    html = analyst.get(page).text
    check("Playbook: Phishing and social engineering" in html
          and 'name="done" value="1"' in html, "the incident page shows its category's playbook "
          "with a checklist")
    r = analyst.form_post(page, f"{page}/checklist", {"done": ["1", "2"]})
    check(r.status == 303, "the analyst ticks two steps", r.status)
    j = api(s, tok["analyst"], "GET", page).json()
    steps = j["playbook"]["steps"]
    check([x["done"] for x in steps[:3]] == [True, True, False] and j["playbook"]["done_count"] == 2,
          "the two steps are done, the others not")
    first = steps[0]["text"]
    r = analyst.form_post(page, f"{page}/checklist", {"done": ["2"]})
    hist = [h["new"] for h in api(s, tok["analyst"], "GET", page).json()["history"]
            if h["field"] == "playbook"]
    check(hist[:2] == [f"done: {first}", f"done: {steps[1]['text']}"]
          and hist[-1] == f"reopened: {first}",
          "each tick and untick is a history row", hist)
    r = api(s, tok["analyst"], "POST", f"{page}/checklist", {"done": ["999"]})
    check(r.status == 422, "a step number out of range is a 422", r.status)
    check(emp.form_post(page, f"{page}/checklist", {"done": ["1"]}).status == 403,
          "the reporter cannot tick steps (403)")
    check("Playbook:" not in emp.get(page).text, "the reporter's page has no playbook")
    lst = api(s, tok["analyst"], "GET", "/playbooks").json()["playbooks"]
    cat = next(x["id"] for x in lst if x["slug"] == "phishing")
    check(analyst.form_post(f"/playbooks/{cat}", f"/playbooks/{cat}",
                            {"body": "x"}).status == 403,
          "an analyst cannot rewrite a playbook")
    r = lead.form_post(f"/playbooks/{cat}", f"/playbooks/{cat}", {"body": ""})
    check(r.status == 422, "an empty playbook is refused", r.status)
    body = f"## Our phishing playbook\n\n- [ ] {steps[1]['text']}\n- [ ] Call the **bank** hotline\n"
    r = lead.form_post(f"/playbooks/{cat}", f"/playbooks/{cat}", {"body": body})
    check(r.status == 303, "a lead rewrites the playbook", r.status)
    pb = api(s, tok["analyst"], "GET", page).json()["playbook"]
    check([(x["text"], x["done"]) for x in pb["steps"]]
          == [(steps[1]["text"], True), ("Call the **bank** hotline", False)]
          and "<h2>Our phishing playbook</h2>" in pb["body_html"],
          "the incident follows the new playbook; a kept step stays ticked", pb["steps"])


@test
def retraining_from_labels(_):
    """On an instance of its own (an adopted model changes every later
    suggestion): too few labels fail clearly; enough labels train, measure
    against the current model and adopt; the app then uses the new model."""
    from harness import Server
    srv = Server().start()
    try:
        for email, role in (("rt-emp@example.org", "employee"),
                            ("rt-analyst@example.org", "analyst"),
                            ("rt-admin@example.org", "admin")):
            srv.add_user(email, role, PW)
        emp, analyst = token(srv, "rt-emp@example.org"), token(srv, "rt-analyst@example.org")
        admin = Client(srv)
        admin.login("rt-admin@example.org", PW)
        r = srv.cli("ml", "train", "--from-db", "--field", "category")
        check(r.returncode == 1 and "needs at least 20 labelled incidents" in r.stdout,
              "retraining with no labels fails with a clear reason", r.stdout + r.stderr)
        texts = {"phishing": ["Email asking for my password via a link number {}",
                              "Fake invoice mail with a login link, case {}",
                              "Someone phoned pretending to be IT and asked for my code {}"],
                 "lost-device": ["Laptop stolen from my car, asset {}",
                                 "Lost my work phone on the train, case {}",
                                 "USB stick with reports missing after trip {}"]}
        n = 0
        for label, forms in texts.items():
            for i in range(12):
                r = api(srv, emp, "POST", "/incidents", {
                    "title": forms[i % 3].format(i), "category": "other",
                    "description": forms[(i + 1) % 3].format(i)})
                iid = r.json()["incident"]["id"]
                api(srv, analyst, "POST", f"/incidents/{iid}/fields",
                    {"category": label, "accept": "category"})
                n += 1
        page = admin.get("/admin/model")
        check(page.status == 200 and "category model" in page.text
              and "24 incidents have a category label" in page.text
              and "Confusion matrix" in page.text and "Drift" in page.text,
              "the model page shows the models, their figures, drift and the label count")
        r = admin.form_post("/admin/model", "/admin/model/retrain", {"kind": "category"})
        check(r.status == 303, "the admin queues a retraining", r.status)
        r = admin.form_post("/admin/model", "/admin/model/retrain", {"kind": "category"})
        check(r.status == 409, "a second one while queued is refused (409)", r.status)
        check(admin.form_post("/admin/model", "/admin/model/retrain",
                              {"kind": "bogus"}).status == 422, "an unknown model is a 422")
        check('http-equiv="refresh"' in admin.get("/admin/model").text,
              "the page refreshes itself while the training waits")
        for _ in range(300):  # the instance's own worker runs it
            t = admin.request("GET", "/api/v1/admin/model").json()["trainings"][0]
            if not t["pending"]:
                break
            time.sleep(0.1)
        check(t["status"] == "adopted" and t["rows"] == 24
              and t["metrics"]["new"]["rows"] == 4 and t["metrics"]["current"]["rows"] == 4,
              "the worker trains on the labels, scores new and current on the same "
              "held-out rows and adopts the new one", t)
        r = api(srv, emp, "POST", "/incidents", {
            "title": "My laptop was stolen at the station", "category": "other",
            "description": "The laptop bag was taken from the train."})
        sug = r.json()["intel"]["suggestion"]["category"]
        info = admin.request("GET", "/api/v1/admin/model").json()["models"][0]
        check(info["training"] == t["id"] and sug["slug"] == "lost-device"
              and set(info["labels"]) == {"lost-device", "phishing"},
              "the app now suggests with the retrained model", (info.get("training"), sug))
        check(Client(srv).get("/admin/model").status in (302, 303, 401),
              "the model page needs a login")
    finally:
        srv.stop()


@test
def assistant_off_by_default(s):
    p, tok = intel_people(s)
    page = p["analyst"][0].get(f"/incidents/{phish(s)}")
    check("Assistant" not in page.text, "without SECURA_LLM_URL there is no assistant panel")
    r = api(s, tok["analyst"], "POST", f"/incidents/{phish(s)}/assistant")
    check(r.status == 409 and "SECURA_LLM_URL" in r.text,
          "asking without a model configured is a clear 409", r.status)


class FakeModel:
    """A small OpenAI-compatible chat-completions server on loopback: it
    records each request and answers with a fixed markdown text (after
    delay seconds), or 500 while failing is set; POSTs to /hook are
    webhook deliveries, recorded and answered at once."""

    def __init__(self):
        import http.server
        import json as _json
        import threading
        outer = self
        self.requests, self.failing, self.delay = [], False, 0

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.path, dict(self.headers), _json.loads(body)))
                if self.path == "/hook":  # also a webhook receiver
                    self.send_response(204)
                    self.end_headers()
                    return
                time.sleep(outer.delay)
                if outer.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                reply = _json.dumps({"id": "x", "object": "chat.completion", "choices": [{
                    "index": 0, "message": {"role": "assistant", "content":
                        "## Summary\nA phishing mail.\n\n## Suggested mitigations\n"
                        "1. Block **login-evil.example**\n<script>alert(1)</script>"}}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply.encode())

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@test
def assistant_with_a_local_model(_):
    from harness import Server
    model = FakeModel()
    srv = Server(SECURA_LLM_URL=f"http://127.0.0.1:{model.port}/v1/chat/completions",
                 SECURA_LLM_MODEL="tiny-test-model", SECURA_LLM_KEY="sk-test-123",
                 SECURA_LLM_ALLOW_PRIVATE="1", SECURA_WEBHOOK_ALLOW_PRIVATE="1").start()
    try:
        srv.add_user("as-analyst@example.org", "analyst", PW)
        srv.add_user("as-emp@example.org", "employee", PW)
        emp_tok, an_tok = token(srv, "as-emp@example.org"), token(srv, "as-analyst@example.org")
        iid = api(srv, emp_tok, "POST", "/incidents", {
            "title": "Odd mail from our CEO", "category": "phishing",
            "description": "Asked for gift cards, from ceo@evil-corp.example.org"}).json()["incident"]["id"]
        analyst = Client(srv)
        analyst.login("as-analyst@example.org", PW)
        analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments",
                          {"body": "Internal: the CFO got it too.", "internal": "1"})
        r = analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assistant", {})
        check(r.status == 303, "an analyst asks the assistant", r.status)
        check(analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assistant",
                                {}).status == 409, "a second question while one waits is a 409")
        for _ in range(100):
            a = api(srv, an_tok, "GET", f"/incidents/{iid}").json()["assistant"]["answers"][0]
            if not a["pending"]:
                break
            time.sleep(0.1)
        check(a["status"] == "done" and "Block **login-evil.example**" in a["answer"]
              and a["machine_generated"] is True and a["model"] == "tiny-test-model",
              "the worker stores the model's answer, marked machine-generated", a)
        path, headers, body = model.requests[0]
        check(path == "/v1/chat/completions" and headers.get("Authorization") == "Bearer sk-test-123"
              and body["model"] == "tiny-test-model" and body["messages"][0]["role"] == "system",
              "the request is an OpenAI-style chat completion with the key and model")
        check("Odd mail from our CEO" in body["messages"][1]["content"]
              and "ceo@evil-corp.example.org" in body["messages"][1]["content"]
              and "the CFO got it too" in body["messages"][1]["content"]
              and a["prompt"] == body["messages"][1]["content"],
              "the prompt holds the record and is stored as sent")
        page = analyst.get(f"/incidents/{iid}").text
        check("machine-generated" in page and "<strong>login-evil.example</strong>" in page
              and "<script>alert(1)</script>" not in page,
              "the page shows the answer as safe markdown, labelled machine-generated")
        emp = Client(srv)
        emp.login("as-emp@example.org", PW)
        check(emp.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assistant", {}).status
              == 403 and "machine-generated" not in emp.get(f"/incidents/{iid}").text,
              "the reporter can neither ask nor see the answers")
        model.failing = True
        analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assistant", {})
        for _ in range(100):
            a = api(srv, an_tok, "GET", f"/incidents/{iid}").json()["assistant"]["answers"][0]
            if not a["pending"]:
                break
            time.sleep(0.1)
        check(a["status"] == "failed" and "HTTP 500" in a["error"],
              "a failing model is reported on the incident", a)
        # a slow model does not hold up deliveries: the webhook for a new
        # incident arrives while the question is still waiting
        srv.add_user("as-admin@example.org", "admin", PW)
        r = api(srv, token(srv, "as-admin@example.org"), "POST", "/admin/webhooks",
                {"url": f"http://127.0.0.1:{model.port}/hook", "kinds": ["incident.created"]})
        check(r.status == 201, "an admin registers a webhook", r.status)
        model.failing, model.delay = False, 4
        asked = len(model.requests)
        analyst.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assistant", {})
        for _ in range(50):  # until the worker is waiting for the answer
            if len(model.requests) > asked:
                break
            time.sleep(0.1)
        api(srv, emp_tok, "POST", "/incidents", {"title": "Second odd mail", "category": "phishing",
                                                 "description": "Gift cards again"})
        hooked = pending = False
        for _ in range(50):
            hooked = any(p == "/hook" for p, _h, _b in model.requests)
            if hooked:
                pending = api(srv, an_tok, "GET", f"/incidents/{iid}").json()[
                    "assistant"]["answers"][0]["pending"]
                break
            time.sleep(0.1)
        check(hooked and pending, "the webhook is delivered while the model is still answering",
              (hooked, pending))
        for _ in range(150):
            if not api(srv, an_tok, "GET", f"/incidents/{iid}").json()["assistant"]["answers"][0]["pending"]:
                break
            time.sleep(0.1)
        model.delay = 0
        api(srv, an_tok, "POST", f"/incidents/{iid}/fields", {"tlp": "red"})
        n = len(model.requests)
        r = api(srv, an_tok, "POST", f"/incidents/{iid}/assistant")
        check(r.status == 409 and "TLP:RED" in r.text and len(model.requests) == n,
              "a TLP:RED incident is never sent", r.status)
    finally:
        srv.stop()
        model.httpd.shutdown()


@test
def executive_figures_follow_new_data(s):
    """The executive figures are cached per period; any new incident must
    show at once."""
    p, tok = intel_people(s)
    manager = p["manager"][0]
    before = manager.request("GET", "/api/v1/metrics/executive?period=7").json()["totals"]["incidents"]
    again = manager.request("GET", "/api/v1/metrics/executive?period=7").json()["totals"]["incidents"]
    api(s, tok["emp"], "POST", "/incidents", {"title": "One more for the figures",
                                              "category": "other", "description": "x y z"})
    after = manager.request("GET", "/api/v1/metrics/executive?period=7").json()["totals"]["incidents"]
    check(before == again and after == before + 1,
          "a new incident shows in the executive figures at once", (before, again, after))


@test
def xlsx_export(s):
    import io
    import zipfile
    p, tok = intel_people(s)
    r = p["analyst"][0].get("/incidents.xlsx?category=phishing")
    check(r.status == 200 and r.header("Content-Type", ).startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        and "attachment" in (r.header("Content-Disposition") or ""),
        "the filtered list downloads as an Excel workbook", r.status)
    z = zipfile.ZipFile(io.BytesIO(r.body))
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
    text = sheet + strings
    want = api(s, tok["analyst"], "GET", "/incidents?category=phishing&limit=200").json()
    refs = [x["ref"] for x in want["incidents"]]
    check(z.testzip() is None and all(ref in text for ref in refs) and "reference" in text
          and "<f>" not in sheet,
          "it is a valid workbook with the header and every matching incident, no formulas",
          len(refs))
    check(p["emp"][0].get("/incidents.xlsx").status == 403,
          "an employee cannot export (403)")


@test
def reports_in_the_background(s):
    """Issue 6: a report over a large period is made by the worker with
    progress; only who asked (or an admin) sees the job."""
    p, tok = intel_people(s)
    manager = p["manager"][0]
    r = manager.request("GET", "/api/v1/reports/gdpr-register?period=365&background=1")
    job = r.json()
    check(r.status == 202 and job.get("status") == "queued" and job["url"].startswith("/reports/jobs/"),
          "a background report answers 202 with its job", r.status)
    for _ in range(150):
        j = manager.request("GET", "/api/v1" + job["url"]).json()["job"]
        if not j["pending"]:
            break
        time.sleep(0.1)
    check(j["status"] == "done" and j["progress"] == 100 and j["pages"] >= 1,
          "the worker makes it and reports progress to 100%", j)
    f = manager.get(j["download"])
    check(f.status == 200 and f.body.startswith(b"%PDF")
          and f.header("X-Secura-Data-SHA256") == j["data_sha256"],
          "the finished PDF downloads with its data fingerprint", f.status)
    check(p["admin"][0].get(job["url"]).status == 200, "an admin may follow it")
    other = Client(s)
    s.add_user("inc-manager2@example.org", "manager", PW)
    other.login("inc-manager2@example.org", PW)
    check(other.get(job["url"]).status == 404 and other.get(j["download"]).status == 404,
          "another manager cannot see or fetch it")
    check(p["emp"][0].get(job["url"]).status == 403, "an employee cannot (403: reports are not theirs)")
    r = manager.get("/reports/gdpr-register?period=30&background=1")
    loc = r.header("Location") or ""
    page = manager.get(loc)
    check(r.status == 303 and "/reports/jobs/" in loc and "<progress" in page.text,
          "from the reports page it goes to a progress page", r.status)
    recent = manager.get("/reports").text
    check("gdpr-register" in recent, "the made report is in the register of reports")
