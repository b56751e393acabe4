#!/bin/sh
# Runs every suite, prints each one's failures and a summary, and ends
# with the line "N passed, N failed, N skipped". Each suite prints
# "ok - ..." / "not ok - ..." lines; a suite that exits non-zero without
# a failing line (a crash) counts as one failure. Logs: build/test-logs/.
set -u
cd "$(dirname "$0")/.."
LOGS=build/test-logs
mkdir -p "$LOGS" tests/artifacts
SPEC=tests/spec/mustache
passed=0 failed=0 skipped=0

suite() {
	name=$1
	shift
	start=$(date +%s)
	"$@" >"$LOGS/$name.log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$LOGS/$name.log")
	s=$(grep -c '^ok .*# SKIP' "$LOGS/$name.log")
	f=$(grep -c '^not ok ' "$LOGS/$name.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc:"
		tail -n 20 "$LOGS/$name.log" | sed 's/^/#   /'
	fi
	grep -A 15 '^not ok ' "$LOGS/$name.log" | grep -E '^(not ok|#)' | head -n 60
	p=$((p - s))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-14s %4d passed, %d failed, %d skipped (%ds)\n' "$name" "$p" "$f" "$s" $(($(date +%s) - start))
}

suite layers tools/check-layers.sh
suite install tests/install.sh
for t in build/tests/test_*; do
	suite "unit-${t##*/test_}" "$t"
done
suite spec build/tests/spec_test --skip tests/spec/skip.txt \
	"$SPEC/comments.json" "$SPEC/delimiters.json" "$SPEC/interpolation.json" \
	"$SPEC/inverted.json" "$SPEC/partials.json" "$SPEC/sections.json" \
	"$SPEC/~inheritance.json"
# The end-to-end suite drives the ASan/UBSan build of every program.
suite e2e env SECURA_BIN=build/san/bin \
	ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1 python3 tests/e2e/run.py
suite browser tests/browser/run.sh

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
