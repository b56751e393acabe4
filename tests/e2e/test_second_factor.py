"""The second factor: setting up an authenticator with a real TOTP code
(RFC 6238, computed here), signing in with it, codes that work once,
recovery codes, throttling, a role that must have one, an admin's reset,
and the fresh code admin changes ask for."""
import base64
import hashlib
import hmac
import re
import struct
import time
import urllib.parse

from harness import Client, check, test

PW = "Lavender staircase at noon"


def totp(secret, at=None, step_offset=0):
    """The six-digit code of a base32 secret (HMAC-SHA1, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((at if at is not None else time.time()) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def fresh_code(secret, used):
    """A code for a time step not used yet (waits for the next step when
    the current one was used: a code works once)."""
    while True:
        step = int(time.time() // 30)
        if step not in used:
            used.add(step)
            return totp(secret)
        time.sleep(0.5)


def enrol(c):
    """Sets up c's person's authenticator; returns (secret, recovery
    codes, the page that showed them)."""
    page = c.form_post("/account/2fa", "/account/2fa/setup", {})
    secret = c.get("/api/v1/account/2fa").json().get("secret", "") if page.status == 303 else ""
    shown = c.form_post("/account/2fa", "/account/2fa/confirm", {"code": totp(secret)}) if secret else None
    codes = re.findall(r"<li><code>((?:[a-z0-9]{6}-){3}[a-z0-9]{6})</code></li>", shown.text) if shown else []
    return secret, codes, shown


def audit_actions(s, email):
    return s.sql(f"SELECT action FROM audit_log WHERE actor_email = '{email}' ORDER BY id").stdout.split()


@test
def second_factor_set_up_and_sign_in(s):
    """A person sets up an authenticator (a QR code and the key, confirmed
    with a first code) and gets ten recovery codes once; signing in then
    asks for a code; pages and the API wait for it; a code works once; a
    recovery code works once; wrong codes are throttled like passwords;
    every step is audited."""
    email = "mfa-analyst@example.org"
    s.add_user(email, "analyst", PW)
    c = Client(s)
    c.login(email, PW)
    page = c.get("/account/2fa")
    check(page.status == 200 and "Set up an authenticator" in page.text, "the page offers to set one up")
    c.form_post("/account/2fa", "/account/2fa/setup", {})
    page = c.get("/account/2fa")
    secret = c.get("/api/v1/account/2fa").json().get("secret", "")
    check(re.fullmatch(r"[A-Z2-7]{32}", secret or "") and "<svg" in page.text and 'class="qr"' in page.text
          and secret in page.text, "the key is shown beside its QR code", (secret, page.text[-3000:]))
    check(urllib.parse.quote(email, safe="") in c.get("/api/v1/account/2fa").json().get("otpauth", ""),
          "the otpauth address names the person")
    wrong = c.form_post("/account/2fa", "/account/2fa/confirm", {"code": "000000" if totp(secret) != "000000" else "111111"})
    check(wrong.status == 422 and "not right" in wrong.text, "a wrong first code is refused", wrong.status)
    used = set()
    shown = c.form_post("/account/2fa", "/account/2fa/confirm", {"code": fresh_code(secret, used)})
    codes = re.findall(r"<li><code>((?:[a-z0-9]{6}-){3}[a-z0-9]{6})</code></li>", shown.text)
    check(shown.status == 200 and len(set(codes)) == 10, "a first code turns it on and shows ten recovery codes",
          (shown.status, codes))
    check(codes and codes[0] not in c.get("/account/2fa").text, "the recovery codes are shown only once")
    stored = s.sql("SELECT code_hash FROM recovery_codes r JOIN users u ON u.id = r.user_id "
                   f"WHERE u.email = '{email}'").stdout.split()
    check(len(stored) == 10 and codes and hashlib.sha256(codes[0].encode()).hexdigest() in stored
          and not any(code in stored for code in codes), "they are stored hashed")
    check(c.get("/incidents").status == 200, "the session that set it up goes on")

    # signing in again: the password is not enough
    b = Client(s)
    r = b.login(email, PW, next_page="/incidents")
    check(r.status == 303, "the password is accepted", r.status)
    r = b.get("/incidents")
    check(r.status == 303 and r.header("Location").startswith("/login/2fa?next=%2Fincidents"),
          "pages send the session to the code form", r.header("Location"))
    r = b.get("/api/v1/incidents")
    check(r.status == 401 and r.json().get("error", {}).get("code") == "second_factor_required",
          "the API says a second factor is owed", r.text[:200])
    form = b.get("/login/2fa?next=/incidents")
    check(form.status == 200 and 'autocomplete="one-time-code"' in form.text
          and 'aria-label="Main"' not in form.text, "the code form, without the menu of pages not open yet")
    code = fresh_code(secret, used)
    r = b.post("/login/2fa", form={"_csrf": form.csrf(), "code": code, "next": "/incidents"})
    check(r.status == 303 and r.header("Location") == "/incidents", "the code signs in", (r.status, r.text[:200]))
    check(b.get("/incidents").status == 200, "and the pages open")

    # the same code again, on another browser: refused (a code works once)
    d = Client(s)
    d.login(email, PW)
    form = d.get("/login/2fa")
    r = d.post("/login/2fa", form={"_csrf": form.csrf(), "code": code})
    check(r.status == 422 and d.get("/incidents").status == 303, "a code used once is refused", r.status)
    # a recovery code, once
    r = d.post("/login/2fa", form={"_csrf": form.csrf(), "code": codes[1].upper().replace("-", " ")})
    check(r.status == 303 and d.get("/incidents").status == 200, "a recovery code signs in (case and spacing forgiven)",
          r.status)
    e = Client(s)
    e.login(email, PW)
    form = e.get("/login/2fa")
    r = e.post("/login/2fa", form={"_csrf": form.csrf(), "code": codes[1]})
    check(r.status == 422, "the same recovery code does not work twice", r.status)
    r = e.post("/account/2fa/recovery", form={"_csrf": form.csrf(), "code": codes[2]})
    check(r.status == 303 and (r.header("Location") or "").startswith("/login/2fa"),
          "a session still owing its code cannot renew the recovery codes", r.status)
    # a code of the shorter shape made before 2026-12 still works, once
    old = hashlib.sha256(b"abcde-fghjk").hexdigest()
    s.sql(f"INSERT INTO recovery_codes(user_id, code_hash) SELECT id, '{old}' FROM users WHERE email = '{email}'")
    f = Client(s)
    f.login(email, PW)
    r = f.post("/login/2fa", form={"_csrf": f.get("/login/2fa").csrf(), "code": "ABCDE FGHJK"})
    check(r.status == 303 and f.get("/incidents").status == 200, "an older, shorter recovery code still signs in",
          r.status)

    # throttled like passwords
    statuses = [e.post("/login/2fa", form={"_csrf": form.csrf(), "code": "123456"}).status for _ in range(12)]
    check(429 in statuses, "wrong codes are throttled", statuses)
    r = e.post("/login/2fa", form={"_csrf": form.csrf(), "code": fresh_code(secret, used)})
    check(r.status == 429 and r.header("Retry-After"), "even a right code waits out the throttle", r.status)
    s.sql(f"DELETE FROM login_failures")  # let the rest of the suite sign in

    acts = audit_actions(s, email)
    for a in ("second_factor.setup", "second_factor.confirm_failed", "second_factor.enabled",
              "login.second_factor", "login.second_factor_failed"):
        check(a in acts, f"audited: {a}", acts)


@test
def second_factor_required_by_role_and_reset(s):
    """An admin requires a second factor of a role: its people are sent to
    set one up and cannot turn it off; the admin resets a person's lost
    factor; others may turn theirs off with a code."""
    admin = "mfa-admin@example.org"
    s.add_user(admin, "admin", PW)
    a = Client(s)
    a.login(admin, PW)
    r = a.form_post("/admin/second-factor", "/admin/second-factor", {"roles": ["manager"]})
    check(r.status == 303, "an admin requires a second factor of managers", r.status)
    try:
        mgr = "mfa-manager@example.org"
        s.add_user(mgr, "manager", PW)
        m = Client(s)
        m.login(mgr, PW)
        r = m.get("/metrics/executive")
        check(r.status == 303 and r.header("Location") == "/account/2fa", "a manager is sent to set one up",
              (r.status, r.header("Location")))
        check(m.get("/api/v1/incidents").json().get("error", {}).get("code") == "second_factor_required",
              "and the API says so")
        page = m.get("/account/2fa")
        check(page.status == 200 and "Your role must sign in with a second factor" in page.text,
              "the set-up page says why")
        secret, codes, _ = enrol(m)
        check(secret and len(codes) == 10 and m.get("/incidents").status == 200,
              "once set up, the manager goes on")
        r = m.form_post("/account/2fa", "/account/2fa/disable", {"code": totp(secret, step_offset=1)})
        check(r.status == 409, "a required factor cannot be turned off", r.status)
        people = a.get("/admin/second-factor")
        check(mgr in people.text, "the admins' page lists who has one")
        uid = s.sql(f"SELECT id FROM users WHERE email = '{mgr}'").stdout.strip()
        r = a.post(f"/admin/users/{uid}/second-factor/reset", form={"_csrf": people.csrf()})
        check(r.status == 303 and s.sql(f"SELECT count(*) FROM second_factors WHERE user_id = {uid}").stdout.strip() == "0",
              "an admin resets a person's second factor", r.status)
        n = Client(s)
        n.login(mgr, PW)
        check(n.get("/incidents").header("Location") == "/account/2fa",
              "after a reset the person sets up a new one")
        check("second_factor.reset" in audit_actions(s, admin)
              and "second_factor.required_roles" in audit_actions(s, admin), "the admin's steps are audited")
    finally:
        a.form_post("/admin/second-factor", "/admin/second-factor", {"roles": []})
    check(s.sql("SELECT value FROM settings WHERE key = 'second_factor_roles'").stdout.strip() == "",
          "no role is required any more")
    emp = "mfa-employee@example.org"
    s.add_user(emp, "employee", PW)
    e = Client(s)
    e.login(emp, PW)
    secret, codes, _ = enrol(e)
    r = e.form_post("/account/2fa", "/account/2fa/disable", {"code": codes[0]})
    check(r.status == 303 and s.sql(f"SELECT count(*) FROM second_factors f JOIN users u ON u.id = f.user_id "
                                    f"WHERE u.email = '{emp}'").stdout.strip() == "0",
          "a person whose role does not require it turns it off with a code", r.status)
    f = Client(s)
    f.login(emp, PW)
    check(f.get("/incidents").status == 200, "and signs in with the password alone again")


@test
def admin_changes_ask_for_a_fresh_code(s):
    """An admin with a second factor changing roles, settings, webhooks or
    actions gives a code again when the last is over 15 minutes old; a
    fresh one lets the change through; API tokens are not sessions."""
    admin = "mfa-stepup@example.org"
    s.add_user(admin, "admin", PW)
    a = Client(s)
    a.login(admin, PW)
    secret, codes, _ = enrol(a)
    target = s.add_user("mfa-target@example.org", "employee", PW)
    page = a.get(f"/admin/users/{target}")
    r = a.post(f"/admin/users/{target}/role", form={"_csrf": page.csrf(), "role": "analyst"})
    check(r.status == 303 and r.header("Location") == f"/admin/users/{target}", "a fresh factor lets a role change through",
          (r.status, r.header("Location")))
    sid = s.sql(f"SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '{admin}'").stdout.split()
    s.sql(f"UPDATE sessions SET second_factor_at = second_factor_at - 16 * 60 WHERE id IN ({','.join(sid)})")
    check(a.get(f"/admin/users/{target}").status == 200, "reading goes on")
    r = a.post(f"/admin/users/{target}/role", form={"_csrf": page.csrf(), "role": "lead"},
               headers={"Referer": f"http://127.0.0.1:{s.port}/admin/users/{target}"})
    loc = r.header("Location") or ""
    check(r.status == 303 and loc == f"/login/2fa?next=%2Fadmin%2Fusers%2F{target}",
          "an old factor sends a role change to the code form, back to the page after", (r.status, loc))
    check(s.sql(f"SELECT role FROM users WHERE id = {target}").stdout.strip() == "analyst", "nothing was changed")
    r = a.post("/api/v1/admin/settings", js={"org_name": "Step-up Ltd"},
               headers={"X-CSRF-Token": page.csrf()})
    check(r.status == 403 and r.json().get("error", {}).get("code") == "step_up_required", "JSON says a fresh code is needed",
          (r.status, r.text[:200]))
    for path in ("/admin/webhooks", "/admin/actions"):
        r = a.post(path, form={"_csrf": page.csrf()})
        check(r.status == 303 and (r.header("Location") or "").startswith("/login/2fa"), f"{path} asks too", r.status)
    form = a.get(loc)
    r = a.post("/login/2fa", form={"_csrf": form.csrf(), "code": codes[2], "next": f"/admin/users/{target}"})
    check(r.status == 303 and r.header("Location") == f"/admin/users/{target}", "a code takes the admin back", r.status)
    r = a.post(f"/admin/users/{target}/role", form={"_csrf": page.csrf(), "role": "lead"})
    check(r.status == 303 and s.sql(f"SELECT role FROM users WHERE id = {target}").stdout.strip() == "lead",
          "then the change goes through", r.status)
    tok = s.cli("token", "create", "--email", admin, "--name", "stepup", "--scope", "write").stdout.strip().split()[-1]
    t = Client(s)
    r = t.post(f"/api/v1/admin/users/{target}/role", js={"role": "analyst"}, headers={"Authorization": f"Bearer {tok}"})
    check(r.status == 200, "an API token is not a session: no code is asked", (r.status, r.text[:200]))
