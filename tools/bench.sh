#!/bin/sh
# `make bench`: measures Secura against baselines taken in the same run.
#
# Reads (32 connections, wrk) against a database of 100,000 incidents made
# by `secura demo`: the analyst's incident list (open incidents, 50 rows,
# HTML), an incident page (random ids), and a search, the list and the
# search also with the shared page cache skipped; baseline: a trivial
# FastCGI endpoint behind the same nginx. Write: creating an incident over
# JSON; baseline: a bare loop of one-row SQLite commits with the same
# pragmas. Dashboards (4 connections): the operational and the executive
# (a year; the first request after a change timed apart) dashboard pages
# as a manager. Reports: the GDPR register PDF
# for a period holding 10,000 personal-data incidents, timed end to end.
# Prints requests/s, p99, the CPU time the serving program spent per
# request (steadier than requests/s on a shared machine) and the ratio to
# its baseline.
# BENCH_COUNT (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (32).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/wait_healthy.sh"
B=$ROOT/build
COUNT=${BENCH_COUNT:-100000}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
DATA=$(mktemp -d /tmp/secura-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SECURA_DATA=$DATA SECURA_PORT=$PORT SECURA_LOGIN_MAX_ADDRESS=100000
# measured at full speed: no request limits (they are measured in the tests)
export SECURA_RATE_LIMIT=0 SECURA_RATE_ANON=0 SECURA_RATE_INGEST=0
export SECURA_MODELS=${SECURA_MODELS:-$ROOT/data/models}
export SECURA_RULES=${SECURA_RULES:-$ROOT/data/rules}
BASE=http://127.0.0.1:$PORT
PW="Lavender staircase at noon 2026"
pids=""
cleanup() {
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null || true
	rm -rf "$DATA"
}
trap cleanup EXIT INT TERM

echo "== preparing $COUNT incidents (secura demo)"
"$B/secura" init >/dev/null
"$B/secura" demo --count "$COUNT" | head -n 1
echo "$PW" | "$B/secura" user add --email bench@example.org --role analyst --name Bench --password-stdin >/dev/null
echo "$PW" | "$B/secura" user add --email boss@example.org --role manager --name Boss --password-stdin >/dev/null
TOKEN=$("$B/secura" token create --email bench@example.org --name bench --scope write)

mkdir -p "$DATA/run"
cat >"$DATA/bench-nginx.conf" <<CONF
		location = /__bench/trivial {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$DATA/run/trivial.sock;
		}
CONF
THREADS=${SECURA_THREADS:-8}
"$B/bench/trivial" "$DATA/run/trivial.sock" "$THREADS" &
TRIVIAL=$!
pids="$pids $TRIVIAL"
SECURA_NGINX_EXTRA=$DATA/bench-nginx.conf "$ROOT/tools/run.sh" >"$DATA/run.log" 2>&1 &
pids="$pids $!"
wait_healthy "$BASE" "$DATA/run.log"

# signin EMAIL: signs in like a browser does and prints the session.
signin() {
	jar=$DATA/cookies-$1
	csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
		--data-urlencode "email=$1" --data-urlencode "password=$PW" "$BASE/login"
	awk '$6 == "secura_session" { print $7 }' "$jar"
}
APP=$(pgrep -f "$DATA/run/app.sock" | head -n 1)
# cpu PID: the process's CPU time so far, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
SESSION=$(signin bench@example.org)
BOSS=$(signin boss@example.org)
[ -n "$SESSION" ] && [ -n "$BOSS" ] || { echo "bench: could not sign in"; exit 1; }

# run NAME PATH [wrk args...]: prints "NAME rps p99ms non2xx cpu_us" into
# $DATA/results; cpu_us is the CPU time of the serving program (the app,
# or PROC) per request.
run() {
	name=$1 path=$2
	shift 2
	proc=${PROC:-$APP}
	c0=$(cpu "$proc")
	out=$(wrk -t 2 -c "${RUN_CONNS:-$CONNS}" -d "${SECS}s" --latency "$@" "$BASE$path")
	c1=$(cpu "$proc")
	n=$(echo "$out" | awk '/requests in/ { print $1 }')
	us=$(awk -v c=$((c1 - c0)) -v n="$n" -v t="$TICK" 'BEGIN { printf "%.0f", n ? c * 1e6 / t / n : 0 }')
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 } print v }')
	non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	echo "$name $rps $p99 ${non2xx:-0} $us" >>"$DATA/results"
	printf '  %-28s %10s req/s   p99 %8s ms   %6s us CPU/req   non-2xx %s\n' "$name" "$rps" "$p99" "$us" "${non2xx:-0}"
}

echo "== reads, $CONNS connections, ${SECS}s each"
COOKIE="Cookie: secura_session=$SESSION"
PROC=$TRIVIAL run trivial_fastcgi /__bench/trivial
run list_open_50 "/incidents?status=open&limit=50" -H "$COOKIE"
run incident_page "/incidents/1" -H "$COOKIE" -s "$ROOT/tests/load/detail.lua"
run search_50 "/incidents?q=password&limit=50" -H "$COOKIE"
# The same two with the shared page cache skipped (a forced reload), i.e.
# every request computed as after a change.
NOCACHE="Cache-Control: no-cache"
run list_open_50_computed "/incidents?status=open&limit=50" -H "$COOKIE" -H "$NOCACHE"
run search_50_computed "/incidents?q=password&limit=50" -H "$COOKIE" -H "$NOCACHE"
# 100,000 alerts over 30 days: 60 detectors, 5,000 entities, every
# severity and status (what a busy month leaves behind)
NOW=$(date +%s)
sqlite3 -cmd ".timeout 5000" "$DATA/secura.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BENCH_ALERTS:-100000})
INSERT INTO alerts(detector, title, kind, group_key, severity, risk, status, reason, count, first_seen, last_seen,
  host, user_name, ip, why, events, created_at, changed_at, techniques)
SELECT 'rule:bench-' || (i % 60), 'Bench rule ' || (i % 60), 'auth', 'source.ip=10.9.' || (i % 50) || '.' || (i % 100),
  CASE i % 10 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'high' WHEN 3 THEN 'low' WHEN 4 THEN 'info' ELSE 'medium' END,
  i % 100, CASE i % 7 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'investigating' ELSE 'closed' END,
  CASE WHEN i % 7 > 2 THEN 'false_positive' ELSE '' END, 1 + i % 40,
  ($NOW - i * 26) * 1000, ($NOW - i * 26 + 60) * 1000, 'WS-' || (i % 500), 'user' || (i % 800), '10.9.' || (i % 50) || '.' || (i % 100),
  '[]', '[]', $NOW - i * 26, $NOW - i * 26, '[\"T1110.001\"]' FROM n"
run alerts_open_50 "/alerts?status=open&limit=50" -H "$COOKIE"
run alerts_high_50 "/alerts?severity=high&hours=168&limit=50" -H "$COOKIE"

echo "== writes"
run create_json /api/v1/incidents -H "Authorization: Bearer $TOKEN" -s "$ROOT/tests/load/create.lua"
COMMITS=$("$B/bench/commits" "$DATA/commits.db" "$SECS" | awk '{ print $2 }')
printf '  %-28s %10s commits/s\n' "bare_sqlite_commit" "$COMMITS"

echo "== dashboards (manager, 4 connections, ${SECS}s each)"
RUN_CONNS=4 run dashboard_operational "/metrics" -H "Cookie: secura_session=$BOSS"
# The executive figures are cached while the data is unchanged: time the
# first (computed) request on its own, then the steady state.
COLD=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: secura_session=$BOSS" "$BASE/metrics/executive?period=365")
printf '  %-28s %10s s (computed: the first request after a change)\n' "dashboard_executive_cold" "$COLD"
RUN_CONNS=4 run dashboard_executive "/metrics/executive?period=365" -H "Cookie: secura_session=$BOSS"

echo "== reports"
# The first day of a period holding the newest 10,000 personal-data incidents.
FROM=$(sqlite3 "$DATA/secura.db" "SELECT date(created_at, 'unixepoch') FROM incidents WHERE personal_data = 1 ORDER BY created_at DESC LIMIT 1 OFFSET (SELECT min(9999, count(*) - 1) FROM incidents WHERE personal_data = 1)")
TO=$(date -u +%Y-%m-%d)
REG="/reports/gdpr-register?period=custom&from=$FROM&to=$TO"
ROWS=$(curl -s -H "Cookie: secura_session=$BOSS" "$BASE/api/v1$REG&format=json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["rows"]))')
worst=0
for n in 1 2 3 4 5; do
	# over the API the PDF is made in the request (pages over more than
	# 5,000 incidents go to the worker instead)
	t=$(curl -s -o "$DATA/register.pdf" -w '%{time_total}' -H "Cookie: secura_session=$BOSS" "$BASE/api/v1$REG")
	worst=$(echo "$t $worst" | awk '{ print ($1 > $2) ? $1 : $2 }')
done
PAGES=$(pdfinfo "$DATA/register.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
printf '  %-28s %10s rows  %s pages  slowest of 5: %s s  (target < 2 s)\n' "gdpr_register_pdf" "$ROWS" "${PAGES:-?}" "$worst"

echo "== against the baselines"
awk -v commits="$COMMITS" '
	{ rps[$1] = $2; p99[$1] = $3; cpu[$1] = $5 }
	# line LABEL KEY BASE WHAT NOTE FMT: the share of BASE (req/s) that KEY
	# reached, its p99 and its CPU per request
	function line(label, key, base, what, note, fmt) {
		printf "  %-16s %6s of %-12s p99 %6s ms  %5s us CPU/req  %s\n", label, sprintf(fmt, 100 * rps[key] / base), what, p99[key], cpu[key], note
	}
	END {
		t = rps["trivial_fastcgi"]
		printf "  %-16s %6s    %-12s p99 %6s ms  %5s us CPU/req\n", "trivial", "", "", p99["trivial_fastcgi"], cpu["trivial_fastcgi"]
		line("list_open_50", "list_open_50", t, "trivial", "(target >= 40%, p99 < 20 ms)", "%.0f%%")
		line("incident_page", "incident_page", t, "trivial", "(target >= 40%, p99 < 20 ms)", "%.0f%%")
		line("search_50", "search_50", t, "trivial", "(target >= 40%, p99 < 20 ms)", "%.0f%%")
		line("alerts_open_50", "alerts_open_50", t, "trivial", "(100,000 alerts; target p99 < 20 ms)", "%.0f%%")
		line("alerts_high_50", "alerts_high_50", t, "trivial", "(filtered; target p99 < 20 ms)", "%.0f%%")
		line("list_computed", "list_open_50_computed", t, "trivial", "(computed, cache skipped)", "%.0f%%")
		line("search_computed", "search_50_computed", t, "trivial", "(computed, cache skipped)", "%.0f%%")
		line("create_json", "create_json", commits, "bare commits", "(target >= 50%)", "%.0f%%")
		line("executive_365", "dashboard_executive", t, "trivial", "(target p99 < 100 ms)", "%.1f%%")
		line("operational", "dashboard_operational", t, "trivial", "", "%.1f%%")
	}' "$DATA/results"
