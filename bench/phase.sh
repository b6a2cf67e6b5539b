#!/bin/sh
# phase.sh BUILD_DIR - sampling without phase bias, at the scale of the
# fault report: a task runnable in the first 300 ms of every second of
# CLOCK_MONOTONIC (true R share 0.30) is sampled by two captures at -i 1,
# started 150 ms and 650 ms past a second, side by side.  Prints the share
# of samples each saw it R (a fixed-phase sampler sees 1.00 and 0.00).
# Environment: N (samples per capture, default 60).
set -eu
B=${1:?usage: bench/phase.sh BUILD_DIR}
N=${N:-60}
S=$(mktemp -d /tmp/capture-phase.XXXXXX)
wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null || true
	rm -rf "$S"
}
trap cleanup EXIT INT TERM
CC=${CC:-cc}
$CC -O2 -o "$S/phase" bench/phase.c
$CC -O2 -D_GNU_SOURCE -Iformat -o "$S/capdump" tests/capdump.c format/reader.c format/inflate.c format/tidmap.c format/names.c -lzstd -pthread
"$S/phase" 1000 300 > "$S/pid" &
wpid=$!
sleep 0.5
# wait for a given offset past a CLOCK_MONOTONIC second (/proc/uptime is
# the same clock plus suspend time: close enough for 150 ms vs 650 ms)
at() {
	while :; do
		ms=$(awk '{ split($1, a, "."); print a[2] * 10 }' /proc/uptime)
		[ "$ms" -ge "$1" ] && [ "$ms" -lt $(($1 + 30)) ] && return
		sleep 0.01
	done
}
at 150; "$B/capture" -o "$S/a.cap" -n "$N" -i 1 --sysrq off 2>/dev/null &
ca=$!
at 650; "$B/capture" -o "$S/b.cap" -n "$N" -i 1 --sysrq off 2>/dev/null &
cb=$!
wait "$ca" "$cb"
for f in a b; do
	"$S/capdump" "$S/$f.cap" | awk -v tid="$wpid" -v name="$f" '
		/^task / { if ($2 == "tid=" tid) { for (i = 1; i <= NF; i++) if ($i ~ /^state=/) st = substr($i, 7) } }
		/^sample_end/ { if (st != "") { all++; if (st == 82) r++ } }
		END { printf "capture %s (started %s ms past a second): R in %d of %d samples = %.2f [0.15-0.45; true 0.30]\n",
			name, name == "a" ? 150 : 650, r, all, all ? r / all : 0 }'
done
