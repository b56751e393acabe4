#!/bin/sh
# Runs Secura in the foreground: creates or migrates the database, makes
# sure an admin exists (printing a new one's password once), starts the
# FastCGI programs and nginx on 127.0.0.1:$SECURA_PORT, and stops them all
# on Ctrl-C (or SIGTERM). Used by `make run` and by the end-to-end tests.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${SECURA_PORT:-8080}
if [ "$(id -u)" = 0 ]; then
	echo "secura: running as root, which is for development only: in production" \
		"each program runs as the user secura under systemd (make install," \
		"docs/operations.md)" >&2
fi
DATA=${SECURA_DATA:-$ROOT/var}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
export SECURA_DATA="$DATA"
export SECURA_TEMPLATES="${SECURA_TEMPLATES:-$ROOT/templates}"
export SECURA_MODELS="${SECURA_MODELS:-$ROOT/data/models}"
export SECURA_RULES="${SECURA_RULES:-$ROOT/data/rules}"
export SECURA_HELP="${SECURA_HELP:-$ROOT/data/help}"
export SECURA_ATTACK="${SECURA_ATTACK:-$ROOT/data/attack/techniques.tsv}"
export SECURA_WORLD_MAP="${SECURA_WORLD_MAP:-$ROOT/data/world/countries.tsv}"
# SECURA_BIN: where the programs are (the end-to-end suite runs the
# sanitized ones in build/san/bin).
BIN=${SECURA_BIN:-$ROOT/build}

mkdir -p "$DATA/run" "$DATA/log" "$DATA/nginx"
"$BIN/secura" init

if [ "$(id -u)" -eq 0 ]; then
	USER_DIRECTIVE="user root root;"
else
	USER_DIRECTIVE=""
fi
# SECURA_NGINX_EXTRA: a file of extra server-block directives (the
# benchmark adds its baseline endpoint this way).
EXTRA=${SECURA_NGINX_EXTRA:-/dev/null}
sed -e "s|@PORT@|$PORT|g" -e "s|@DATA@|$DATA|g" -e "s|@ROOT@|$ROOT|g" \
	-e "s|@USER_DIRECTIVE@|$USER_DIRECTIVE|g" -e "/@EXTRA@/r $EXTRA" \
	"$ROOT/nginx/secura.conf.in" >"$DATA/nginx.conf"

pids=""
stop() {
	trap - INT TERM EXIT
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	echo "Secura stopped."
}
# Ctrl-C or SIGTERM is the normal way to stop: exit 0 then. A failure
# while starting still exits non-zero (the EXIT trap only cleans up).
trap 'stop; exit 0' INT TERM
trap stop EXIT

# The FastCGI programs: pages and API, the (CPU-heavy) reports and the
# live notification streams.
# The intake runs below the others in the CPU's queue (nice 10), so a
# flood of events never slows an employee's form.
for prog in app reports events ingest; do
	nice=0
	[ "$prog" = ingest ] && nice=10
	nice -n "$nice" "$BIN/$prog" --socket "$DATA/run/$prog.sock" &
	pids="$pids $!"
done
# The delivery worker and scheduler (SECURA_NO_WORKER=1: tests drive it).
if [ "${SECURA_NO_WORKER:-0}" != 1 ]; then
	"$BIN/worker" &
	pids="$pids $!"
fi
for prog in app reports events ingest; do
	i=0
	while [ ! -S "$DATA/run/$prog.sock" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "run: $prog did not start; see the messages above" >&2
			exit 1
		fi
		sleep 0.05
	done
done

nginx -p "$DATA/nginx" -c "$DATA/nginx.conf" -e "$DATA/log/nginx-error.log" -g "daemon off;" &
pids="$pids $!"
# Secura watches its own web traffic: nginx's access log becomes the
# http-access events of the source "secura-nginx" (SECURA_WATCH_LOG=0:
# not).
if [ "${SECURA_WATCH_LOG:-1}" != 0 ]; then
	"$BIN/secura" watch-log "$DATA/log/access.log" --source secura-nginx &
	pids="$pids $!"
fi

echo "Secura is running at http://127.0.0.1:$PORT/ (data in $DATA). Ctrl-C stops it."
wait
