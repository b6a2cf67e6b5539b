# lib.sh - the start every e2e script shares, sourced after `set -u` from
# the top of the tree (tests/run.sh runs them there, with BUILD set):
#   C, A     the build's capture and analyze
#   T        a scratch directory, removed on exit and on INT/TERM; the
#            processes listed in PIDS are killed first (a script that needs
#            more cleaning redefines cleanup(), which the trap calls)
#   no MSG   one "NAME: FAIL: MSG" line; the script goes on and exits $fail
#   gencap   the synthetic capture generator (bench/gencap.c), built into
#            $T on first use: gencap OUT --scenario S --seconds N ...
C=$BUILD/capture
A=$BUILD/analyze
T=$(mktemp -d)
PIDS=""
fail=0
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
no() { echo "$(basename "$0" .sh): FAIL: $*"; fail=1; }
gencap() {
	[ -x "$T/gencap" ] || ${CC:-cc} -std=c11 -O1 -D_GNU_SOURCE -Iformat bench/gencap.c format/writer.c -lzstd -lm \
		-o "$T/gencap" || { no "cannot build gencap"; exit 1; }
	"$T/gencap" "$@"
}
