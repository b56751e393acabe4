#!/bin/sh
# The install suite: `make install` into a temporary PREFIX lays out the
# programs, templates, static files and data, fills the units' and site's
# paths, and systemd-analyze verifies every unit against that tree.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/secura-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/opt/secura
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; }
if make --no-print-directory install PREFIX="$prefix" >"$tmp/log" 2>&1; then
	ok "make install PREFIX=... succeeds"
else
	bad "make install PREFIX=... succeeds"
	sed 's/^/#   /' "$tmp/log" | tail -n 20
	exit 1
fi
missing=""
for f in bin/app bin/reports bin/events bin/ingest bin/worker bin/secura \
	templates/layout.html static/secura.css static/openapi.json \
	data/models data/rules data/attack/techniques.tsv data/world/countries.tsv \
	share/nginx/secura.conf share/logrotate/secura share/systemd/secura-app.service; do
	[ -e "$prefix/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "the tree holds the programs, templates, static files and data" ||
	bad "the tree holds the programs, templates, static files and data (missing:$missing)"
if grep -rl '@PREFIX@' "$prefix/share" >/dev/null; then
	bad "the units and the site name the installed paths"
else
	ok "the units and the site name the installed paths"
fi
if grep -q "^ExecStart=$prefix/bin/app " "$prefix/share/systemd/secura-app.service" &&
	grep -q "alias $prefix/static/;" "$prefix/share/nginx/secura.conf"; then
	ok "ExecStart and the static alias point into PREFIX"
else
	bad "ExecStart and the static alias point into PREFIX"
fi
for u in "$prefix"/share/systemd/*.service; do
	n=${u##*/}
	if ! grep -q '^NoNewPrivileges=yes' "$u" || ! grep -q '^ProtectSystem=strict' "$u" ||
		! grep -q '^PrivateTmp=yes' "$u" || ! grep -q '^User=secura' "$u"; then
		bad "$n runs as secura with NoNewPrivileges, ProtectSystem=strict and PrivateTmp"
	else
		ok "$n runs as secura with NoNewPrivileges, ProtectSystem=strict and PrivateTmp"
	fi
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		echo "ok - $n verified # SKIP no systemd-analyze on this machine"
	elif out=$(systemd-analyze verify "$u" 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify $n"
	else
		bad "systemd-analyze verify $n"
		echo "$out" | sed 's/^/#   /'
	fi
done
if "$prefix/bin/secura" 2>&1 | grep -q 'usage: secura'; then
	ok "the installed secura runs"
else
	bad "the installed secura runs"
fi
