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
# Prints requests/s, p99 and the ratio to its baseline.
# BENCH_COUNT (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (32).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
COUNT=${BENCH_COUNT:-100000}
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-32}
DATA=$(mktemp -d /tmp/secura-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SECURA_DATA=$DATA SECURA_PORT=$PORT SECURA_LOGIN_MAX_ADDRESS=100000
export SECURA_MODELS=${SECURA_MODELS:-$ROOT/data/models}
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
pids="$pids $!"
SECURA_NGINX_EXTRA=$DATA/bench-nginx.conf "$ROOT/tools/run.sh" >"$DATA/run.log" 2>&1 &
pids="$pids $!"
i=0
until curl -sf "$BASE/health" >/dev/null; do
	i=$((i + 1))
	[ $i -gt 200 ] && { cat "$DATA/run.log"; exit 1; }
	sleep 0.1
done

# signin EMAIL: signs in like a browser does and prints the session.
signin() {
	jar=$DATA/cookies-$1
	csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
		--data-urlencode "email=$1" --data-urlencode "password=$PW" "$BASE/login"
	awk '$6 == "secura_session" { print $7 }' "$jar"
}
SESSION=$(signin bench@example.org)
BOSS=$(signin boss@example.org)
[ -n "$SESSION" ] && [ -n "$BOSS" ] || { echo "bench: could not sign in"; exit 1; }

# run NAME PATH [wrk args...]: prints "NAME rps p99ms" into $DATA/results.
run() {
	name=$1 path=$2
	shift 2
	out=$(wrk -t 2 -c "${RUN_CONNS:-$CONNS}" -d "${SECS}s" --latency "$@" "$BASE$path")
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 } print v }')
	non2xx=$(echo "$out" | awk '/Non-2xx/ { print $4 }')
	echo "$name $rps $p99 ${non2xx:-0}" >>"$DATA/results"
	printf '  %-28s %10s req/s   p99 %8s ms   non-2xx %s\n' "$name" "$rps" "$p99" "${non2xx:-0}"
}

echo "== reads, $CONNS connections, ${SECS}s each"
COOKIE="Cookie: secura_session=$SESSION"
run trivial_fastcgi /__bench/trivial
run list_open_50 "/incidents?status=open&limit=50" -H "$COOKIE"
run incident_page "/incidents/1" -H "$COOKIE" -s "$ROOT/tests/load/detail.lua"
run search_50 "/incidents?q=password&limit=50" -H "$COOKIE"
# The same two with the shared page cache skipped (a forced reload), i.e.
# every request computed as after a change.
NOCACHE="Cache-Control: no-cache"
run list_open_50_computed "/incidents?status=open&limit=50" -H "$COOKIE" -H "$NOCACHE"
run search_50_computed "/incidents?q=password&limit=50" -H "$COOKIE" -H "$NOCACHE"
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
FROM=$(sqlite3 "$DATA/secura.db" "SELECT date(created_at, 'unixepoch') FROM incidents WHERE personal_data = 1 ORDER BY created_at DESC LIMIT 1 OFFSET 9999")
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
	{ rps[$1] = $2; p99[$1] = $3 }
	END {
		t = rps["trivial_fastcgi"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "list_open_50", sprintf("%.0f%%", 100 * rps["list_open_50"] / t), p99["list_open_50"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "incident_page", sprintf("%.0f%%", 100 * rps["incident_page"] / t), p99["incident_page"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "search_50", sprintf("%.0f%%", 100 * rps["search_50"] / t), p99["search_50"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (computed, cache skipped)\n", "list_computed", sprintf("%.0f%%", 100 * rps["list_open_50_computed"] / t), p99["list_open_50_computed"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (computed, cache skipped)\n", "search_computed", sprintf("%.0f%%", 100 * rps["search_50_computed"] / t), p99["search_50_computed"]
		printf "  %-16s %6s of bare commits  p99 %6s ms  (target >= 50%%)\n", "create_json", sprintf("%.0f%%", 100 * rps["create_json"] / commits), p99["create_json"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target p99 < 100 ms)\n", "executive_365", sprintf("%.1f%%", 100 * rps["dashboard_executive"] / t), p99["dashboard_executive"]
		printf "  %-16s %6s of trivial  p99 %6s ms\n", "operational", sprintf("%.1f%%", 100 * rps["dashboard_operational"] / t), p99["dashboard_operational"]
	}' "$DATA/results"
