#!/bin/busybox sh
# init.sh - /init of the tests/qemu guest (busybox sh, PID 1).
#
# Recreates the field incident on a real kernel: apps that serve requests
# from a file they mmap (code and data on a slow, throttled ext4 disk), a
# log daemon `logd` that leaks anonymous memory until MemAvailable is small
# and then holds it, no swap and no memory cgroup, so kswapd and direct
# reclaim evict the apps' file pages and the apps fault them back in (D state
# in filemap_fault).  `capture` records all of it, fires sysrq l/w by itself
# (--sysrq auto) and writes the capture to the output disk; the host reads it
# back after poweroff.
#
# Lines starting with "IOD: " on the serial console are read by run.sh.
# Settings come from the kernel command line (iod_NAME=VALUE, set by run.sh).

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "IOD: $*"; }
halt() { sync; umount /out 2>/dev/null; say "poweroff uptime=$(up)"; poweroff -f; sleep 10; }

DUR=45 INT=1 AVAIL=14000 RATE=12288 DELAY=8 WHEN=
for x in $(cat /proc/cmdline); do
	case $x in
	iod_dur=*) DUR=${x#*=} ;;
	iod_int=*) INT=${x#*=} ;;
	iod_avail=*) AVAIL=${x#*=} ;;
	iod_rate=*) RATE=${x#*=} ;;
	iod_delay=*) DELAY=${x#*=} ;;
	iod_when=*) WHEN=${x#*=} ;;
	esac
done
say "init uptime=$(up) kernel=$(uname -r) machine=$(uname -m)"
# Whatever goes wrong below, the guest must power off, never sit until the
# host's timeout.
(sleep $((DUR + 90)); say "watchdog: still running at uptime=$(up), powering off"; poweroff -f) &

for m in $(cat /modules/order); do
	insmod "/modules/$m" || say "insmod $m failed"
done

# The disks are told apart by the serial number run.sh gives them.
disk() {
	for i in $(seq 100); do
		for s in /sys/block/vd*/serial; do
			[ -r "$s" ] && [ "$(cat "$s")" = "$1" ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}
mkdir -p /mnt /out
DATA=$(disk iod-data) && mount -t ext4 -o ro "$DATA" /mnt || { say "FAIL: no data disk"; halt; }
OUTD=$(disk iod-out) && mount -t ext4 "$OUTD" /out || { say "FAIL: no output disk"; halt; }
say "disks mounted uptime=$(up) data=$DATA out=$OUTD"
say "meminfo $(grep -E '^(MemTotal|MemAvailable|SwapTotal):' /proc/meminfo | tr -s ' \n' ' ')"

# kernel.sysrq is left at the kernel's default on purpose (Debian: 438, which
# lacks the 0x8 "dump" bit): capture must widen it for l/w and put it back.
SYSRQ_BEFORE=$(cat /proc/sys/kernel/sysrq)
say "sysrq before=$SYSRQ_BEFORE"

# Healthy start: the data file is read once, so the apps begin from a warm
# page cache and sleep most of the time.
cat /mnt/big > /dev/null
say "prewarmed uptime=$(up)"
PIDS=
for n in 1 2 3; do
	/mnt/bin/app /mnt/big "$n" $((DUR + 60)) & PIDS="$PIDS $!"
done
# The leak starts DELAY seconds into the capture, so the capture holds a
# healthy stretch, the growth, and the thrash that follows.
/bin/logd "$AVAIL" "$RATE" "$DELAY" $((DUR + 60)) & PIDS="$PIDS $!"

OPTS=
if [ -n "$WHEN" ] && /bin/capture --help 2>/dev/null | grep -q -- --sysrq-when; then
	OPTS="--sysrq-when $WHEN"
fi
say "capture start uptime=$(up) args=-o /out/snap.zst -i $INT -d $DUR --sysrq auto $OPTS"
/bin/capture -o /out/snap.zst -i "$INT" -d "$DUR" --sysrq auto $OPTS
say "capture rc=$? uptime=$(up)"

SYSRQ_AFTER=$(cat /proc/sys/kernel/sysrq)
if [ "$SYSRQ_AFTER" = "$SYSRQ_BEFORE" ]; then
	say "sysrq after=$SYSRQ_AFTER restored"
else
	say "sysrq after=$SYSRQ_AFTER CHANGED (before=$SYSRQ_BEFORE)"
fi
say "end $(awk '/^(pgmajfault|workingset_refault_file|pgscan_kswapd|pgscan_direct|oom_kill) /{printf "%s=%s ",$1,$2}' /proc/vmstat)"
kill -9 $PIDS 2>/dev/null
sleep 1
dmesg > /out/dmesg.txt
halt
