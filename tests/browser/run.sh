#!/bin/sh
# Installs playwright-core (pinned by package-lock.json) if needed and runs
# the browser tests in Debian's headless Chromium.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
exec node browser.test.mjs
