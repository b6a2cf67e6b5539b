#!/bin/sh
# rss.sh BUILD_DIR - peak RSS of capture at about 200 and 1,600 tasks on
# the machine (the 2.5 MB goal stands at 1,600 tasks for the static binary,
# which is what ships to devices; memory is locked, so RSS is what the
# recorder takes from the box).  The population is bench/pop.c (sleeping
# processes of 3 threads each) added to what the machine runs; a busy
# machine may already be past 200, and the figure says what was there.
# Peak RSS is wait4's ru_maxrss of capture -i 0.5 -n 20 (bench/rus.c),
# the median of RUNS runs (a burst of other tasks grows the tables).
# Environment: TASKS (default "200 1600"), RUNS (default 3).
set -eu
B=${1:?usage: bench/rss.sh BUILD_DIR}
TASKS=${TASKS:-200 1600}
RUNS=${RUNS:-3}
S=$(mktemp -d /tmp/capture-rss.XXXXXX)
cleanup() {
	if [ -f "$S/pids" ]; then
		for p in $(grep -v done "$S/pids"); do kill -9 "$p" 2>/dev/null || true; done
	fi
	rm -rf "$S"
}
trap cleanup EXIT INT TERM
CC=${CC:-cc}
$CC -O2 -o "$S/pop" bench/pop.c -lpthread
$CC -O2 -o "$S/rus" bench/rus.c
static=""
if [ "$(uname -m)" = x86_64 ] && make -s static >"$S/static.log" 2>&1 && [ -x build/static/capture-x86_64 ]; then
	static=build/static/capture-x86_64
else
	echo "(no static build: make static failed)"
fi
ntasks() { ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l; }

printf '%-10s %-28s %14s\n' "tasks" "binary" "peak RSS KiB"
for t in $TASKS; do
	if [ -f "$S/pids" ]; then
		for p in $(grep -v done "$S/pids"); do kill -9 "$p" 2>/dev/null || true; done
		rm -f "$S/pids"
		sleep 1
	fi
	need=$(( (t - $(ntasks)) / 3 ))
	if [ "$need" -gt 0 ]; then
		"$S/pop" "$need" "$S/pids"
		while ! grep -q done "$S/pids"; do sleep 0.1; done
	fi
	sleep 1
	for bin in "$B/capture" $static; do
		before=$(ntasks)
		: > "$S/r"
		for r in $(seq 1 "$RUNS"); do
			rm -f "$S/c.cap"
			"$S/rus" "$S/r1" "$bin" -o "$S/c.cap" -i 0.5 -n 20 --sysrq off 2>/dev/null
			cat "$S/r1" >> "$S/r"
		done
		after=$(ntasks)
		rss=$(awk '{print $2}' "$S/r" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		printf '%-10s %-28s %14s  (runs: %s)\n' "$before-$after" "$bin" "$rss" "$(awk '{printf "%s%s", s, $2; s = " "}' "$S/r")"
		if [ "$bin" = "$static" ] && [ "$t" -ge 1600 ]; then
			echo "  RSS    static at $t tasks  $rss KiB  [<= 2560, memory locked]"
		fi
	done
done
