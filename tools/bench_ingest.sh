#!/bin/sh
# `make bench-ingest`: the event intake measured against baselines taken
# in the same run (figures for docs/performance.md and the README).
#
# - events/s accepted, scored and committed through nginx: wrk posting
#   batches of 1,000 events (http-access, then network-flow) at 8
#   connections to the native door, beside (a) a bare loop that parses the
#   same NDJSON with jansson and inserts the same rows into the same
#   schema in 1,000-row transactions (tests/load/bare_ingest.c);
# - the same with the models taken away (SECURA_MODELS empty): what
#   scoring adds to an event's cost; and scoring alone, a core
#   (`secura ml anomaly eval` rows/s);
# - scored with the detection rules taken away (SECURA_RULES empty) and
#   with every shipped rule enabled: what the rules cost (target <= 20%);
# - sign-ins and flows with the graphs kept (edges upserted in the
#   intake's transaction) and without (SECURA_GRAPHS=0): what the graphs
#   cost (target: keep >= 80% of the rate); the attack-paths page p99 for
#   a host with 10,000 sign-in edges (target < 200 ms);
# - the analyst's incident list p99 while ingest runs, beside its p99 idle;
# - the ingest program's peak resident memory.
# BENCH_SECONDS (10), BENCH_INCIDENTS (10000).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/wait_healthy.sh"
B=$ROOT/build
SECS=${BENCH_SECONDS:-10}
DATA=$(mktemp -d /tmp/secura-bench-ingest-XXXXXX)
PW="Lavender staircase at noon 2026"
pids=""
cleanup() {
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null || true
	rm -rf "$DATA"
}
trap cleanup EXIT INT TERM

# The batches: 1,000 events of each kind without event.id (so every post
# stores them all), from the traffic generator's office.
for k in http-access network-flow auth; do
	"$B/secura" traffic --out "$DATA/$k.gen" --kind "$k" --scenario mix --count 1000 --days 1 --seed 3 >/dev/null
	sed 's/"id":"gen-[^"]*",//' "$DATA/$k.gen" >"$DATA/$k.ndjson"
done

# start NAME MODELS [RULES]: starts an instance on a new data directory
# with the models in MODELS and the rules in RULES (default: none); sets BASE, INGEST (its pid), SOURCE_<kind> tokens, SESSION.
start() {
	dir=$DATA/instance-$1
	mkdir -p "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	export SECURA_DATA=$dir SECURA_PORT=$port SECURA_MODELS=$2 SECURA_RULES=${3:-$DATA/no-rules} SECURA_LOGIN_MAX_ADDRESS=100000
	export SECURA_GRAPHS=${GRAPHS:-1} SECURA_RATE_LIMIT=0 SECURA_RATE_ANON=0 SECURA_RATE_INGEST=0
	BASE=http://127.0.0.1:$port
	"$B/secura" init >/dev/null
	"$B/secura" demo --count "${BENCH_INCIDENTS:-10000}" >/dev/null
	echo "$PW" | "$B/secura" user add --email admin@example.org --role admin --name Admin --password-stdin >/dev/null
	echo "$PW" | "$B/secura" user add --email bench@example.org --role analyst --name Bench --password-stdin >/dev/null
	admin=$("$B/secura" token create --email admin@example.org --name bench --scope write)
	"$ROOT/tools/run.sh" >"$dir/run.log" 2>&1 &
	pids="$pids $!"
	wait_healthy "$BASE" "$dir/run.log"
	for k in http-access network-flow auth; do
		tok=$(curl -s -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
			-d "{\"name\":\"bench $k\",\"kind\":\"$k\"}" "$BASE/api/v1/admin/sources" |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
		eval "SOURCE_$(echo "$k" | tr - _)=\$tok"
	done
	INGEST=$(pgrep -f "$dir/run/ingest.sock" | head -n 1)
	jar=$dir/cookies
	csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
		--data-urlencode "email=bench@example.org" --data-urlencode "password=$PW" "$BASE/login"
	SESSION=$(awk '$6 == "secura_session" { print $7 }' "$jar")
}

# stop_instance: stops the instance start began.
stop_instance() {
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	wait 2>/dev/null || true
	pids=""
}

# ingest KIND: events/s through the native door, 8 connections.
ingest() {
	tok=$(eval "echo \$SOURCE_$(echo "$1" | tr - _)")
	out=$(BATCH_FILE=$DATA/$1.ndjson SOURCE_TOKEN=$tok wrk -t 2 -c 8 -d "${SECS}s" --timeout 30s \
		-s "$ROOT/tests/load/ingest.lua" "$BASE/api/v1/ingest")
	echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 * 1000 }'
	bad=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	[ -z "$bad" ] || echo " (non-2xx: $bad)" >&2
}

# p99 PATH [CONNECTIONS]: a page's p99 in ms over 4 connections (or the
# number given).
p99() {
	wrk -t 1 -c "${2:-4}" -d "${SECS}s" --latency -H "Cookie: secura_session=$SESSION" -H "Cache-Control: no-cache" "$BASE$1" |
		awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 } print v }'
}

echo "== bare loop: parse with jansson, insert the same rows, 1,000-row transactions (${SECS}s each)"
BARE_HTTP=$("$B/bench/bare_ingest" "$DATA/bare-http.db" "$DATA/http-access.ndjson" "$SECS" | awk '{ print $2 }')
BARE_FLOW=$("$B/bench/bare_ingest" "$DATA/bare-flow.db" "$DATA/network-flow.ndjson" "$SECS" | awk '{ print $2 }')
printf '  %-30s %8s events/s\n' "bare http-access" "$BARE_HTTP" "bare network-flow" "$BARE_FLOW"

echo "== scoring alone, one core (secura ml anomaly eval)"
for k in http-access network-flow; do
	r=$("$B/secura" ml anomaly eval --model "$ROOT/data/models/$k.anomaly" --data "$DATA/$k.gen" | awk '/^scoring/ { print $2 }')
	printf '  %-30s %8s events/s\n' "$k" "$r"
done

echo "== through nginx, batches of 1,000, 8 connections, models taken away"
mkdir -p "$DATA/no-models" "$DATA/no-rules"
start plain "$DATA/no-models"
PLAIN_HTTP=$(ingest http-access)
PLAIN_FLOW=$(ingest network-flow)
printf '  %-30s %8s events/s\n' "unscored http-access" "$PLAIN_HTTP" "unscored network-flow" "$PLAIN_FLOW"
stop_instance

echo "== through nginx, batches of 1,000, 8 connections, scored, no rules"
start norules "$ROOT/data/models"
NORULE_HTTP=$(ingest http-access)
NORULE_FLOW=$(ingest network-flow)
printf '  %-30s %8s events/s\n' "http-access" "$NORULE_HTTP" "network-flow" "$NORULE_FLOW"
stop_instance

echo "== through nginx, batches of 1,000, 8 connections, scored, every shipped rule"
start scored "$ROOT/data/models" "$ROOT/data/rules"
IDLE=$(p99 "/incidents?status=open&limit=50")
HTTP=$(ingest http-access)
FLOW=$(ingest network-flow)
printf '  %-30s %8s events/s\n' "http-access" "$HTTP" "network-flow" "$FLOW"
BATCH_FILE=$DATA/network-flow.ndjson SOURCE_TOKEN=$SOURCE_network_flow wrk -t 1 -c 8 -d "$((SECS + 2))s" --timeout 30s \
	-s "$ROOT/tests/load/ingest.lua" "$BASE/api/v1/ingest" >/dev/null &
LOADER=$!
sleep 1
BUSY=$(p99 "/incidents?status=open&limit=50")
wait $LOADER || true
RSS=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$INGEST/status")
STORED=$(sqlite3 "$SECURA_DATA/events.db" "SELECT count(*) FROM events")
printf '  %-30s %8s ms idle, %s ms while events pour in\n' "incident list p99" "$IDLE" "$BUSY"
printf '  %-30s %8s MB peak resident (%s events stored)\n' "ingest program" "$RSS" "$STORED"

stop_instance

echo "== sign-ins and flows on a new instance, scored, every shipped rule, graphs kept"
start graphs "$ROOT/data/models" "$ROOT/data/rules"
AUTH=$(ingest auth)
GRAPH_FLOW=$(ingest network-flow)
printf '  %-30s %8s events/s\n' "auth" "$AUTH" "network-flow" "$GRAPH_FLOW"
# a host with 10,000 sign-in edges: one account each from 10,000 addresses
python3 -c 'import json, sys, time
now = int(time.time() * 1000)
for i in range(10000):
    print(json.dumps({"@timestamp": now - i * 1000, "event": {"outcome": "success"},
                      "user": {"name": "u%d" % (i % 500)}, "host": {"name": "HUB01"},
                      "source": {"ip": "10.%d.%d.%d" % (i // 62500, i // 250 % 250, i % 250 + 1)}}))' >"$DATA/hub.ndjson"
split -l 5000 "$DATA/hub.ndjson" "$DATA/hub-"
for f in "$DATA"/hub-*; do
	curl -sf -o /dev/null -H "Authorization: Bearer $SOURCE_auth" -H 'Content-Type: application/x-ndjson' \
		--data-binary "@$f" "$BASE/api/v1/ingest"
done
HUB_EDGES=$(sqlite3 "$SECURA_DATA/events.db" "SELECT count(*) FROM auth_edges WHERE dst = 'hub01'")
PATHS=$(p99 "/graph/paths?host=hub01" 1)
PATHS4=$(p99 "/graph/paths?host=hub01")
printf '  %-30s %8s ms p99 one at a time, %s ms at 4 connections (%s edges to the host)\n' "attack paths page" "$PATHS" "$PATHS4" "$HUB_EDGES"
stop_instance


echo "== the same, graphs not kept (SECURA_GRAPHS=0)"
GRAPHS=0
start nographs "$ROOT/data/models" "$ROOT/data/rules"
NOGRAPH_AUTH=$(ingest auth)
NOGRAPH_FLOW=$(ingest network-flow)
printf '  %-30s %8s events/s\n' "auth" "$NOGRAPH_AUTH" "network-flow" "$NOGRAPH_FLOW"
stop_instance

echo "== against the baselines and targets"
awk -v h="$HTTP" -v f="$FLOW" -v bh="$BARE_HTTP" -v bf="$BARE_FLOW" -v ph="$PLAIN_HTTP" -v pf="$PLAIN_FLOW" \
	-v idle="$IDLE" -v busy="$BUSY" -v rss="$RSS" -v nh="$NORULE_HTTP" -v nf="$NORULE_FLOW" \
	-v a="$AUTH" -v gf="$GRAPH_FLOW" -v na="$NOGRAPH_AUTH" -v ngf="$NOGRAPH_FLOW" -v paths="$PATHS" -v paths4="$PATHS4" 'BEGIN {
	printf "  http-access     %5.1f%% of the bare loop (target >= 50%%), %d events/s (target >= 50,000)\n", 100 * h / bh, h
	printf "  network-flow    %5.1f%% of the bare loop (target >= 50%%), %d events/s (target >= 50,000)\n", 100 * f / bf, f
	printf "  scoring adds    %5.1f%% (http-access), %.1f%% (network-flow) to an event (target <= 10%%)\n", 100 * (ph / nh - 1), 100 * (pf / nf - 1)
	printf "  rules cost      %5.1f%% (http-access), %.1f%% (network-flow) of the rate (target <= 20%%)\n", 100 * (1 - h / nh), 100 * (1 - f / nf)
	printf "  graphs keep     %5.1f%% (auth), %.1f%% (network-flow) of the rate without them (target >= 80%%)\n", 100 * a / na, 100 * gf / ngf
	printf "  attack paths    p99 %s ms for a host with 10,000 edges, one at a time (target < 200 ms); %s ms at 4 connections\n", paths, paths4
	printf "  incident list   p99 %.2fx idle under ingest (target <= 2x)\n", busy / idle
	printf "  ingest program  %s MB resident (target < 64 MB)\n", rss
}'
