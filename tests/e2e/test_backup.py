"""End-to-end tests of backups: `secura backup` while incidents stream
in, `secura restore` into a new data folder (everything acknowledged
before the backup began is there, integrity and the audit chain verify,
the app serves from it), a changed backup refused with nothing written,
and the worker's scheduled backups keeping the newest."""

import os
import re
import shutil
import subprocess
import threading
import time

from harness import BIN, Server, check, test
from test_incidents import PNG, PW, created_id, report
from test_ingest import admin_token, api


def sql(path, statement):
    return subprocess.run(["sqlite3", "-cmd", ".timeout 5000", path, statement],
                          capture_output=True, text=True).stdout.strip()


@test
def backup_while_writing_and_restore_elsewhere(_):
    from harness import Client
    srv = Server().start()
    new = Server()
    try:
        tok = admin_token(srv)
        srv.add_user("backup-emp@example.org", "employee", PW)
        emp = Client(srv)
        emp.login("backup-emp@example.org", PW)
        with_file = created_id(report(emp, title="Screenshot of the fake login page",
                                      files=[("evidence", "screenshot.png", PNG)]))
        acked, stop = [], threading.Event()

        def writer():
            i = 0
            while not stop.is_set():
                r = api(srv, tok, "POST", "/incidents", {"title": f"Streamed report {i}",
                                                          "category": "phishing",
                                                          "description": "A mail asked for a password."})
                if r.status == 201:
                    acked.append((time.time(), r.json()["incident"]["id"]))
                i += 1

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(1.0)
        began = time.time()
        bdir = os.path.join(srv.dir, "backups")
        r = srv.cli("backup", bdir)
        time.sleep(0.5)
        stop.set()
        t.join()
        m = re.search(r"backup written: (\S+)", r.stdout)
        check(r.returncode == 0 and m, "a backup is written while reports stream in", r.stderr)
        if not m:
            return
        folder = m.group(1)
        before = [i for ts, i in acked if ts < began]
        check(len(before) > 3, "reports were acknowledged before the backup began", len(before))
        check(srv.cli("backup", "check", folder).returncode == 0, "the backup's hashes verify")

        r = subprocess.run([os.path.join(BIN, "secura"), "restore", folder], env=new.env,
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "it restores into a new data folder", r.stderr)
        db = os.path.join(new.dir, "secura.db")
        ids = {int(x) for x in sql(db, "SELECT id FROM incidents").split()}
        check(set(before) <= ids and with_file in ids,
              "every report acknowledged before the backup began is there", set(before) - ids)
        check(sql(db, "PRAGMA integrity_check") == "ok", "the restored database passes its integrity check")
        audit = subprocess.run([os.path.join(BIN, "secura"), "audit", "verify"], env=new.env,
                               capture_output=True, text=True)
        check(audit.returncode == 0 and "intact" in audit.stdout, "its audit chain verifies", audit.stdout)
        new.start()
        got = api(new, tok, "GET", f"/incidents/{with_file}")
        ev = got.json().get("evidence", []) if got.status == 200 else []
        check(got.status == 200 and ev, "the app serves from it, the admin's token included", got.status)
        if ev:
            f = api(new, tok, "GET", f"/incidents/{with_file}/evidence/{ev[0]['id']}")
            check(f.status == 200 and f.body == PNG, "and the evidence file comes back whole", f.status)
        new.stop()

        # a backup changed after it was made is refused, nothing written
        bad = os.path.join(srv.dir, "backups", "secura-tampered")
        shutil.copytree(folder, bad)
        with open(os.path.join(bad, "secura.db"), "r+b") as f:
            f.seek(5000)
            byte = f.read(1)
            f.seek(5000)
            f.write(bytes([byte[0] ^ 1]))
        empty = Server()
        r = subprocess.run([os.path.join(BIN, "secura"), "restore", bad], env=empty.env,
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 1 and "SHA-256" in r.stderr and not os.path.exists(os.path.join(empty.dir, "secura.db")),
              "a changed backup is refused and nothing is restored", r.stderr)
        r = subprocess.run([os.path.join(BIN, "secura"), "restore", folder], env=new.env,
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 1 and "already holds a database" in r.stderr,
              "a data folder that holds a database is not overwritten without --replace", r.stderr)
        r = srv.cli("restore", folder, "--replace")
        check(r.returncode == 1 and "running" in r.stderr, "nor while Secura runs on it", r.stderr)
        r = subprocess.run([os.path.join(BIN, "secura"), "restore", folder, "--replace"], env=new.env,
                           capture_output=True, text=True, timeout=60)
        aside = [n for n in os.listdir(new.dir) if n.startswith("before-restore-")]
        check(r.returncode == 0 and aside and os.path.exists(os.path.join(new.dir, aside[0], "secura.db")),
              "with --replace on a stopped instance, the old files are moved aside", r.stderr)
    finally:
        srv.stop()
        new.stop()


@test
def the_worker_backs_up_on_schedule_and_keeps_the_newest(_):
    bdir_holder = Server(SECURA_NO_WORKER=1)
    bdir = os.path.join(bdir_holder.dir, "scheduled")
    srv = Server(SECURA_NO_WORKER=1, SECURA_BACKUP_DIR=bdir, SECURA_BACKUP_KEEP=2).start()
    try:
        # three old backups, as if made on earlier days
        for day in ("20200101", "20200102", "20200103"):
            r = srv.cli("backup", bdir)
            folder = re.search(r"backup written: (\S+)", r.stdout).group(1)
            os.rename(folder, os.path.join(bdir, f"secura-{day}T000000Z"))
        w = subprocess.run([os.path.join(BIN, "worker"), "--once"], env=srv.env, capture_output=True,
                           text=True, timeout=120)
        left = sorted(n for n in os.listdir(bdir) if n.startswith("secura-"))
        check(w.returncode == 0 and len(left) == 2 and left[0] == "secura-20200103T000000Z"
              and left[1] > "secura-2026", "the worker backs up when the newest is old and keeps two",
              (left, w.stderr[-300:]))
        newest = os.path.join(bdir, left[1])
        check(srv.cli("backup", "check", newest).returncode == 0
              and srv.cli("backup", "check", os.path.join(bdir, left[0])).returncode == 0,
              "the kept backups still verify after the pruning")
        w = subprocess.run([os.path.join(BIN, "worker"), "--once"], env=srv.env, capture_output=True,
                           text=True, timeout=120)
        check(len([n for n in os.listdir(bdir) if n.startswith("secura-")]) == 2,
              "a backup younger than SECURA_BACKUP_HOURS is not repeated")
    finally:
        srv.stop()
