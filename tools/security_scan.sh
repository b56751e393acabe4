#!/bin/sh
# `make test-security`: Debian's sqlmap against a running instance, on
# the parameters an attacker would try first — the list filters, search
# and sort of incidents, alerts and events, the graph pages, the audit
# filters, an incident's id in its path, and the sign-in form. Bounded:
# SECURITY_SECONDS (240) per target. Not part of `make test` (it takes
# long and probes one instance); prints "ok"/"not ok" lines and the
# usual "N passed, N failed" line.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tools/wait_healthy.sh"
B=$ROOT/build
SECS=${SECURITY_SECONDS:-240}
LEVEL=${SECURITY_LEVEL:-3}
DATA=$(mktemp -d /tmp/secura-security-XXXXXX)
PW="Lavender staircase at noon 2026"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
pids=""
cleanup() {
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null || true
	[ -n "${SECURITY_KEEP:-}" ] && echo "kept $DATA" >&2 && return
	rm -rf "$DATA"
}
trap cleanup EXIT INT TERM
export SECURA_DATA=$DATA SECURA_PORT=$PORT SECURA_RATE_LIMIT=0 SECURA_RATE_ANON=0 \
	SECURA_RATE_INGEST=0 SECURA_LOGIN_MAX_ACCOUNT=1000 SECURA_LOGIN_MAX_ADDRESS=100000
"$B/secura" init >/dev/null
"$B/secura" demo --count 60 --events 2000 >/dev/null
echo "$PW" | "$B/secura" user add --email admin@example.org --role admin --name Admin --password-stdin >/dev/null
ADMIN=$("$B/secura" token create --email admin@example.org --name scan --scope read)
"$ROOT/tools/run.sh" >"$DATA/run.log" 2>&1 &
pids="$pids $!"
wait_healthy "$BASE" "$DATA/run.log"

passed=0 failed=0
# scan NAME SQLMAP-ARGS...: one target; ok when sqlmap finds nothing
# injectable within the time.
scan() {
	name=$1
	shift
	case "$name" in *"${SECURITY_ONLY:-}"*) ;; *) return ;; esac
	out=$DATA/sqlmap-$(echo "$name" | tr -c 'a-z0-9' _)
	timeout "$SECS" sqlmap --batch --level "$LEVEL" --risk 2 --threads 4 --timeout 10 --retries 1 \
		--technique BEUS --output-dir "$out" "$@" >"$out.log" 2>&1
	if grep -qiE 'is vulnerable|appears to be injectable|sqlmap identified the following injection' "$out.log"; then
		echo "not ok - $name: sqlmap found an injection"
		grep -iE 'Parameter:|Type:|Title:' "$out.log" | head -n 10 | sed 's/^/#   /'
		failed=$((failed + 1))
	elif [ "$(grep -c "testing '" "$out.log")" -eq 0 ]; then
		echo "not ok - $name: sqlmap ran no test"
		grep -E 'CRITICAL|ERROR' "$out.log" | head -n 5 | sed 's/^/#   /'
		failed=$((failed + 1))
	else
		echo "ok - $name: nothing injectable ($(grep -c "testing '" "$out.log") tests)"
		passed=$((passed + 1))
	fi
}
AUTH="Authorization: Bearer $ADMIN"
scan "incident list filters, search and sort" -H "$AUTH" \
	-u "$BASE/api/v1/incidents?status=open&category=phishing&severity=high&q=mail&sort=created&page=1&limit=10"
scan "an incident's id in its path" -H "$AUTH" -u "$BASE/api/v1/incidents/1*"
scan "alert list filters" -H "$AUTH" \
	-u "$BASE/api/v1/alerts?status=open&severity=high&host=ws-01&user=alice.king&ip=10.0.1.10&technique=T1021&q=sign&hours=24"
scan "security events filters" -H "$AUTH" \
	-u "$BASE/api/v1/security-events?kind=auth&host=ws-01&user=alice.king&ip=10.0.1.10&outcome=success&q=logon"
scan "attack paths, topology and behaviour" -H "$AUTH" \
	-u "$BASE/api/v1/graph/paths?host=ws-01&user=alice.king&hours=24"
scan "people's behaviour by name" -H "$AUTH" -u "$BASE/api/v1/users/alice.king*/behaviour"
scan "audit filters" -H "$AUTH" -u "$BASE/api/v1/admin/audit?action=user.create&actor=admin&page=1"
scan "the sign-in form" -u "$BASE/login" --data "email=admin%40example.org&password=x&_csrf=t" \
	--csrf-token _csrf --csrf-url "$BASE/login" -p email,password --threads 1 --ignore-code 401
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
