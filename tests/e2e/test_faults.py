"""Faults survived, each on an instance of its own: the disk filling up
while incidents are reported, the SMTP server and
the webhook endpoint down for an hour of clock time (deliveries retried
with back-off until they come back, none lost, none sent twice), a
language model that accepts and never answers (the worker's deliveries
go on, the question fails cleanly at its timeout), and the reports and
events programs killed with SIGKILL under load and started again."""
import http.server
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

from harness import BIN, ROOT, Client, Server, check, free_port, test
from test_incidents import PW
from test_notifications import Hooks, api, mails, new_incident, token, worker_once


def scalar(srv, sql):
    return srv.sql(sql).stdout.strip()


def srv_events(srv, sql):
    return subprocess.run(["sqlite3", "-cmd", ".timeout 5000", os.path.join(srv.dir, "events.db"), sql],
                          capture_output=True, text=True).stdout.strip()


@test
def deliveries_survive_an_hour_down(_):
    """Email and webhooks while both ends are down for an hour: the worker
    retries each with a doubling back-off (30 s, 8 attempts by default:
    63 minutes in all), and when the ends come back every message is
    delivered exactly once."""
    smtp_port, hook_port = free_port(), free_port()
    mail_dir = tempfile.mkdtemp(prefix="secura-mail-")
    Hooks.secret, Hooks.fail, Hooks.delay = b"an-hour-down-secret", True, 0
    Hooks.got.clear()
    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    srv = Server(SECURA_NO_WORKER=1, SECURA_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
                 SECURA_SMTP_FROM="secura@example.org", SECURA_WEBHOOK_ALLOW_PRIVATE=1).start()
    sink = None
    try:
        ids = {n: srv.add_user(f"down-{n}@example.org", r, PW)
               for n, r in (("emp", "employee"), ("ana", "analyst"), ("lead", "lead"), ("admin", "admin"))}
        tok = {n: token(srv, f"down-{n}@example.org") for n in ids}
        api(srv, tok["ana"], "POST", "/notifications/settings", {"assigned": "email"})
        r = api(srv, tok["admin"], "POST", "/admin/webhooks",
                {"url": f"http://127.0.0.1:{hook_port}/hook", "kinds": ["incident.created"],
                 "secret": Hooks.secret.decode()})
        check(r.status == 201, "a webhook is registered", r.text)
        for i in range(3):
            inc = new_incident(srv, tok["emp"], f"Reported while the mail server is down {i}")
            api(srv, tok["lead"], "POST", f"/incidents/{inc['id']}/assign", {"assignee_id": ids["ana"]})
        rows = "FROM outbox WHERE (channel = 'email' AND recipient = 'down-ana@example.org') OR channel = 'webhook'"
        expected = int(scalar(srv, f"SELECT count(*) {rows}"))
        check(expected == 6, "three emails and three webhook calls are queued", expected)
        at, attempts, came_back = 0, 0, None
        while attempts < 12 and scalar(srv, f"SELECT count(*) {rows} AND state <> 'sent'") != "0":
            if at >= 3600 and came_back is None:  # an hour later both ends return
                came_back = len(Hooks.got)
                Hooks.fail = False
                sink = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "e2e", "smtp_sink.py"),
                                         str(smtp_port), mail_dir], stdout=subprocess.PIPE, text=True)
                sink.stdout.readline()
            worker_once(srv, at)
            attempts += 1
            due = scalar(srv, f"SELECT max(next_at) - strftime('%s', 'now') {rows} AND state <> 'sent'")
            at = max(at + 1, int(due or 0) + 5)
        states = scalar(srv, f"SELECT group_concat(DISTINCT state) {rows}")
        check(came_back is not None and states == "sent",
              "after an hour down every delivery is sent, none dead", (states, at, attempts))
        tries = scalar(srv, f"SELECT min(attempts) || ' ' || max(attempts) {rows}")
        check(tries.split()[0] == tries.split()[-1] and int(tries.split()[0]) >= 7,
              "each was retried with back-off across the hour", tries)
        after = Hooks.got[came_back or 0:]
        keys = [g["delivery"] for g in after]
        check(len(keys) == 3 and len(set(keys)) == 3 and all(g["valid"] for g in after),
              "each webhook call arrives once, signed", keys)
        got = [m for m in mails(mail_dir) if m["To"] == "down-ana@example.org"]
        check(len(got) == 3 and len({m["Message-ID"] for m in got}) == 3, "each email arrives once", len(got))
    finally:
        srv.stop()
        hooks.shutdown()
        if sink:
            sink.send_signal(signal.SIGTERM)
            sink.wait(10)


class SilentModel:
    """A language model endpoint that accepts connections and never
    answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        for c in self.held:
            c.close()
        self.sock.close()


@test
def hanging_language_model(_):
    """A model that never answers holds up no delivery: webhooks go out
    while the question waits, and the question fails cleanly at
    SECURA_LLM_TIMEOUT with the worker still running."""
    model, hook_port = SilentModel(), free_port()
    Hooks.secret, Hooks.fail, Hooks.delay = b"hanging-model-secret", False, 0
    Hooks.got.clear()
    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    srv = Server(SECURA_LLM_URL=f"http://127.0.0.1:{model.port}/v1/chat/completions",
                 SECURA_LLM_MODEL="silent", SECURA_LLM_ALLOW_PRIVATE=1, SECURA_LLM_TIMEOUT=6,
                 SECURA_WEBHOOK_ALLOW_PRIVATE=1).start()
    try:
        srv.add_user("hang-ana@example.org", "analyst", PW)
        srv.add_user("hang-emp@example.org", "employee", PW)
        srv.add_user("hang-admin@example.org", "admin", PW)
        ana, emp = token(srv, "hang-ana@example.org"), token(srv, "hang-emp@example.org")
        api(srv, token(srv, "hang-admin@example.org"), "POST", "/admin/webhooks",
            {"url": f"http://127.0.0.1:{hook_port}/hook", "kinds": ["incident.created"],
             "secret": Hooks.secret.decode()})
        first = new_incident(srv, emp, "A question for a model that never answers")
        c = Client(srv)
        c.login("hang-ana@example.org", PW)
        asked = c.form_post(f"/incidents/{first['id']}", f"/incidents/{first['id']}/assistant", {})
        check(asked.status == 303, "an analyst asks the assistant", asked.status)
        end = time.time() + 10
        while not model.held and time.time() < end:
            time.sleep(0.1)
        check(model.held, "the worker is waiting on the model")
        started = time.time()
        second = new_incident(srv, emp, "Reported while the model hangs")
        end = time.time() + 5
        while not any(g["body"]["incident"]["ref"] == second["ref"] for g in Hooks.got) and time.time() < end:
            time.sleep(0.1)
        waited = time.time() - started
        pending = api(srv, ana, "GET", f"/incidents/{first['id']}").json()["assistant"]["answers"][0]["pending"]
        check(any(g["body"]["incident"]["ref"] == second["ref"] for g in Hooks.got) and pending,
              "the webhook is delivered while the question still waits", (waited, pending, len(Hooks.got)))
        end = time.time() + 20
        while time.time() < end:
            a = api(srv, ana, "GET", f"/incidents/{first['id']}").json()["assistant"]["answers"][0]
            if not a["pending"]:
                break
            time.sleep(0.3)
        check(not a["pending"] and a["status"] == "failed" and a.get("error"),
              "at the timeout the question fails with its reason", a)
        third = new_incident(srv, emp, "Reported after the timeout")
        end = time.time() + 5
        while not any(g["body"]["incident"]["ref"] == third["ref"] for g in Hooks.got) and time.time() < end:
            time.sleep(0.1)
        check(any(g["body"]["incident"]["ref"] == third["ref"] for g in Hooks.got),
              "the worker goes on afterwards")
    finally:
        srv.stop()
        hooks.shutdown()
        model.close()


def pids_of(srv, prog):
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(f"/{prog}".encode()) and f"{srv.dir}/run/{prog}.sock".encode() in argv:
            out.append(int(pid))
    return out


@test
def programs_killed_and_started_again(_):
    """The reports and live-stream programs killed with SIGKILL while
    requests are in flight and started again (as systemd's Restart= does):
    they serve again, and the database passes integrity_check."""
    srv = Server().start()
    again = []
    try:
        srv.add_user("kill-mgr@example.org", "manager", PW)
        mgr = Client(srv)
        mgr.login("kill-mgr@example.org", PW)
        tok = token(srv, "kill-mgr@example.org")
        for prog, path in (("reports", "/reports/executive?period=30"), ("events", "/events")):
            stop = threading.Event()

            def load():
                c = Client(srv)
                c.cookies = dict(mgr.cookies)
                while not stop.is_set():
                    try:
                        c.request("GET", path, headers={"Accept": "text/event-stream"} if prog == "events" else None)
                    except OSError:
                        pass

            threads = [threading.Thread(target=load, daemon=True) for _ in range(3)]
            for t in threads:
                t.start()
            time.sleep(1)
            before = pids_of(srv, prog)
            for pid in before:
                os.kill(pid, signal.SIGKILL)
            stop.set()
            r = mgr.get(path) if prog == "reports" else None
            check(len(before) == 1 and (r is None or r.status in (502, 503, 504)),
                  f"{prog}: killed under load, nginx answers an error meanwhile", (before, r and r.status))
            sock = os.path.join(srv.dir, "run", f"{prog}.sock")
            if os.path.exists(sock):
                os.unlink(sock)
            again.append(subprocess.Popen([os.path.join(BIN, prog), "--socket", sock], env=srv.env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            end = time.time() + 10
            while not os.path.exists(sock) and time.time() < end:
                time.sleep(0.05)
            if prog == "reports":
                r = mgr.get(path)
                check(r.status == 200 and r.body.startswith(b"%PDF-"), "reports: started again, it makes the PDF",
                      r.status)
            else:
                r = api(srv, tok, "GET", "/notifications")
                c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                c.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tok}\r\n"
                          f"Accept: text/event-stream\r\n\r\n".encode())
                head = c.recv(4096).decode("latin-1")
                c.close()
                check(head.startswith("HTTP/1.1 200") and "text/event-stream" in head,
                      "events: started again, a stream opens", head[:200])
            for t in threads:
                t.join(5)
        q = srv.sql("PRAGMA integrity_check;").stdout.strip()
        check(q == "ok", "the database passes integrity_check", q)
    finally:
        for p in again:
            p.terminate()
            p.wait(10)
        srv.stop()


@test
def disk_full_while_reporting(_):
    """The data folder on a small tmpfs fills up while incidents are
    reported: a report that does not fit is refused with 503 and nothing
    half-written, the pages still read, and when space returns reports go
    through again; every incident acknowledged is there, the database
    passes integrity_check and the audit chain verifies."""
    srv = Server(SECURA_WATCH_LOG=0)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", srv.dir],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"ok - disk full while reporting # SKIP cannot mount a tmpfs here: {mounted.stderr.strip()}")
        return
    filler = os.path.join(srv.dir, "filler")
    try:
        srv.start()
        srv.add_user("full-emp@example.org", "employee", PW)
        tok = token(srv, "full-emp@example.org")
        srv.add_user("full-admin@example.org", "admin", PW)
        made = api(srv, token(srv, "full-admin@example.org"), "POST", "/admin/sources",
                   {"name": "full disk probe", "kind": "generic"}).json()
        sid, src_token = made["source"]["id"], made["token"]
        done = []
        for i in range(5):
            inc = new_incident(srv, tok, f"Before the disk filled {i}")
            done.append(inc["ref"])
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        for chunk in (1 << 20, 4096):  # every free block taken
            try:
                while os.write(fd, b"\0" * chunk):
                    pass
            except OSError:
                pass
        os.close(fd)
        statuses, refused = [], None
        for i in range(60):
            r = api(srv, tok, "POST", "/incidents", {"title": f"While the disk is full {i}",
                                                     "description": "x" * 3000, "category": "malware"})
            statuses.append(r.status)
            if r.status == 201:
                done.append(r.json()["incident"]["ref"])
            else:
                refused = r
                break
        check(refused is not None and refused.status == 503
              and refused.json()["error"]["code"] == "storage_full"
              and refused.header("Retry-After") and 500 not in statuses,
              "a report that does not fit is refused with 503, never 500", statuses)
        check(api(srv, tok, "GET", "/incidents").status == 200, "the pages still read while the disk is full")
        before = srv_events(srv, "SELECT count(*) FROM events WHERE source_id = " + str(sid))
        batch = "\n".join(json.dumps({"message": f"while full {i} " + "y" * 400, "event": {"id": f"full-{i}"}})
                          for i in range(2000)).encode()
        r = Client(srv).request("POST", "/api/v1/ingest", body=batch, raw_type="application/x-ndjson",
                                headers={"Authorization": f"Bearer {src_token}"})
        check(r.status == 503 and r.json()["error"]["code"] == "storage_full" and r.header("Retry-After")
              and srv_events(srv, "SELECT count(*) FROM events WHERE source_id = " + str(sid)) == before,
              "the intake refuses a batch that does not fit with 503, storing none of it", (r.status, r.text[:200]))
        os.unlink(filler)
        inc = new_incident(srv, tok, "After space returned")
        check(inc is not None, "when space returns reports go through again")
        if inc:
            done.append(inc["ref"])
        refs = set(srv.sql("SELECT ref FROM incidents").stdout.split())
        check(set(done) <= refs, "every acknowledged incident is there", set(done) - refs)
        half = srv.sql("SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                       "WHERE a.action = 'incident.create' AND a.object_id = CAST(i.id AS TEXT))").stdout.strip()
        q = srv.sql("PRAGMA integrity_check;").stdout.strip()
        check(q == "ok" and half == "0", "nothing is half-written and the database passes integrity_check", (q, half))
        check(srv.cli("audit", "verify").returncode == 0, "the audit chain verifies")
    finally:
        if os.path.exists(filler):
            os.unlink(filler)
        srv.stop()
        subprocess.run(["umount", "-l", srv.dir], capture_output=True)
