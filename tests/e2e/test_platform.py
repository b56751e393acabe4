"""End-to-end tests of the platform: health, headers, registration, sign
in and out, CSRF, throttling, roles, API tokens, admin pages, audit chain
and hostile input - all through real nginx and the FastCGI program."""

import html
import json
import re
import urllib.parse

from harness import Client, Server, check, test, test_last

PW = "Lavender staircase at noon"


@test
def health_and_headers(s):
    r = Client(s).get("/health")
    check(r.status == 200 and r.json() == {"status": "ok"}, "GET /health is 200 {status: ok}")
    check(re.fullmatch(r"[0-9a-f]{32}", r.header("X-Request-Id") or ""),
          "responses carry an X-Request-Id", r.header("X-Request-Id"))
    csp = r.header("Content-Security-Policy") or ""
    check("frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
          and "script-src 'self'" in csp and "object-src 'none'" in csp and "base-uri 'none'" in csp,
          "CSP forbids inline script, plugins, base changes and framing", csp)
    check(Client(s).request("TRACE", "/").status == 405, "TRACE is refused")
    check(r.header("X-Content-Type-Options") == "nosniff", "nosniff header")
    check(r.header("Referrer-Policy") == "same-origin", "referrer policy header")
    css = Client(s).get("/static/secura.css")
    check(css.status == 200 and "text/css" in (css.header("Content-Type") or ""),
          "nginx serves static/ itself")
    check(s.admin_email and s.admin_password and len(s.admin_password) >= 20,
          "first start created an admin and printed a random password once")
    again = s.cli("init")
    check(again.returncode == 0 and "password" not in again.stdout,
          "init again creates no second admin and prints no password", again.stdout)


@test
def anonymous_access(s):
    c = Client(s)
    r = c.get("/")
    check(r.status == 303 and r.header("Location") == "/login?next=%2F",
          "anonymous home redirects to sign-in", r.header("Location"))
    r = c.get("/api/v1/me")
    e = r.json().get("error", {}) if r.status == 401 else {}
    check(r.status == 401 and e.get("code") == "unauthenticated" and e.get("message"),
          "anonymous JSON gets 401 with an error object", r.text)
    r = c.get("/nowhere")
    check(r.status == 404 and "text/html" in r.header("Content-Type"), "unknown page is an HTML 404")
    r = c.get("/api/v1/nowhere")
    check(r.status == 404 and r.json()["error"]["code"] == "not_found", "unknown API path is a JSON 404")
    r = c.request("PUT", "/login")
    check(r.status == 405 and "POST" in (r.header("Allow") or ""), "wrong method is 405 with Allow", r.header("Allow"))
    r = c.get("/api/v1/login")
    check(r.status == 405 and r.header("Allow") == "POST",
          "HTML-only form page is not an API endpoint (only POST is)", r.status)


@test
def registration(s):
    c = Client(s)
    page = c.get("/register")
    check(page.status == 200 and page.csrf(), "register form has a CSRF token")
    r = c.post("/register", form={"email": "zoe@example.org", "name": "Zoë", "password": PW,
                                  "password_confirm": PW})
    check(r.status == 403, "register without CSRF token is 403")
    r = c.form_post("/register", "/register", {"email": "zoe@example.org", "name": "Zoë Müller",
                                               "department": "Finance", "password": PW,
                                               "password_confirm": PW})
    check(r.status == 303 and r.header("Location") == "/login", "register redirects to sign-in", r.status)
    page = c.get("/login")
    check("Your account is ready" in page.text, "flash message shown once after redirect")
    check("Your account is ready" not in c.get("/login").text, "flash message not shown twice")
    bad = [
        ({"email": "zoe@example.org", "name": "Z", "password": PW, "password_confirm": PW},
         "already exists", "duplicate email"),
        ({"email": "new@example.org", "name": "N", "password": "password1234",
          "password_confirm": "password1234"}, "common", "common password"),
        ({"email": "new@example.org", "name": "N", "password": "short", "password_confirm": "short"},
         "at least 12", "short password"),
        ({"email": "new@example.org", "name": "N", "password": PW, "password_confirm": PW + "x"},
         "do not match", "mismatched confirmation"),
        ({"email": "not-an-email", "name": "N", "password": PW, "password_confirm": PW},
         "valid email", "invalid email"),
        ({"email": "new@example.org", "name": "", "password": PW, "password_confirm": PW},
         "Name is required", "empty name"),
    ]
    for fields, msg, what in bad:
        r = c.form_post("/register", "/register", fields)
        check(r.status == 422 and msg in r.text and 'aria-invalid="true"' in r.text,
              f"register with {what} is 422 with a field message", r.status)
    r = c.form_post("/register", "/register", {"email": "new@example.org", "name": "Nina",
                                               "password": "short", "password_confirm": "short"})
    check('value="new@example.org"' in r.text and 'value="short"' not in r.text,
          "form keeps typed values but never echoes passwords")
    n = s.cli("user", "list").stdout
    check("new@example.org" not in n, "failed registrations wrote nothing")
    r = c.get("/api/v1/me")
    check(r.status == 401, "registering does not sign in")


@test
def sign_in_and_out(s):
    s.ensure_user("zoe@example.org")
    c = Client(s)
    r = c.login("zoe@example.org", "Wrong password here")
    check(r.status == 401 and "incorrect" in r.text and "secura_session" not in c.cookies,
          "wrong password re-renders the form with 401")
    r = c.login("nobody@example.org", PW)
    check(r.status == 401 and "incorrect" in r.text, "unknown account gets the same answer")
    r = c.login("ZOE@example.org", PW, next_page="/profile")
    check(r.status == 303 and r.header("Location") == "/profile", "sign-in honours a local next", r.header("Location"))
    cookie = r.header("Set-Cookie") or ""
    check("HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie,
          "session cookie is HttpOnly, SameSite=Lax, Path=/", cookie)
    home = c.get("/")
    check(home.status == 200 and "Zoë Müller" in home.text, "home greets by name (UTF-8 intact)")
    old_session = c.cookies["secura_session"]
    c2 = Client(s)
    r = c2.login("zoe@example.org", PW, next_page="//evil.example/")
    check(r.header("Location") == "/", "next to another site is ignored", r.header("Location"))
    check(c2.cookies["secura_session"] != old_session, "each sign-in gets a new session token")
    r = c.post("/logout", form={})
    check(r.status == 403, "logout without CSRF token is 403")
    r = c.form_post("/", "/logout", {})
    check(r.status == 303 and "secura_session" not in c.cookies, "logout clears the cookie")
    check(r.header("Clear-Site-Data") == '"cache", "storage"', "and what the browser kept of the pages",
          r.header("Clear-Site-Data"))
    stale = Client(s)
    stale.cookies["secura_session"] = old_session
    check(stale.get("/").status == 303, "the old session token no longer works after logout")
    check(c2.get("/").status == 200, "another session of the same user is unaffected")


@test
def login_throttling(s):
    s.add_user("target@example.org", "employee", PW)
    c = Client(s)
    for _ in range(5):
        c.login("target@example.org", "Not the password!")
    r = c.login("target@example.org", PW)
    check(r.status == 429 and int(r.header("Retry-After") or 0) > 0,
          "6th attempt after 5 failures is 429 with Retry-After, even with the right password",
          (r.status, r.header("Retry-After")))
    c = Client(s)
    c.get("/login")  # the anonymous CSRF cookie, so the request passes CSRF
    r = c.post("/api/v1/login", js={"email": "target@example.org", "password": PW},
               headers={"X-CSRF-Token": c.cookies["secura_csrf"]})
    err = r.json().get("error", {}) if r.status == 429 else {}
    check(r.status == 429 and err.get("code") == "too_many_attempts",
          "JSON sign-in with a valid CSRF token is throttled too", (r.status, r.text[:200]))
    s.add_user("bystander@example.org", "employee", PW)
    check(Client(s).login("bystander@example.org", PW).status == 303, "other accounts can still sign in")


@test
def address_throttling(_):
    small = Server(SECURA_LOGIN_MAX_ADDRESS=3).start()
    try:
        c = Client(small)
        for i in range(3):
            c.login(f"user{i}@example.org", "Not the password!")
        r = c.login(small.admin_email, small.admin_password)
        check(r.status == 429, "failures across accounts from one address block that address", r.status)
        r = small.cli("user", "disable", "--email", small.admin_email)
        check(r.returncode != 0 and "last active admin" in r.stderr,
              "CLI refuses to disable the last admin", r.stderr)
        r = small.cli("user", "role", "--email", small.admin_email, "--role", "analyst")
        check(r.returncode != 0, "CLI refuses to demote the last admin")
    finally:
        gone = small.stop()
    check(gone, "stopping run.sh stops nginx and the FastCGI program too")
    check("stopped" in small.output(), "the FastCGI program stops gracefully", small.output()[-300:])


def role_clients(s):
    """Signs in one user per role; returns {role: Client} and their ids."""
    clients, ids = {}, {}
    for role in ("employee", "analyst", "lead", "manager", "admin"):
        email = f"matrix-{role}@example.org"
        ids[role] = s.add_user(email, role, PW)
        c = Client(s)
        check(c.login(email, PW).status == 303, f"{role} signs in")
        clients[role] = c
    return clients, ids


@test
def role_matrix(s):
    clients, ids = role_clients(s)
    clients["anonymous"] = Client(s)
    victim = s.add_user("matrix-victim@example.org", "employee", PW)
    # route -> expected status per role (anonymous, employee, analyst, lead, manager, admin)
    routes = [
        ("GET", "/admin/users", (303, 403, 403, 403, 403, 200)),
        ("GET", f"/admin/users/{victim}", (303, 403, 403, 403, 403, 200)),
        ("POST", f"/admin/users/{victim}/role", (303, 403, 403, 403, 403, 303)),
        ("POST", f"/admin/users/{victim}/deactivate", (303, 403, 403, 403, 403, 303)),
        ("POST", f"/admin/users/{victim}/reactivate", (303, 403, 403, 403, 403, 303)),
        ("POST", f"/admin/users/{victim}/password", (303, 403, 403, 403, 403, 200)),
        ("POST", f"/admin/users/{victim}/sessions/end", (303, 403, 403, 403, 403, 303)),
        ("GET", "/sessions", (303, 200, 200, 200, 200, 200)),
        ("GET", "/team/apply", (303, 200, 200, 200, 200, 200)),
        ("GET", "/chat", (303, 403, 200, 200, 200, 200)),
        ("POST", "/chat/rooms", (303, 403, 403, 422, 403, 422)),
        ("GET", "/chat/rooms/999999", (303, 403, 404, 404, 404, 404)),
        ("POST", "/chat/rooms/999999/messages", (303, 403, 422, 422, 422, 422)),
        ("GET", "/chat/search?q=x", (303, 403, 200, 200, 200, 200)),
        ("GET", f"/chat/direct/{ids['employee']}", (303, 403, 404, 404, 404, 404)),
        ("POST", "/team/apply", (303, 422, 422, 422, 422, 422)),
        ("GET", "/admin/applications", (303, 403, 403, 200, 403, 200)),
        ("GET", "/admin/applications/999999", (303, 403, 403, 404, 403, 404)),
        ("POST", "/admin/applications/999999/approve", (303, 403, 403, 403, 403, 404)),
        ("POST", "/admin/applications/999999/recommend", (303, 403, 403, 422, 403, 422)),
        ("POST", "/sessions/end", (303, 422, 422, 422, 422, 422)),
        ("POST", "/admin/users", (303, 403, 403, 403, 403, 422)),
        ("GET", "/admin/audit", (303, 403, 403, 403, 403, 200)),
        ("GET", "/admin/audit/verify", (303, 403, 403, 403, 403, 200)),
        ("GET", "/admin/rules", (303, 403, 200, 200, 200, 200)),
        ("GET", "/admin/rules/brute_force.yml", (303, 403, 200, 200, 200, 200)),
        ("POST", "/admin/rules", (303, 403, 403, 403, 403, 422)),
        ("POST", "/admin/rules/no_such_file.yml/enable", (303, 403, 403, 403, 403, 404)),
        ("GET", "/monitor", (303, 403, 403, 200, 200, 200)),
        ("GET", "/monitor/attack", (303, 403, 403, 200, 200, 200)),
        ("POST", "/alerts/promote", (303, 403, 422, 422, 403, 422)),
        ("GET", "/admin/actions", (303, 403, 403, 403, 403, 200)),
        ("POST", "/admin/actions", (303, 403, 403, 403, 403, 422)),
        ("POST", "/admin/actions/999999/enable", (303, 403, 403, 403, 403, 404)),
        ("GET", "/alerts/999999/actions/1", (303, 403, 403, 404, 403, 404)),
        ("POST", "/alerts/999999/actions/1", (303, 403, 403, 404, 403, 404)),
        ("GET", "/graph/paths?host=dc01", (303, 403, 200, 200, 200, 200)),
        ("GET", "/graph/topology", (303, 403, 200, 200, 200, 200)),
        ("GET", "/graph/threat-map", (303, 403, 200, 200, 200, 200)),
        ("GET", "/users/behaviour", (303, 403, 200, 200, 200, 200)),
        ("GET", "/users/nobody/behaviour", (303, 403, 200, 200, 200, 200)),
        ("GET", "/admin/assets", (303, 403, 200, 200, 200, 200)),
        ("POST", "/admin/assets", (303, 403, 403, 403, 403, 422)),
        ("POST", "/admin/assets/999999/delete", (303, 403, 403, 403, 403, 404)),
        ("GET", "/account/2fa", (303, 200, 200, 200, 200, 200)),
        ("GET", "/login/2fa", (303, 303, 303, 303, 303, 303)),
        ("POST", "/account/2fa/disable", (303, 422, 422, 422, 422, 422)),
        ("GET", "/admin/second-factor", (303, 403, 403, 403, 403, 200)),
        ("POST", "/admin/second-factor", (303, 403, 403, 403, 403, 303)),
        ("POST", f"/admin/users/{victim}/second-factor/reset", (303, 403, 403, 403, 403, 303)),
        ("GET", "/tokens", (303, 200, 200, 200, 200, 200)),
        ("GET", "/profile", (303, 200, 200, 200, 200, 200)),
        ("GET", "/", (303, 200, 200, 200, 200, 200)),
    ]
    order = ("anonymous", "employee", "analyst", "lead", "manager", "admin")
    for method, path, expected in routes:
        for role, want in zip(order, expected):
            c = clients[role]
            if method == "GET":
                r = c.get(path)
            else:
                token = c.get("/login" if role == "anonymous" else "/").csrf()
                r = c.post(path, form={"_csrf": token, "role": "analyst"})
            check(r.status == want, f"{method} {path} as {role} is {want}", r.status)
            if role == "anonymous" and want == 303 and method == "POST":
                check(r.header("Location", ) is not None and r.header("Location").startswith("/login"),
                      f"{method} {path} anonymous goes to sign-in")
    for role in order[1:]:
        r = clients[role].get("/api/v1/admin/users")
        want = 200 if role == "admin" else 403
        check(r.status == want and ("users" in r.json() if want == 200 else
                                    r.json()["error"]["code"] == "forbidden"),
              f"GET /api/v1/admin/users as {role} is {want} JSON")
    home = clients["employee"].get("/").text
    check("/admin/users" not in home, "employees are not shown admin links")
    check("/admin/users" in clients["admin"].get("/").text, "admins are shown admin links")


@test
def api_tokens(s):
    s.ensure_user("zoe@example.org")
    s.add_user("script@example.org", "analyst", PW)
    tok = s.cli("token", "create", "--email", "script@example.org", "--name", "siem").stdout.strip()
    check(tok.startswith("sec_") and len(tok) == 47, "CLI prints a new token once", tok)
    api = Client(s)
    r = api.get("/api/v1/me", headers={"Authorization": f"Bearer {tok}"})
    check(r.status == 200 and r.json()["user"]["email"] == "script@example.org"
          and r.json()["user"]["role"] == "analyst", "Bearer token authenticates /api/v1/me", r.text)
    r = api.get("/me", headers={"Authorization": f"Bearer {tok}"})
    check(r.status == 200 and r.header("Content-Type") == "application/json",
          "token clients always get JSON")
    r = api.get("/api/v1/me", headers={"Authorization": "Bearer sec_" + "A" * 43})
    check(r.status == 401 and "invalid_token" in (r.header("WWW-Authenticate") or ""),
          "unknown token is 401 with WWW-Authenticate")
    r = api.get("/api/v1/me", headers={"Authorization": "Basic eDp5"})
    check(r.status == 401, "other authorization schemes are 401")
    r = api.post("/api/v1/tokens", js={"name": "x"}, headers={"Authorization": f"Bearer {tok}"})
    check(r.status == 403 and r.json()["error"]["code"] == "read_only_token", "read token cannot write")
    w = s.cli("token", "create", "--email", "script@example.org", "--name", "w",
              "--scope", "write").stdout.strip()
    r = api.post("/api/v1/tokens", js={"name": "made by script", "scope": "read", "expires_days": 30},
                 headers={"Authorization": f"Bearer {w}"})
    check(r.status == 201 and r.json()["token"].startswith("sec_") and r.json()["expires_at"],
          "write token creates a token over JSON (201)", r.text)
    new_id, new_tok = r.json()["id"], r.json()["token"]
    r = api.get("/api/v1/tokens", headers={"Authorization": f"Bearer {new_tok}"})
    listed = r.json()["tokens"]
    check(r.status == 200 and len(listed) == 3 and all("token" not in t for t in listed)
          and new_tok not in r.text, "token list never shows secrets")
    r = api.request("DELETE", f"/api/v1/tokens/{new_id}", headers={"Authorization": f"Bearer {w}"})
    check(r.status == 200 and r.json()["revoked"], "DELETE revokes a token")
    r = api.get("/api/v1/me", headers={"Authorization": f"Bearer {new_tok}"})
    check(r.status == 401, "revoked token is refused")
    other = s.cli("token", "create", "--email", "zoe@example.org", "--name", "z",
                  "--scope", "write").stdout.strip()
    r = api.request("DELETE", f"/api/v1/tokens/{new_id - 1}", headers={"Authorization": f"Bearer {other}"})
    check(r.status == 404, "someone else's token is a 404")
    # the browser flow: create, shown once, listed by prefix
    c = Client(s)
    c.login("script@example.org", PW)
    r = c.form_post("/tokens", "/tokens", {"name": "laptop", "scope": "read"})
    m = re.search(r'value="(sec_[A-Za-z0-9_-]{43})"', r.text)
    check(r.status == 201 and m, "token page shows the new token once")
    lst = c.get("/tokens").text
    check(m and m.group(1) not in lst and m.group(1)[:8] in lst, "token list shows only the prefix")
    r = c.form_post("/tokens", "/tokens", {"name": "", "scope": "admin"})
    check(r.status == 422 and "Name is required" in r.text, "token form validates its fields")


def seconds_since(s, table, column, user_id):
    """Seconds since the newest `column` of the user's rows in `table`."""
    out = s.sql(f"SELECT strftime('%s', 'now') - max({column}) FROM {table} "
                f"WHERE user_id = {user_id}").stdout.strip()
    return int(out) if out.lstrip("-").isdigit() else None


@test
def activity_is_recorded(s):
    """A request refreshes its session's last activity (what the idle
    timeout counts from) and its token's last use, at most once a minute,
    through the shared writer like every other write."""
    uid = s.add_user("active@example.org", "analyst", PW)
    c = Client(s)
    c.login("active@example.org", PW)
    s.sql(f"UPDATE sessions SET last_seen_at = last_seen_at - 300 WHERE user_id = {uid}")
    check(seconds_since(s, "sessions", "last_seen_at", uid) >= 300, "session set 5 minutes idle")
    check(c.get("/").status == 200, "a session idle for 5 minutes still signs in")
    age = seconds_since(s, "sessions", "last_seen_at", uid)
    check(age is not None and age < 60, "a request refreshes the session's last activity", age)
    tok = s.cli("token", "create", "--email", "active@example.org", "--name", "probe").stdout.strip()
    api = Client(s)
    bearer = {"Authorization": f"Bearer {tok}"}
    check(api.get("/api/v1/me", headers=bearer).status == 200, "the new token works")
    age = seconds_since(s, "api_tokens", "last_used_at", uid)
    check(age is not None and age < 60, "a token's first use is recorded", age)
    s.sql(f"UPDATE api_tokens SET last_used_at = last_used_at - 300 WHERE user_id = {uid}")
    api.get("/api/v1/me", headers=bearer)
    age = seconds_since(s, "api_tokens", "last_used_at", uid)
    check(age is not None and age < 60, "a later use refreshes it", age)
    listed = api.get("/api/v1/tokens", headers=bearer).json()["tokens"]
    check(len(listed) == 1 and listed[0]["last_used_at"], "the token list says when it was last used", listed)


@test
def json_session_api(s):
    s.ensure_user("zoe@example.org")
    c = Client(s)
    c.get("/login")  # receives the anonymous CSRF cookie
    r = c.post("/api/v1/login", js={"email": "zoe@example.org", "password": PW})
    check(r.status == 403, "JSON sign-in without X-CSRF-Token is 403")
    r = c.post("/api/v1/login", js={"email": "zoe@example.org", "password": PW},
               headers={"X-CSRF-Token": c.cookies["secura_csrf"]})
    check(r.status == 200 and r.json()["user"]["email"] == "zoe@example.org" and r.json()["csrf"],
          "JSON sign-in answers the user and the session's CSRF token", r.text)
    csrf = r.json()["csrf"]
    r = c.post("/api/v1/profile", js={"name": "Zoë M.", "department": "Finance"})
    check(r.status == 403, "JSON write with a session but no X-CSRF-Token is 403")
    r = c.post("/api/v1/profile", js={"name": "Zoë M.", "department": "Finance"},
               headers={"X-CSRF-Token": csrf})
    check(r.status == 200 and r.json()["user"]["name"] == "Zoë M.", "JSON write with the header works")
    r = c.post("/api/v1/profile", js={"name": ["not", "a", "string"]}, headers={"X-CSRF-Token": csrf})
    check(r.status == 422 and "name" in r.json()["error"]["fields"], "JSON field errors name the field")
    r = c.post("/api/v1/profile", js={"name": "Evil"},
               headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    check(r.status == 403, "cross-origin write is refused even with the token")
    r = c.post("/api/v1/profile", js={"name": "Evil"},
               headers={"X-CSRF-Token": csrf, "Origin": "http://127.0.0.1:1"})
    check(r.status == 403, "another port on the same host is another origin")
    r = c.post("/api/v1/profile", js={"name": "Zoë M."},
               headers={"X-CSRF-Token": csrf, "Origin": f"http://127.0.0.1:{s.port}",
                        "Sec-Fetch-Site": "same-origin"})
    check(r.status == 200, "a same-origin write with browser headers is accepted", r.text)
    r = c.post("/api/v1/profile", js={"name": "Evil"},
               headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"})
    check(r.status == 403, "Sec-Fetch-Site: cross-site is refused")
    r = c.post("/api/v1/register", js={"email": "api@example.org", "name": "A", "password": PW},
               headers={"X-CSRF-Token": csrf})
    check(r.status == 201 and r.json()["user"]["role"] == "employee", "JSON registration answers 201", r.text)


@test
def profile_and_password(s):
    s.add_user("pat@example.org", "employee", PW)
    a, b = Client(s), Client(s)
    a.login("pat@example.org", PW)
    b.login("pat@example.org", PW)
    tok = s.cli("token", "create", "--email", "pat@example.org", "--name", "t").stdout.strip()
    bearer = {"Authorization": f"Bearer {tok}"}
    check(Client(s).get("/api/v1/me", headers=bearer).status == 200, "pat's API token works")
    r = a.form_post("/profile", "/profile", {"name": "<script>alert(1)</script>", "department": "R&D"})
    check(r.status == 303, "profile saves")
    page = a.get("/profile").text
    check("<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "R&amp;D" in page,
          "names are HTML-escaped on every page")
    r = a.form_post("/profile", "/profile/password", {"current_password": "Wrong wrong wrong",
                                                      "new_password": "Another long phrase 42",
                                                      "new_password_confirm": "Another long phrase 42"})
    check(r.status == 422 and "incorrect" in r.text, "password change checks the current password")
    r = a.form_post("/profile", "/profile/password", {"current_password": PW,
                                                      "new_password": "qwertyuiop123",
                                                      "new_password_confirm": "qwertyuiop123"})
    check(r.status == 422 and "New password" in r.text, "new password must pass the policy")
    r = a.form_post("/profile", "/profile/password", {"current_password": PW,
                                                      "new_password": "Another long phrase 42",
                                                      "new_password_confirm": "Another long phrase 42"})
    check(r.status == 303, "password changed")
    check(Client(s).get("/api/v1/me", headers=bearer).status == 401,
          "by default a password change revokes the person's API tokens")
    check("revokes your API tokens" in a.get("/profile").text and 'value="keep"' in a.get("/profile").text,
          "the form says so and offers to keep them")
    check(a.get("/profile").status == 200, "this browser stays signed in with a new session")
    check(b.get("/profile").status == 303, "other sessions were signed out")
    check(Client(s).login("pat@example.org", PW).status == 401, "old password no longer works")
    check(Client(s).login("pat@example.org", "Another long phrase 42").status == 303, "new password works")
    tok2 = s.cli("token", "create", "--email", "pat@example.org", "--name", "t2").stdout.strip()
    r = a.form_post("/profile", "/profile/password", {"current_password": "Another long phrase 42",
                                                      "new_password": "A third long phrase 77",
                                                      "new_password_confirm": "A third long phrase 77",
                                                      "tokens": "keep"})
    check(r.status == 303 and Client(s).get("/api/v1/me", headers={"Authorization": f"Bearer {tok2}"}).status
          == 200, "asked to keep them, the tokens go on working")


@test
def admin_people(s):
    admin = Client(s)
    check(admin.login(s.admin_email, s.admin_password).status == 303, "admin signs in")
    uid = s.add_user("sam@example.org", "employee", PW)
    sam = Client(s)
    sam.login("sam@example.org", PW)
    tok = s.cli("token", "create", "--email", "sam@example.org", "--name", "t").stdout.strip()
    r = admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/role", {"role": "analyst"})
    check(r.status == 303, "admin changes a role")
    check("analyst" in admin.get(f"/admin/users/{uid}").text, "new role shown")
    me = sam.get("/api/v1/me")
    check(me.json()["user"]["role"] == "analyst", "role change applies to live sessions at once")
    audit = admin.get("/api/v1/admin/audit?action=user.role").json()["entries"]
    check(audit and audit[0]["detail"] == {"email": "sam@example.org", "from": "employee", "to": "analyst"}
          and audit[0]["actor_email"] == s.admin_email and audit[0]["ip"] == "127.0.0.1",
          "role change is audited with who, what and from where", audit[:1])
    r = admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/role", {"role": "root"})
    check(r.status == 422, "unknown role is 422")
    admin_id = admin.get("/api/v1/me").json()["user"]["id"]
    r = admin.form_post(f"/admin/users/{admin_id}", f"/admin/users/{admin_id}/role", {"role": "employee"})
    check(r.status == 409 and "own role" in r.text, "admins cannot demote themselves (409)")
    r = admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/deactivate", {})
    check(r.status == 303, "admin deactivates a person")
    check(sam.get("/").status == 303, "deactivation ends their sessions")
    check(Client(s).get("/api/v1/me", headers={"Authorization": f"Bearer {tok}"}).status == 401,
          "deactivation stops their API tokens")
    check(Client(s).login("sam@example.org", PW).status == 401, "deactivated people cannot sign in")
    admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/reactivate", {})
    check(Client(s).login("sam@example.org", PW).status == 303, "reactivated people can sign in")
    check(Client(s).get("/api/v1/me", headers={"Authorization": f"Bearer {tok}"}).status == 401,
          "reactivation does not bring their old API tokens back")
    r = admin.get("/admin/users/999999")
    check(r.status == 404, "unknown person is 404")
    r = admin.form_post("/admin/users", "/admin/users", {"email": "new.hire@example.org", "name": "New Hire",
                                                         "department": "Ops", "role": "lead"})
    m = re.search(r'id="pw" class="secret" type="text" readonly value="([^"]+)"', r.text)
    check(r.status == 201 and m, "admin adds a person and sees a first password once")
    check(m and Client(s).login("new.hire@example.org", m.group(1)).status == 303,
          "the first password works")
    found = admin.get("/api/v1/admin/users?q=hire").json()
    check(found["pagination"]["total"] == 1 and found["users"][0]["role"] == "lead", "search finds by name")
    page = admin.get("/api/v1/admin/users?limit=2&page=2").json()
    check(len(page["users"]) == 2 and page["pagination"]["prev"] == 1, "user list paginates")
    r = admin.get("/admin/users?status=inactive")
    check('<option value="inactive" selected>' in r.text, "the status filter keeps its choice")
    r = admin.get("/admin/users?q=%3Cb%3E")
    check(r.status == 200 and "&lt;b&gt;" in r.text, "search terms are escaped when echoed")


@test
def first_passwords(s):
    """A password an admin is given for someone works for their first
    sign-in only: the session is held at the form to choose their own (the
    pages redirect there, the API says 403), after which it no longer
    works; it expires after three days; an admin gives a new one to a
    person who lost theirs, which ends their sessions and is audited."""
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    r = admin.form_post("/admin/users", "/admin/users", {"email": "first.pw@example.org", "name": "First Pw",
                                                         "department": "Ops", "role": "analyst"})
    first = re.search(r'id="pw" class="secret" type="text" readonly value="([^"]+)"', r.text).group(1)
    p = Client(s)
    check(p.login("first.pw@example.org", first).status == 303, "the first password signs in")
    r = p.get("/incidents")
    check(r.status == 303 and r.header("Location") == "/profile#password",
          "pages send the session to choose its own password", r.header("Location"))
    r = p.get("/api/v1/incidents")
    check(r.status == 403 and r.json()["error"]["code"] == "password_change_required",
          "the API says a password must be chosen first", r.text[:200])
    form = p.get("/profile")
    check(form.status == 200 and "Choose your own password" in form.text
          and 'aria-label="Main"' not in form.text, "the profile shows the form, without the menu")
    r = p.post("/profile/password", form={"_csrf": form.csrf(), "current_password": first,
                                          "new_password": first, "new_password_confirm": first})
    check(r.status == 422 and "differ" in r.text, "the first password cannot be kept as one's own", r.status)
    mine = "a-password-of-my-own-42"
    r = p.post("/profile/password", form={"_csrf": form.csrf(), "current_password": first,
                                          "new_password": mine, "new_password_confirm": mine})
    check(r.status == 303 and r.header("Location") == "/" and p.get("/incidents").status == 200,
          "choosing one's own opens the pages", (r.status, r.header("Location")))
    check(Client(s).login("first.pw@example.org", first).status == 401, "the first password no longer works")

    uid = s.sql("SELECT id FROM users WHERE email = 'first.pw@example.org'").stdout.strip()
    r = admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/password", {})
    again = re.search(r'id="pw" class="secret" type="text" readonly value="([^"]+)"', r.text)
    check(r.status == 200 and again and "A new first password" in r.text, "an admin gives a new first password")
    check(p.get("/incidents").status == 303, "which ends the person's sessions")
    check(Client(s).login("first.pw@example.org", mine).status == 401, "the lost password stops working")
    check("a first password given to them" in admin.get(f"/admin/users/{uid}").text,
          "the person's page says they have yet to choose one")
    audit = admin.get("/api/v1/admin/audit?action=user.password_reset").json()["entries"]
    check(audit and audit[0]["detail"] == {"email": "first.pw@example.org"}, "the reset is audited", audit[:1])
    s.sql(f"UPDATE users SET password_expires_at = strftime('%s', 'now') - 60 WHERE id = {uid}")
    r = Client(s).login("first.pw@example.org", again.group(1))
    check(r.status == 401 and "expired" in r.text, "a first password expires", r.status)
    admin_id = admin.get("/api/v1/me").json()["user"]["id"]
    r = admin.form_post(f"/admin/users/{admin_id}", f"/admin/users/{admin_id}/password", {})
    check(r.status == 409, "an admin changes their own password on the profile, not here", r.status)


@test
def where_one_is_signed_in(s):
    """A person sees their live sessions and, giving their password again,
    signs the others out; an admin signs a person out everywhere, or
    everyone but themselves; each is audited."""
    email = "sessions@example.org"
    uid = s.add_user(email, "analyst", PW)
    here, there = Client(s), Client(s)
    here.login(email, PW)
    there.login(email, PW)
    page = here.get("/sessions")
    check(page.status == 200 and page.text.count("<tr>") == 3 and page.text.count("this browser") == 1,
          "the page lists both sessions and marks this one", page.text.count("<tr>"))
    listed = here.get("/api/v1/sessions").json()["sessions"]
    check(len(listed) == 2 and sum(x["current"] for x in listed) == 1 and listed[0]["ip"] == "127.0.0.1",
          "and so does the API", listed)
    r = here.post("/sessions/end", form={"_csrf": page.csrf(), "password": "not-my-password"})
    check(r.status == 422 and there.get("/incidents").status == 200,
          "a wrong password ends nothing", r.status)
    r = here.post("/sessions/end", form={"_csrf": page.csrf(), "password": PW})
    check(r.status == 303 and there.get("/incidents").status == 303 and here.get("/incidents").status == 200,
          "the right one signs the other session out and keeps this one", r.status)
    check(">This is your only session.<" in here.get("/sessions").text, "then this is the only one")
    s.sql("DELETE FROM login_failures")
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    audit = admin.get("/api/v1/admin/audit?action=user.sessions_ended").json()["entries"]
    check(audit and audit[0]["detail"] == {"ended": 1} and audit[0]["actor_email"] == email,
          "ending them is audited", audit[:1])
    r = admin.form_post(f"/admin/users/{uid}", f"/admin/users/{uid}/sessions/end", {})
    check(r.status == 303 and here.get("/incidents").status == 303, "an admin signs a person out everywhere")

    # everyone's, on an instance of its own
    own = Server().start()
    try:
        boss, emp = Client(own), Client(own)
        boss.login(own.admin_email, own.admin_password)
        own.add_user("emp@example.org", "employee", PW)
        emp.login("emp@example.org", PW)
        r = emp.form_post("/incidents/new", "/admin/sessions/end", {})
        check(r.status == 403, "only admins sign everyone out", r.status)
        r = boss.form_post("/admin/users", "/admin/sessions/end", {})
        check(r.status == 303 and emp.get("/incidents").status == 303 and boss.get("/admin/users").status == 200,
              "an admin signs everyone else out and stays signed in", r.status)
        audit = boss.get("/api/v1/admin/audit?action=sessions.ended_all").json()["entries"]
        check(audit and audit[0]["detail"]["ended"] >= 1, "which is audited", audit[:1])
    finally:
        own.stop()


@test
def secure_cookies_behind_a_tls_proxy(s):
    """Behind a proxy that terminates TLS (SECURA_ORIGIN=https://...,
    plain HTTP to Secura's nginx) the cookies still carry Secure; served
    over plain HTTP without such an origin they cannot."""
    plain = Client(s).get("/login").header("Set-Cookie") or ""
    check("secura_csrf=" in plain and "Secure" not in plain, "plain HTTP: no Secure flag", plain)
    tls = Server(SECURA_ORIGIN="https://secura.example.org").start()
    try:
        c = Client(tls)
        got = c.get("/login").header("Set-Cookie") or ""
        check(got.startswith("__Host-secura_csrf=") and "; Secure" in got and "HttpOnly" in got
              and "; Path=/" in got and "Domain" not in got,
              "the anonymous CSRF cookie is Secure and __Host- behind an https origin", got)
        r = c.login(tls.admin_email, tls.admin_password)
        session = [v for k, v in r.headers
                   if k.lower() == "set-cookie" and v.startswith("__Host-secura_session=")]
        check(r.status == 303 and session and "; Secure" in session[0],
              "and so is the session cookie at sign-in", (r.status, session))
        check(c.get("/profile").status == 200, "the prefixed session cookie signs the person in")
        c.cookies["secura_session"] = c.cookies["__Host-secura_session"]
        del c.cookies["__Host-secura_session"]
        check(c.get("/profile").status in (302, 303),
              "a cookie without the prefix is not read behind an https origin")
    finally:
        tls.stop()


@test
def pager_links_keep_filters(s):
    """A search for "R&D #1+2" pages through its own results: the pager's
    links are built from the route's fields, each value URL-escaped."""
    term = "R&D #1+2"
    for i in range(3):
        r = s.cli("user", "add", "--email", f"rd{i}@example.org", "--role", "employee",
                  "--department", term, "--password-stdin", input=PW + "\n")
        check(r.returncode == 0, f"person {i} in department {term!r} added", r.stderr)
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    first = admin.get("/admin/users?" + urllib.parse.urlencode({"q": term, "limit": 1}))
    m = re.search(r'<a href="([^"]+)" rel="next"', first.text)
    link = html.unescape(m.group(1)) if m else ""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    check(link.startswith("/admin/users?") and query == {"q": [term], "limit": ["1"], "page": ["2"]},
          "the Next link keeps the search, escaped", link)
    second = admin.get(link)
    check(second.status == 200 and "rd" in second.text and "Page 2 of 3" in second.text,
          "the Next link opens page 2 of the same search", second.status)
    api = admin.get("/api/v1/admin/users?" + urllib.parse.urlencode({"q": term, "limit": 1, "page": 2})).json()
    check(api["pagination"]["total"] == 3 and api["pagination"]["prev_url"].startswith("/api/v1/admin/users?")
          and "page=1" in api["pagination"]["prev_url"],
          "JSON lists carry the neighbouring pages' addresses", api["pagination"])


@test
def hostile_input(s):
    c = Client(s)
    token = c.get("/login").csrf()
    cases = [
        ("oversized body", dict(body=b"a=" + b"x" * (2 << 20),
                                raw_type="application/x-www-form-urlencoded"), 413),
        ("bad percent-escape", dict(body=b"email=%zz", raw_type="application/x-www-form-urlencoded"), 400),
        ("NUL byte", dict(body=b"email=a%00b", raw_type="application/x-www-form-urlencoded"), 400),
        ("invalid UTF-8", dict(body=b"email=\xc3\x28", raw_type="application/x-www-form-urlencoded"), 400),
        ("too many fields", dict(body="&".join(f"f{i}=1" for i in range(500)).encode(),
                                 raw_type="application/x-www-form-urlencoded"), 413),
        ("malformed JSON", dict(body=b'{"email":', raw_type="application/json"), 400),
        ("JSON array", dict(body=b"[1,2]", raw_type="application/json"), 400),
        ("JSON duplicate keys", dict(body=b'{"a":1,"a":2}', raw_type="application/json"), 400),
        ("unsupported type", dict(body=b"hello", raw_type="text/plain"), 415),
        ("broken multipart", dict(body=b"--x\r\nno headers", raw_type="multipart/form-data; boundary=x"), 400),
    ]
    users_before = s.cli("user", "list").stdout
    for what, kw, want in cases:
        r = c.post("/register", **kw)
        check(r.status == want, f"{what} is {want}", (r.status, r.text[:200]))
    r = c.post("/api/v1/register", body=b"email=%zz", raw_type="application/x-www-form-urlencoded",
               headers={"Accept": "application/json"})
    check(r.status == 400 and r.json()["error"]["code"] == "bad_request", "JSON clients get a JSON 400")
    huge = "x" * 300
    r = c.form_post("/register", "/register", {"email": "long@example.org", "name": huge,
                                               "password": PW, "password_confirm": PW})
    check(r.status == 422 and "at most 100" in r.text, "over-long field is 422")
    r = c.get("/admin/users/1x")
    check(r.status in (303, 404), "non-numeric id never reaches a handler")
    r = c.get("/login?next=%ZZ")
    check(r.status == 400, "bad query string is 400")
    check(s.cli("user", "list").stdout == users_before, "no hostile request wrote anything")
    log = s.output()
    check(re.search(r"rid=\w+ user=- POST /register 413", log) is not None,
          "rejected requests are logged with request id and status")
    check(Client(s).get("/health").status == 200, "the server keeps serving after hostile input")
    del token


@test
def audit_chain(s):
    r = s.cli("audit", "verify")
    check(r.returncode == 0 and "intact" in r.stdout, "audit chain verifies", r.stdout + r.stderr)
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    v = admin.get("/api/v1/admin/audit/verify").json()
    check(v["intact"] and v["rows"] > 10, "admin page reports the chain intact", v)
    actions = {e["action"] for e in admin.get("/api/v1/admin/audit?limit=200").json()["entries"]}
    for a in ("login", "login.failed", "logout", "user.register", "user.role", "user.deactivate",
              "user.reactivate", "user.create", "token.create", "token.revoke", "user.password"):
        check(a in actions, f"audit log records {a}")
    page = admin.get("/admin/audit?action=login.failed").text
    check("login.failed" in page and "zoe@example.org" not in page.split("<tbody>")[0],
          "audit page filters by action")


@test_last
def audit_tamper(s):
    admin = Client(s)
    admin.login(s.admin_email, s.admin_password)
    t = s.sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_email='nobody' WHERE id=3;")
    check(t.returncode == 0, "tampering with the database directly", t.stderr)
    r = s.cli("audit", "verify")
    check(r.returncode == 1 and "row 3" in r.stdout, "verify names the first tampered row", r.stdout)
    v = admin.get("/api/v1/admin/audit/verify").json()
    check(not v["intact"] and v["broken"]["id"] == 3, "admin page reports the break", v)


@test
def health_reports_a_broken_database(_):
    broken = Server().start()
    try:
        check(Client(broken).get("/health").status == 200, "health is 200 while the database works")
        broken.sql("PRAGMA wal_checkpoint(TRUNCATE);")
        with open(f"{broken.dir}/secura.db", "r+b") as f:
            f.write(b"not a database header, overwritten")
        r = Client(broken).get("/health")
        check(r.status == 503 and r.json() == {"status": "unavailable"}, "health is 503 when the database fails", r.text)
        r = Client(broken).get("/api/v1/me", headers={"Authorization": "Bearer sec_" + "A" * 43})
        check(r.status == 500 and r.json()["error"]["code"] == "internal", "other requests get a clean 500", r.text)
        check("db: PING" in broken.output(), "the failure is logged")
        check(Client(broken).get("/health").status == 503, "the server keeps answering")
    finally:
        broken.stop()


@test
def appearance_is_kept_per_person(s):
    """A person chooses dark or light pages on their profile (the default
    follows the system); the choice is kept with the account and set on
    every page; anything else is a 422."""
    s.add_user("theme-one@example.org", "employee", PW)
    s.add_user("theme-two@example.org", "employee", PW)
    one, two = Client(s), Client(s)
    one.login("theme-one@example.org", PW)
    two.login("theme-two@example.org", PW)
    check('data-theme="system"' in one.get("/").text, "pages follow the system's setting by default")
    r = one.form_post("/profile", "/profile/theme", {"theme": "dark"})
    check(r.status == 303 and 'data-theme="dark"' in one.get("/incidents").text
          and 'value="dark" checked' in one.get("/profile").text, "a person chooses dark pages", r.status)
    check('data-theme="system"' in two.get("/").text, "another person's pages are not changed")
    again = Client(s)
    again.login("theme-one@example.org", PW)
    check('data-theme="dark"' in again.get("/").text, "the choice is kept with the account")
    r = one.form_post("/profile", "/profile/theme", {"theme": "purple"})
    check(r.status == 422, "an unknown appearance is a 422", r.status)
