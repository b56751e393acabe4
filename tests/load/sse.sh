#!/bin/sh
# The live-notification load test (not part of `make test`; run with
# `make load`): N concurrent SSE clients (default 10,000) on this machine,
# one broadcast notification to all of them, delivery percentiles, and the
# incident list's p99 idle and while the streams are held (wrk).
# Usage: tests/load/sse.sh [CLIENTS]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
ANALYSTS=50
cd "$ROOT"
make -s all
cc -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o build/sse_load tests/load/sse_load.c
command -v wrk >/dev/null || { echo "load: wrk missing (tools/install-deps.sh --bench)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/secura-load.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SECURA_DATA="$DIR" SECURA_PORT="$PORT" SECURA_NO_WORKER=1
export SECURA_RATE_LIMIT=0 SECURA_RATE_ANON=0
tools/run.sh >"$DIR/run.log" 2>&1 &
RUN=$!
trap 'kill $RUN 2>/dev/null; wait $RUN 2>/dev/null; rm -rf "$DIR"' EXIT INT TERM
i=0
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$DIR/run.log"; exit 1; }
	sleep 0.1
done

echo "load: $ANALYSTS analysts, $N streams, 200 incidents in the list"
: >"$DIR/tokens"
for a in $(seq 1 $ANALYSTS); do
	echo "load test password 1234" | build/secura user add --email "a$a@load.example" --role analyst --password-stdin >/dev/null
	build/secura token create --email "a$a@load.example" --name load --scope read | grep -o 'sec_[A-Za-z0-9_-]*' >>"$DIR/tokens"
done
echo "load test password 1234" | build/secura user add --email emp@load.example --role employee --password-stdin >/dev/null
EMP=$(build/secura token create --email emp@load.example --name load --scope write | grep -o 'sec_[A-Za-z0-9_-]*')
for i in $(seq 1 200); do
	curl -s -o /dev/null -H "Authorization: Bearer $EMP" -H 'Content-Type: application/json' \
		-d "{\"title\":\"Seed incident $i\",\"description\":\"load\",\"category\":\"phishing\"}" \
		"http://127.0.0.1:$PORT/api/v1/incidents"
done
ANA=$(head -1 "$DIR/tokens")
list() {
	wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $ANA" \
		"http://127.0.0.1:$PORT/api/v1/incidents?status=open" | awk '/ 99%/ {print $2} /Requests\/sec/ {print $2}' | paste -sd' '
}
IDLE=$(list)
echo "incident list idle: p99 $(echo "$IDLE" | cut -d' ' -f1), $(echo "$IDLE" | cut -d' ' -f2) req/s"
build/sse_load "$PORT" "$N" "$DIR/tokens" "$EMP" 15 >"$DIR/sse.out" 2>&1 &
SSE=$!
until grep -q "clients:" "$DIR/sse.out" 2>/dev/null; do sleep 0.2; done
cat "$DIR/sse.out"
LOADED=$(list)
echo "incident list with the streams held: p99 $(echo "$LOADED" | cut -d' ' -f1), $(echo "$LOADED" | cut -d' ' -f2) req/s"
rc=0
wait $SSE || rc=$?
tail -n +2 "$DIR/sse.out"
echo "events process: $(grep VmRSS /proc/$(pgrep -f "build/events --socket $DIR" | head -1)/status 2>/dev/null | awk '{print $2/1024 " MiB resident"}')"
exit $rc
