#!/bin/sh
# bytes.sh BUILD_DIR - issue 15's size ratio: capture's bytes per sample
# (format 2, as written) against `zstd -3` of the raw /proc text of the
# same samples (the system files, every thread's stat, every process's
# io: bench/floor.c -d), at ~1,600 tasks (bench/pop.c: POP sleeping
# processes with 2 extra threads each, plus the system).  Both read at
# 1 Hz for N samples over the same seconds.  Target: <= 0.5.
# Environment: N (samples, default 180: the first sample restates every
# task, and other load on a shared machine moves a short run), POP (default 500).
set -eu
B=${1:?usage: bench/bytes.sh BUILD_DIR}
N=${N:-180}
POP=${POP:-500}
S=$(mktemp -d /tmp/bytes-bench.XXXXXX)
cleanup() {
	if [ -f "$S/pids" ]; then
		for p in $(grep -v done "$S/pids"); do kill -9 "$p" 2>/dev/null || true; done
	fi
	rm -rf "$S"
}
trap cleanup EXIT INT TERM
CC=${CC:-cc}
$CC -O2 -o "$S/pop" bench/pop.c -lpthread
$CC -O2 -o "$S/floor" bench/floor.c
"$S/pop" "$POP" "$S/pids"
while ! grep -q done "$S/pids"; do sleep 0.1; done
sleep 1
tasks=$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)
echo "tasks on the machine: $tasks; $N samples at 1 s"
"$B/capture" -o "$S/c.cap" -i 1 -n "$N" 2>/dev/null &
"$S/floor" -n "$N" -i 1000 -d "$S/raw.txt" 2>/dev/null &
wait
cap=$(wc -c < "$S/c.cap")
raw=$(wc -c < "$S/raw.txt")
z=$(zstd -q -3 -c "$S/raw.txt" | wc -c)
awk -v c="$cap" -v r="$raw" -v z="$z" -v n="$N" 'BEGIN {
	printf "capture, format 2:             %8d bytes, %6.0f B/sample\n", c, c / n
	printf "raw /proc text:                %8d bytes, %6.0f B/sample\n", r, r / n
	printf "zstd -3 of the raw text:       %8d bytes, %6.0f B/sample\n", z, z / n
	printf "ratio: capture / zstd -3 of the raw text, bytes per sample: %.2f (target <= 0.5)\n", c / z
}'
