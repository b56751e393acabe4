"""The shared page cache (src/core/pagecache.c): the incident list's
content is shared by people who would see the same thing, their own page
around it, and it never outlives the data it shows."""

import re

from harness import check, test
from test_incidents import created_id, people, report

URL = "/incidents?status=open&limit=100"


def main(html):
    """The page's <main> element (the part that may come from the cache)."""
    m = re.search(r"<main id=\"main\">(.*)</main>", html, re.S)
    return m.group(1) if m else ""


def ids(html):
    return set(int(x) for x in re.findall(r'<td><a href="/incidents/(\d+)"[^>]*>', html))


def me(html):
    """The signed-in person's name in the page's navigation."""
    m = re.search(r'<summary>([^<]*) <span class="role">', html)
    return m.group(1) if m else None


def csrf(html):
    m = re.search(r'name="_csrf" value="([^"]+)"', html)
    return m.group(1) if m else None


@test
def page_cache_shares_content_not_people(s):
    p = people(s)
    an, an2, emp, emp2 = p["analyst"][0], p["analyst2"][0], p["emp"][0], p["emp2"][0]
    theirs = created_id(report(emp2, title="Cache probe: someone else's"))
    first, again, other = an.get(URL).text, an.get(URL).text, an2.get(URL).text
    check(theirs in ids(first), "the analysts' list holds every open incident")
    check(main(first) and main(first) == main(again) == main(other),
          "two analysts asking for the same list get the same content")
    check(me(first) == "Inc-Analyst" and me(other) == "Inc-Analyst2",
          "each sees their own name around it", (me(first), me(other)))
    check(csrf(first) and csrf(other) and csrf(first) != csrf(other)
          and csrf(first) == csrf(again), "and their own form token")
    forced = an.get(URL, headers={"Cache-Control": "no-cache"}).text
    check(main(forced) == main(first), "a forced reload renders the same content")

    own = created_id(report(emp, title="Cache probe: my own"))
    an.get(URL)
    mine = emp.request("GET", "/api/v1/incidents?limit=100").json()["incidents"]
    seen = ids(emp.get(URL).text)
    check(own in seen and theirs not in seen
          and seen == {i["id"] for i in mine if i["status"] not in ("resolved", "closed", "rejected")},
          "an employee asking for the same address sees only their own incidents", seen)
    check(theirs in ids(emp2.get(URL).text) and own not in ids(emp2.get(URL).text),
          "and another employee only theirs")


@test
def page_cache_follows_every_change(s):
    p = people(s)
    an, an2, lead, emp, admin = (p["analyst"][0], p["analyst2"][0], p["lead"][0], p["emp"][0],
                                 p["admin"][0])
    before = an.get(URL).text
    iid = created_id(report(emp, title="Cache probe: odd USB stick"))
    check("Cache probe: odd USB stick" not in before and iid in ids(an.get(URL).text),
          "a new incident is in the list at once")

    an.form_post(f"/incidents/{iid}", f"/incidents/{iid}/status", {"status": "triage"})
    page = an.get("/incidents?status=triage&limit=100").text
    check(iid in ids(page), "a status change shows at once")

    q = "/incidents?q=zebracorn"
    check(iid not in ids(an.get(q).text), "a word nobody used finds nothing")
    an.form_post(f"/incidents/{iid}", f"/incidents/{iid}/comments",
                 {"body": "The stick was labelled zebracorn."})
    check(iid in ids(an.get(q).text), "a comment is searchable at once")

    mine = "/incidents?assignee=me&limit=100"
    an.get(mine), an2.get(mine)
    lead.form_post(f"/incidents/{iid}", f"/incidents/{iid}/assign", {"assignee_id": str(p["analyst2"][1])})
    check(iid in ids(an2.get(mine).text) and iid not in ids(an.get(mine).text),
          "\"assigned to me\" is each analyst's own")

    an2.post("/api/v1/profile", js={"name": "Cache Renamed", "department": ""},
             headers={"X-CSRF-Token": an2.get("/api/v1/me").json()["csrf"]})
    check("Cache Renamed" in main(an.get(URL).text), "a new name shows in the list at once")

    cats = admin.get("/api/v1/admin/categories").json()["categories"]
    phish = next(c for c in cats if c["slug"] == "phishing")
    edit = {"name": "Phishing (cache probe)", "enisa_class": phish["enisa_class"],
            "description": phish["description"], "active": "1"}
    admin.form_post("/admin/categories", f"/admin/categories/{phish['id']}", edit)
    renamed = "Phishing (cache probe)" in main(an.get(URL).text)
    admin.form_post("/admin/categories", f"/admin/categories/{phish['id']}", dict(edit, name=phish["name"]))
    check(renamed and "Phishing (cache probe)" not in main(an.get(URL).text),
          "a category's new name shows in the list at once, and its old one again")
