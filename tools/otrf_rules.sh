#!/bin/sh
# Runs the community Windows rules (the test fixtures) over each OTRF
# lateral-movement recording in ../shared/datasets/otrf_lateral_movement
# and prints which rules fire on which recording (the README's table).
# Usage: tools/otrf_rules.sh [SECURA_BIN]
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/secura}
dir=../shared/datasets/otrf_lateral_movement/original
if [ ! -d "$dir" ]; then
	echo "no $dir: the OTRF recordings are not beside this clone" >&2
	exit 0
fi
for z in "$dir"/*.zip; do
	name=$(basename "$z" .zip)
	python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    sys.stdout.write(z.read(n).decode("utf-8", "replace"))' "$z" |
		"$bin" rules scan tests/fixtures/sigma/win_*.yml -- - |
		awk -v n="$name" -F '\t' 'NR == 1 { ev = $1; next }
			{ fired = fired (fired ? "; " : "") $3 " (" $1 ")" }
			END { print n "\t" ev "\t" (fired ? fired : "-") }'
done
