#!/bin/sh
# analyze.sh BUILD_DIR - the full report on a generated 24 h, 1 Hz,
# 300-task capture, beside `zstd -dc FILE > /dev/null` in the same run:
# wall and CPU time and peak RSS, medians of 3 runs, and the ratios.
# Targets: <= 10 s, <= 512 MB, <= 3x the time of zstd -dc.
set -u
b=$1
A=$b/analyze
T=${TMPDIR:-/tmp}/analyze-bench.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Iformat bench/gencap.c format/writer.c -lzstd -lm -o "$T/gencap" || exit 1
SECS=${BENCH_SECONDS:-86400}
echo "generating a ${SECS} s, 1 Hz, 300-task capture..."
"$T/gencap" "$T/day.cap" --scenario seed --seconds "$SECS" --tasks 300 || exit 1
echo "capture: $(wc -c < "$T/day.cap") bytes"
# one measurement: "wall_s cpu_s maxrss_kb" via GNU time if present, else bash times
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%e %U %S %M" -o "$T/m" "$@" > /dev/null 2>&1
		awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$T/m"
	else
		python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.time()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
w = time.time() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f %.2f %d" % (w, u.ru_utime + u.ru_stime, u.ru_maxrss))
PY
	fi
}
median() { sort -n | sed -n 2p; }
for i in 1 2 3; do
	measure "$A" "$T/day.cap" >> "$T/a"
	measure sh -c "zstd -dc '$T/day.cap' > /dev/null" >> "$T/z"
done
aw=$(cut -d' ' -f1 "$T/a" | median); ac=$(cut -d' ' -f2 "$T/a" | median); am=$(cut -d' ' -f3 "$T/a" | median)
zw=$(cut -d' ' -f1 "$T/z" | median); zc=$(cut -d' ' -f2 "$T/z" | median); zm=$(cut -d' ' -f3 "$T/z" | median)
echo "median of 3        wall s   cpu s   peak RSS MB"
printf "analyze report   %8s %7s %10.1f\n" "$aw" "$ac" "$(echo "$am / 1024" | bc -l)"
printf "zstd -dc         %8s %7s %10.1f\n" "$zw" "$zc" "$(echo "$zm / 1024" | bc -l)"
ratio=$(echo "$aw / ($zw + 0.001)" | bc -l)
printf "ratio analyze / zstd -dc (wall): %.2f  (target <= 3)\n" "$ratio"
ok=1
[ "$(echo "$aw <= 10" | bc)" = 1 ] || { echo "over the 10 s target"; ok=0; }
[ "$(echo "$am <= 524288" | bc)" = 1 ] || { echo "over the 512 MB target"; ok=0; }
[ "$(echo "$ratio <= 3" | bc)" = 1 ] || echo "over 3x zstd -dc"
[ $ok = 1 ]
