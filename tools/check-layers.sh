#!/bin/sh
# Each layer includes only the layers below it (docs/architecture.md):
#   core < ml < domain < web < programs (cgi-bin/, tools/)
# Prints "ok - ..." or one "not ok - ..." line per upward include, so
# tests/run.sh can count it; exits 1 when any include reaches up.
cd "$(dirname "$0")/.." || exit 2
rank() {
	case $1 in
	src/core/*) echo 1 ;;
	src/ml/*) echo 2 ;;
	src/domain/*) echo 3 ;;
	src/web/*) echo 4 ;;
	cgi-bin/* | tools/*) echo 5 ;;
	*) echo 0 ;;
	esac
}
bad=0
for f in src/*/*.c src/*/*.h cgi-bin/*.c tools/*.c; do
	dir=$(dirname "$f")
	from=$(rank "$f")
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		target=$(realpath -m --relative-to=. "$dir/$inc")
		to=$(rank "$target")
		if [ "$to" -gt "$from" ]; then
			echo "not ok - $f includes $target, a layer above it"
			bad=1
		fi
	done
done
[ $bad -eq 0 ] && echo "ok - no include reaches up a layer"
exit $bad
