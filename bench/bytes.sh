#!/bin/sh
# bytes.sh BUILD_DIR - issue 15's size ratio: capture's bytes per sample
# (format 2, as written) against `zstd -3` of the raw /proc text of the
# same samples (the system files, every thread's stat, every process's
# io: bench/floor.c -d), at ~1,600 tasks (bench/pop.c: POP sleeping
# processes with 2 extra threads each, plus the system).  Both read at
# 1 Hz for N samples over the same seconds, RUNS times in a row; the
# figure is the median of the RUNS ratios (other processes starting and
# exiting on a shared machine move a single run: each new task is stored
# whole).  Target: <= 0.5.
# Environment: N (samples per run, default 180: the first sample restates
# every task), RUNS (default 3), TASKS (default 1600: POP processes of 3
# tasks are started to bring the machine to about that many), POP (that
# count, given directly).
set -eu
B=${1:?usage: bench/bytes.sh BUILD_DIR}
N=${N:-180}
RUNS=${RUNS:-3}
TASKS=${TASKS:-1600}
now=$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)
POP=${POP:-$(( now < TASKS ? (TASKS - now) / 3 : 0 ))}
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
echo "tasks on the machine: $(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l); $RUNS runs of $N samples at 1 s"
: > "$S/runs"
for k in $(seq "$RUNS"); do
	rm -f "$S/c.cap" "$S/raw.txt"
	"$B/capture" -o "$S/c.cap" -i 1 -n "$N" 2>/dev/null &
	"$S/floor" -n "$N" -i 1000 -d "$S/raw.txt" 2>/dev/null &
	wait
	tasks=$(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l)
	cap=$(wc -c < "$S/c.cap")
	raw=$(wc -c < "$S/raw.txt")
	z=$(zstd -q -3 -c "$S/raw.txt" | wc -c)
	echo "$cap $raw $z $tasks" >> "$S/runs"
	awk -v c="$cap" -v z="$z" -v n="$N" -v k="$k" -v t="$tasks" 'BEGIN {
		printf "  run %d (%d tasks at its end): capture %6.0f B/sample, zstd -3 of the raw text %6.0f B/sample: %.2f\n", k, t, c / n, z / n, c / z }'
done
# the run with the median ratio stands for all of them
awk -v n="$N" -v runs="$RUNS" '{ c[NR] = $1; r[NR] = $2; z[NR] = $3; q[NR] = $1 / $3 }
END {
	for (i = 1; i <= NR; i++)
		for (j = i + 1; j <= NR; j++)
			if (q[j] < q[i]) {
				t = q[i]; q[i] = q[j]; q[j] = t; t = c[i]; c[i] = c[j]; c[j] = t
				t = r[i]; r[i] = r[j]; r[j] = t; t = z[i]; z[i] = z[j]; z[j] = t
			}
	m = int((NR + 1) / 2)
	printf "median run of %d (%d samples each):\n", runs, n
	printf "capture, format 2:             %8d bytes, %6.0f B/sample\n", c[m], c[m] / n
	printf "raw /proc text:                %8d bytes, %6.0f B/sample\n", r[m], r[m] / n
	printf "zstd -3 of the raw text:       %8d bytes, %6.0f B/sample\n", z[m], z[m] / n
	printf "ratio: capture / zstd -3 of the raw text, bytes per sample: %.2f (median of %d runs of %d samples, %.2f..%.2f; target <= 0.5)\n", q[m], runs, n, q[1], q[NR]
}' "$S/runs"
