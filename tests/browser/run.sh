#!/bin/sh
# Installs playwright-core (pinned by package-lock.json) if needed and runs
# the browser tests in Debian's headless Chromium.
set -eu
cd "$(dirname "$0")"
# (Re)install when the lock file is newer than what npm last installed.
if [ ! -f node_modules/.package-lock.json ] ||
	[ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
exec node browser.test.mjs
