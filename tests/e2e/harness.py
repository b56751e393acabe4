"""End-to-end harness: starts Secura (tools/run.sh: nginx + FastCGI) on a
free loopback port with a fresh database, and gives tests a browser-like
HTTP client. Standard library only. Every check prints "ok - ..." or
"not ok - ..."; tests/run.sh counts them."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import traceback
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The programs under test: build/ by default, build/san/bin for the
# sanitized build that `make test` runs this suite against.
BIN = os.path.abspath(os.environ.get("SECURA_BIN", os.path.join(ROOT, "build")))
# What ASan, LSan and UBSan print first when they find something.
SANITIZER_LINE = r"^.*(ERROR: (Address|Leak)Sanitizer|runtime error:).*$"
SANITIZER_REPORTS = []
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")

_tests = []
counts = {"passed": 0, "failed": 0}


def test(fn):
    """Registers a test function; it receives the shared Secura server."""
    _tests.append(fn)
    return fn


def test_last(fn):
    """Registers a test that must run after all others (it breaks state
    on purpose, e.g. tampers with the audit log)."""
    fn.last = True
    _tests.append(fn)
    return fn


def check(cond, what, detail=""):
    """Records one check."""
    if cond:
        counts["passed"] += 1
        print(f"ok - {what}", flush=True)
    else:
        counts["failed"] += 1
        print(f"not ok - {what}", flush=True)
        if detail:
            for line in str(detail).splitlines()[:15]:
                print(f"#   {line}", flush=True)
    return cond


def run_all(server):
    """Runs every registered test; an exception fails that test."""
    for fn in sorted(_tests, key=lambda f: getattr(f, "last", False)):
        try:
            fn(server)
        except Exception:  # a crashed test is a failed test
            check(False, f"{fn.__name__} raised", traceback.format_exc())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One Secura instance: own data directory, port and processes."""

    def __init__(self, **env):
        self.dir = tempfile.mkdtemp(prefix="secura-e2e-")
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update({"SECURA_DATA": self.dir, "SECURA_PORT": str(self.port),
                         "SECURA_THREADS": "4",
                         # one address (loopback) and a few people make every
                         # request of the suite: test_security sets its limits
                         "SECURA_RATE_LIMIT": "0", "SECURA_RATE_ANON": "0",
                         "SECURA_RATE_INGEST": "0",
                         "SECURA_TEMPLATES": os.path.join(ROOT, "templates"),
                         "SECURA_MODELS": os.path.join(ROOT, "data", "models"),
                         "SECURA_RULES": os.path.join(ROOT, "data", "rules"),
                         "SECURA_HELP": os.path.join(ROOT, "data", "help"),
                         "SECURA_ATTACK": os.path.join(ROOT, "data", "attack",
                                                       "techniques.tsv"),
                         "SECURA_WORLD_MAP": os.path.join(ROOT, "data", "world",
                                                          "countries.tsv")})
        self.env.update({k: str(v) for k, v in env.items()})
        self.proc = None
        self.admin_email = None
        self.admin_password = None

    def start(self):
        self.log = open(os.path.join(self.dir, "run.log"), "w+")
        self.proc = subprocess.Popen([os.path.join(ROOT, "tools", "run.sh")],
                                     env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                r = Client(self).get("/health")
                if r.status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.output())
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not become healthy:\n" + self.output())
        out = self.output()
        m = re.search(r"created admin (\S+) .*\npassword: (\S+)", out)
        if m:
            # the console prints a first password: it opens only the form
            # to choose one's own, as a person would at first sign-in
            self.admin_email, first = m.group(1), m.group(2)
            self.admin_password = first + "-chosen"
            c = Client(self)
            c.login(self.admin_email, first)
            r = c.form_post("/profile", "/profile/password",
                            {"current_password": first, "new_password": self.admin_password,
                             "new_password_confirm": self.admin_password})
            if r.status != 303:
                raise RuntimeError(f"choosing the admin's password: {r.status} {r.text[:300]}")
        return self

    def output(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        """Stops run.sh and everything it started (SIGTERM to the group,
        as Ctrl-C would). Returns True when no process of the group is
        left after a few seconds. Sanitizer reports in the programs'
        output are kept in SANITIZER_REPORTS."""
        if not self.proc:
            return True
        try:
            return self._stop()
        finally:
            for m in re.finditer(SANITIZER_LINE, self.output(), re.M):
                SANITIZER_REPORTS.append(m.group(0))

    def _stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return True
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for _ in range(50):
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended between the look and the kill
            return True
        return False

    def cli(self, *args, input=None):
        """Runs the secura CLI against this instance's database."""
        return subprocess.run([os.path.join(BIN, "secura"), *args],
                              env=self.env, input=input, capture_output=True,
                              text=True, timeout=60)

    def add_user(self, email, role, password):
        r = self.cli("user", "add", "--email", email, "--role", role,
                     "--name", email.split("@")[0].title(), "--password-stdin",
                     input=password + "\n")
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        return int(re.search(r"id (\d+)", r.stdout).group(1))

    def ensure_user(self, email, role="employee", password="Lavender staircase at noon"):
        """Adds a person unless they exist already (a test that needs an
        account another test makes creates it itself when that one did
        not). Returns nothing; raises when the CLI fails otherwise."""
        r = self.cli("user", "add", "--email", email, "--role", role,
                     "--name", email.split("@")[0].title(), "--password-stdin",
                     input=password + "\n")
        if r.returncode != 0 and "already registered" not in r.stderr + r.stdout:
            raise RuntimeError(r.stderr)

    def sql(self, statement):
        """Runs SQL with the sqlite3 shell (for tampering tests only)."""
        # the worker and the programs write too: wait for the lock as they do
        return subprocess.run(["sqlite3", "-cmd", ".timeout 5000",
                               os.path.join(self.dir, "secura.db"), statement],
                              capture_output=True, text=True)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.text)

    def csrf(self):
        m = re.search(r'name="_csrf" value="([^"]*)"', self.text)
        return m.group(1) if m else None


class Client:
    """A cookie-keeping HTTP client that never follows redirects."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, form=None,
                js=None, raw_type=None):
        hdrs = {"Host": f"127.0.0.1:{self.server.port}"}
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif js is not None:
            body = json.dumps(js).encode()
            hdrs["Content-Type"] = "application/json"
        elif raw_type is not None:
            hdrs["Content-Type"] = raw_type
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        for k, v in resp.headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def form_post(self, page, path, fields):
        """Loads page for its CSRF token, then posts fields to path."""
        token = self.get(page).csrf()
        return self.post(path, form=dict(fields, _csrf=token))

    def multipart(self, path, fields, files=(), csrf_page=None, headers=None):
        """Posts multipart/form-data: fields is a list of (name, value),
        files a list of (field, filename, bytes). Adds the CSRF token from
        csrf_page (or path) unless fields already has one."""
        if csrf_page is not None:
            fields = [("_csrf", self.get(csrf_page).csrf())] + list(fields)
        boundary = "secura-test-boundary-7d3f"
        out = b""
        for name, value in fields:
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                    f"\r\n\r\n{value}\r\n").encode()
        for field, filename, data in files:
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                    f"\r\n\r\n").encode() + data + b"\r\n"
        out += f"--{boundary}--\r\n".encode()
        return self.post(path, body=out, headers=headers,
                         raw_type=f"multipart/form-data; boundary={boundary}")

    def login(self, email, password, next_page=None):
        fields = {"email": email, "password": password}
        if next_page:
            fields["next"] = next_page
        return self.form_post("/login", "/login", fields)
