#!/bin/sh
# Installs the Debian packages Secura needs to build, run and test.
# Idempotent: does nothing when every package is already present.
# Usage: tools/install-deps.sh [--test|--bench|--eval|--security]  (test,
# benchmark, evaluation or security-scan tools)
set -eu

PKGS="build-essential pkg-config libfcgi-dev libsqlite3-dev libjansson-dev
libscrypt-dev libcmark-dev libhpdf-dev liblinear-dev libcurl4-openssl-dev
libxlsxwriter-dev zlib1g-dev libyaml-dev libgraphviz-dev libfontconfig-dev libgeoip-dev geoip-database
liboath-dev libqrencode-dev libtesseract-dev tesseract-ocr-eng
nginx-light sqlite3 curl fonts-dejavu-core"
TEST_PKGS="chromium nodejs npm python3 python3-aiosmtpd qpdf poppler-utils"
BENCH_PKGS="wrk poppler-utils"
SECURITY_PKGS="sqlmap"
EVAL_PKGS="python3-sklearn python3-pil"

case "${1:-}" in
--test) PKGS="$PKGS $TEST_PKGS" ;;
--bench) PKGS="$PKGS $BENCH_PKGS" ;;
--security) PKGS="$PKGS $SECURITY_PKGS" ;;
--eval) PKGS="$PKGS $EVAL_PKGS" ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# node/npm may come from elsewhere than Debian; accept them if on PATH.
case "$missing" in *nodejs*|*npm*)
	if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
	fi ;;
esac
case " $missing " in *" python3 "*)
	command -v python3 >/dev/null 2>&1 && missing=$(echo "$missing " | sed 's/ python3 / /') ;;
esac

[ -z "$(echo "$missing" | tr -d ' ')" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: missing packages:$missing" >&2
		echo "install-deps: run as root or install sudo" >&2
		exit 1
	fi
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
