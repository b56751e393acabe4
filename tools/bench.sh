#!/bin/sh
# `make bench`: measures Secura against baselines taken in the same run.
#
# Reads (32 connections, wrk) against a database of 100,000 incidents made
# by `secura demo`: the analyst's incident list (open incidents, 50 rows,
# HTML), an incident page (random ids), and a search; baseline: a trivial
# FastCGI endpoint behind the same nginx. Write: creating an incident over
# JSON; baseline: a bare loop of one-row SQLite commits with the same
# pragmas. Prints requests/s, p99 and the ratio to its baseline.
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

# Sign in as the analyst like a browser does, for the HTML pages.
JAR=$DATA/cookies
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" \
	--data-urlencode "email=bench@example.org" --data-urlencode "password=$PW" "$BASE/login"
SESSION=$(awk '$6 == "secura_session" { print $7 }' "$JAR")
[ -n "$SESSION" ] || { echo "bench: could not sign in"; exit 1; }

# run NAME PATH [wrk args...]: prints "NAME rps p99ms" into $DATA/results.
run() {
	name=$1 path=$2
	shift 2
	out=$(wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency "$@" "$BASE$path")
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
echo "== writes"
run create_json /api/v1/incidents -H "Authorization: Bearer $TOKEN" -s "$ROOT/tests/load/create.lua"
COMMITS=$("$B/bench/commits" "$DATA/commits.db" "$SECS" | awk '{ print $2 }')
printf '  %-28s %10s commits/s\n' "bare_sqlite_commit" "$COMMITS"

echo "== against the baselines"
awk -v commits="$COMMITS" '
	{ rps[$1] = $2; p99[$1] = $3 }
	END {
		t = rps["trivial_fastcgi"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "list_open_50", sprintf("%.0f%%", 100 * rps["list_open_50"] / t), p99["list_open_50"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "incident_page", sprintf("%.0f%%", 100 * rps["incident_page"] / t), p99["incident_page"]
		printf "  %-16s %6s of trivial  p99 %6s ms  (target >= 40%%, p99 < 20 ms)\n", "search_50", sprintf("%.0f%%", 100 * rps["search_50"] / t), p99["search_50"]
		printf "  %-16s %6s of bare commits  p99 %6s ms  (target >= 50%%)\n", "create_json", sprintf("%.0f%%", 100 * rps["create_json"] / commits), p99["create_json"]
	}' "$DATA/results"
