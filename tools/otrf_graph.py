#!/usr/bin/env python3
"""Measures the attack paths on the OTRF lateral-movement recordings
(../shared/datasets/otrf_lateral_movement): each test scenario's raw
Windows records go through the HEC door of a fresh Secura instance, then
`secura graph scores` gives every sign-in edge the best score of a path
through it. Compared with the dataset's labelled edges (a documented
rule, see its README): the edges' ROC-AUC beside the dataset's rarity
baseline (0.733), the recall of the lateral edges among those flagged
(score over the threshold) and the precision of the flagged and of the
top k edges (k = the lateral edges' number).

Usage: tools/otrf_graph.py [BUILD_DIR]   (make otrf-graph)
The dataset names hosts where Secura sees addresses when no event of the
recording names them: an edge matches when its source is the host or one
of the addresses the dataset's own events give it (otrf_lm_auth_events.csv).
"""
import csv
import json
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.environ.get("SECURA_DATASETS", os.path.join(ROOT, "..", "shared", "datasets")),
                    "otrf_lateral_movement")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("SECURA_BIN", sys.argv[1] if len(sys.argv) > 1 else "build")


def roc_auc(scores, labels):
    """The probability a lateral edge outscores a benign one (ties half)."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    if not pos or not neg:
        return float("nan")
    won = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return won / (len(pos) * len(neg))


def short(name):
    return name.split(".")[0].lower() if name and not name[0].isdigit() else (name or "").lower()


def main():
    if not os.path.isdir(DATA):
        print(f"no {DATA}: the OTRF recordings are not beside this clone", file=sys.stderr)
        return 0
    from harness import Client, Server
    split = json.load(open(os.path.join(DATA, "split.json")))
    addresses = {}
    for row in csv.DictReader(open(os.path.join(DATA, "otrf_lm_auth_events.csv"))):
        if row["src_host"] and row["src_ip"] not in ("", "-"):
            ip = row["src_ip"][7:] if row["src_ip"].startswith("::ffff:") else row["src_ip"]
            addresses.setdefault(short(row["src_host"]), set()).add(ip)
    edges = [e for e in csv.DictReader(open(os.path.join(DATA, "otrf_lm_edges.csv")))
             if e["scenario"] in split["test_scenarios"]]
    threshold = 2.5
    results = []
    for scenario in split["test_scenarios"]:
        srv = Server().start()
        try:
            r = srv.cli("token", "create", "--email", srv.admin_email, "--name", "otrf", "--scope", "write")
            tok = next(w for w in r.stdout.split() if w.startswith("sec_"))
            r = Client(srv).request("POST", "/api/v1/admin/sources", js={"name": "otrf", "kind": "generic"},
                                    headers={"Authorization": f"Bearer {tok}"})
            token = r.json()["token"]
            z = zipfile.ZipFile(os.path.join(DATA, "original", scenario + ".zip"))
            lines = [l for n in z.namelist() for l in z.read(n).decode("utf-8", "replace").splitlines() if l.strip()]
            for i in range(0, len(lines), 400):
                body = "".join('{"event": %s}' % l for l in lines[i:i + 400]).encode()
                r = Client(srv).request("POST", "/services/collector/event", body=body,
                                        raw_type="application/json",
                                        headers={"Authorization": f"Splunk {token}"})
                if r.status != 200:
                    print(f"{scenario}: HEC answered {r.status} {r.text[:200]}", file=sys.stderr)
            out = srv.cli("graph", "scores", "--threshold", str(threshold)).stdout.splitlines()[1:]
            ours = [dict(zip(("src", "dst", "user", "first", "score", "flagged"), l.split("\t"))) for l in out]
        finally:
            srv.stop()
        for e in (e for e in edges if e["scenario"] == scenario):
            srcs = {short(e["src_host"])} | addresses.get(short(e["src_host"]), set())
            hit = [o for o in ours if o["src"] in srcs and o["dst"] == short(e["dst_host"])
                   and o["user"] == e["account"].lower()]
            score = max((float(o["score"]) for o in hit), default=0.0)
            results.append((scenario, e["src_host"], e["dst_host"], e["account"], int(e["label"]), score))
        print(f"{scenario}: {len(lines)} records, {len(ours)} sign-in edges", file=sys.stderr)
    labels = [r[4] for r in results]
    scores = [r[5] for r in results]
    lateral = sum(labels)
    top = sorted(results, key=lambda r: -r[5])[:lateral]
    print("scenario\tsrc\tdst\taccount\tlabel\tscore")
    for r in results:
        print("\t".join(map(str, r)))
    print(f"\ntest edges {len(results)}, lateral {lateral}")
    print(f"edge ROC-AUC {roc_auc(scores, labels):.3f} (the dataset's rarity baseline: 0.733)")
    for t in (threshold, 1.0, 0.8):
        flagged = [r for r in results if r[5] >= t]
        print(f"score >= {t}: recall of the lateral edges {sum(r[4] for r in flagged)}/{lateral}, "
              f"precision {sum(r[4] for r in flagged)}/{len(flagged)}")
    print(f"precision of the top {lateral}: {sum(r[4] for r in top)}/{lateral}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
