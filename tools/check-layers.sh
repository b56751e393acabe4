#!/bin/sh
# Each layer includes only the layers below it (docs/architecture.md):
#   core < ml < domain < web < programs (cgi-bin/, tools/)
# no module (a .c and its .h) includes, through others, itself (the
# include graph has no circle: tsort finds one), no page handler or
# program runs a statement itself, and none starts a shell. Prints "ok - ..." or
# "not ok - ..." lines, so tests/run.sh can count them; exits 1 on any.
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
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for f in src/*/*.c src/*/*.h cgi-bin/*.c tools/*.c; do
	dir=$(dirname "$f")
	from=$(rank "$f")
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		target=$(realpath -m --relative-to=. "$dir/$inc")
		to=$(rank "$target")
		[ "${f%.[ch]}" != "${target%.[ch]}" ] &&
			echo "${f%.[ch]} ${target%.[ch]}" >>"$edges"
		if [ "$to" -gt "$from" ]; then
			echo "not ok - $f includes $target, a layer above it"
			bad=1
		fi
	done
done
[ $bad -eq 0 ] && echo "ok - no include reaches up a layer"
# SQL runs in the domain: pages and programs call domain functions, never
# a statement (src/core/stmts/) themselves.
stmts=$(grep -n 'STMT_[A-Z]' src/web/*.c cgi-bin/*.c 2>/dev/null)
if [ -n "$stmts" ]; then
	echo "not ok - the page layer or a program runs a statement itself:"
	echo "$stmts" | sed 's/^/#   /'
	bad=1
else
	echo "ok - no page or program runs a statement itself"
fi
# No shell and no other program: nothing user-supplied can reach a
# command line (OWASP ASVS V1.2.5).
shell=$(grep -nE '\b(system|popen|posix_spawnp?|exec[lv]p?e?)[[:space:]]*\(' \
	src/*/*.c cgi-bin/*.c tools/*.c 2>/dev/null)
if [ -n "$shell" ]; then
	echo "not ok - a program starts a shell or another program:"
	echo "$shell" | sed 's/^/#   /'
	bad=1
else
	echo "ok - no program starts a shell or another program"
fi
if loop=$(tsort "$edges" 2>&1 >/dev/null) && [ -z "$loop" ]; then
	echo "ok - no circle among the modules' includes"
else
	echo "not ok - the includes make a circle:"
	echo "$loop" | sed 's/^/#   /'
	bad=1
fi
exit $bad
