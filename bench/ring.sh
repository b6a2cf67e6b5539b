#!/bin/sh
# ring.sh BUILD_DIR - what capture --ring costs in memory: the peak RSS of
# a ring holding 30 minutes of samples at 1 s on 200 tasks, beside plain
# capture (the floor) in the same run.
#
# The tasks: 66 processes of 3 threads (bench/ringpop.c) that wake at
# random every 0.2-5 s, burn ~1 ms and touch a page, so their fields move
# as a device's daemons do; in a PID namespace with its own /proc
# (unshare --mount-proc), so the count is 200 whatever else the machine
# runs.  The counters (/proc/stat, meminfo, vmstat, PSI, disks) are this
# kernel's own.
#
# Default (~2 min): --ring 90s -i 0.05 --flush 0.5 holds 1800 samples in
# frames of 10, the shape of 30 min at 1 s; at 0.05 s fewer fields move
# per sample, so its bytes are measured again at -i 1 (--ring 60s) and the
# 30-minute arena is projected from that rate.  FULL=1: the real thing,
# --ring 30m -i 1 for 31 minutes.
set -eu
B=${1:?usage: bench/ring.sh BUILD_DIR}
FULL=${FULL:-0}
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "ring.sh: skipped (needs root and unshare for a PID namespace)"
	exit 0
fi
S=$(mktemp -d /tmp/ring-bench.XXXXXX)
trap 'rm -rf "$S"' EXIT INT TERM
${CC:-cc} -O2 -o "$S/ringpop" bench/ringpop.c -lpthread
cp "$B/capture" "$S/capture"

unshare --pid --fork --mount-proc sh -s "$S" "$FULL" <<'NS'
S=$1 FULL=$2
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
"$S/ringpop" 66 &
sleep 2
cd "$S"
if [ "$FULL" = 1 ]; then
	./capture -o full.zst --ring 30m -i 1 --sysrq off --sysrq-when iowait=0,dtasks=0,psi=0 2> full.err & R=$!
	DUR=1870
else
	./capture -o fast.zst --ring 90s -i 0.05 --flush 0.5 --sysrq off --sysrq-when iowait=0,dtasks=0,psi=0 2> fast.err & R=$!
	./capture -o slow.zst --ring 60s -i 1 --sysrq off --sysrq-when iowait=0,dtasks=0,psi=0 2> slow.err & R1=$!
	DUR=105
fi
./capture -o floor.zst -i 1 --sysrq off 2> floor.err & F=$!
sleep 1
echo "tasks in the namespace: $(ls -d /proc/[0-9]*/task/[0-9]* | wc -l) (66 x 3 ringpop threads, the shell, the captures)"
sleep "$DUR"
peak=$(hwm $R) floor=$(hwm $F)
if [ "$FULL" = 1 ]; then
	echo "--ring 30m -i 1, after $DUR s: peak RSS $peak kB; plain capture -i 1: $floor kB (ring/plain $(awk "BEGIN{printf \"%.2f\", $peak/$floor}"))"
	grep "the last" full.err | sed 's/^/  /'
else
	echo "--ring 90s -i 0.05 --flush 0.5 (1800 samples): peak RSS $peak kB; plain capture -i 1: $floor kB (ring/plain $(awk "BEGIN{printf \"%.2f\", $peak/$floor}"))"
	grep "the last" fast.err | sed 's/^/  fast: /'
	grep "the last" slow.err | sed 's/^/  -i 1: /'
	bps=$(sed -n 's/.*(\([0-9]*\) B\/sample).*/\1/p' slow.err | head -1)
	arena=$(sed -n 's/.*the arena is \([0-9]*\) \([KM]\)iB.*/\1 \2/p' fast.err | head -1)
	echo "$bps $arena $peak" | awk '{ a = $2 * ($3 == "M" ? 1024 : 1); need = $1 * 1800 / 1024 * 1.25;
		printf "projected --ring 30m -i 1: 1800 x %d B = %d kB of frames, arena ~%d kB (+25%%);", $1, $1 * 1800 / 1024, need;
		printf " peak RSS ~%d kB (this run %d kB with a %d kB arena)\n", $4 - a + need, $4, a }'
fi
kill $F 2>/dev/null
NS
