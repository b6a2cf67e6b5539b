# lib.sh - shared by the sample scenarios: a memory cgroup to confine the
# failure, an optional I/O throttle that makes a fast virtual disk behave like
# an eMMC, workload processes started and stopped by pid, and the capture.
#
# A scenario script sets NAME and DURATION_S, sources this file, calls
# scenario_start, runs its phases with spawn/phase/sleep_until, and ends with
# scenario_end.  Knobs (environment): CAPTURE (the capture binary, default
# build/capture), OUT (where NAME.zst goes, default samples/), WORKDIR
# (scratch on a disk-backed filesystem, default /var/tmp/iowd-NAME),
# CG_LIMIT_MB, INTERVAL (capture -i, default 1), FRAME (capture --frame,
# default 10).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CAPTURE=${CAPTURE:-$TOP/build/capture}
OUT=${OUT:-$TOP/samples}
WORKDIR=${WORKDIR:-/var/tmp/iowd-$NAME}
CG_LIMIT_MB=${CG_LIMIT_MB:-400}
INTERVAL=${INTERVAL:-1}
# a self-contained frame every 10 s (capture's default is 600): make check
# cuts each sample at its frame boundaries (test_samples test_cuts)
FRAME=${FRAME:-10}
PIDS="" CAP_PID="" CG="" BCG="" T0=""

say() { echo "$NAME: [$(elapsed)s] $*" >&2; }
die() { echo "$NAME: $*" >&2; exit 1; }
elapsed() { [ -n "$T0" ] && echo $(( $(date +%s) - T0 )) || echo 0; }

sleep_until() { # sleep until second $1 of the scenario
	while [ "$(elapsed)" -lt "$1" ]; do sleep 0.5; done
}

phase() { # records when each phase began, for the sample's description
	say "phase $1"
	echo "$(elapsed) $1" >> "$OUT/$NAME.phases"
}

cleanup() {
	trap '' INT TERM
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	[ -n "$CG" ] && for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	[ -n "$CAP_PID" ] && kill -TERM "$CAP_PID" 2>/dev/null
	wait 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$CG" ] || rmdir "$CG" 2>/dev/null && break
		sleep 0.5
	done
	[ -n "$BCG" ] && rmdir "$BCG" 2>/dev/null
	mountpoint -q "$WORKDIR/tmpfs" 2>/dev/null && umount "$WORKDIR/tmpfs"
	rm -rf "$WORKDIR"
}

memcg_setup() {
	local v2
	v2=$(awk '$3=="cgroup2"{print $2; exit}' /proc/mounts)
	if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
		CGV=2 MEMCG_ROOT=$v2 BLKIO_ROOT=$v2
	else
		CGV=1
		MEMCG_ROOT=$(awk '$3=="cgroup" && $4 ~ /(^|,)memory(,|$)/ {print $2; exit}' /proc/mounts)
		BLKIO_ROOT=$(awk '$3=="cgroup" && $4 ~ /(^|,)blkio(,|$)/ {print $2; exit}' /proc/mounts)
		[ -n "$MEMCG_ROOT" ] || die "no memory cgroup controller (v1 or v2)"
	fi
	CG=$MEMCG_ROOT/iowd-$NAME.$$
	mkdir "$CG" || die "cannot create $CG"
	if [ "$CGV" = 2 ]; then
		grep -qw memory "$MEMCG_ROOT/cgroup.subtree_control" || echo +memory > "$MEMCG_ROOT/cgroup.subtree_control"
		echo $((CG_LIMIT_MB << 20)) > "$CG/memory.max"
		[ -e "$CG/memory.swap.max" ] && echo 0 > "$CG/memory.swap.max"
	else
		echo $((CG_LIMIT_MB << 20)) > "$CG/memory.limit_in_bytes"
		echo 0 > "$CG/memory.swappiness" 2>/dev/null
	fi
}

# io_throttle "rbps=N riops=N wbps=N" on the disk holding WORKDIR
io_throttle() {
	local dev d part k v
	d=$(stat -c %d "$WORKDIR")
	dev="$((d >> 8 & 0xfff)):$((d & 0xff | (d >> 12 & 0xfff00)))"
	part=$(readlink -f "/sys/dev/block/$dev")
	[ -e "$part/partition" ] && dev=$(cat "$(dirname "$part")/dev")
	DISK=$(awk -v d="$dev" '$1":"$2==d{print $3}' /proc/diskstats)
	if [ "$CGV" = 2 ]; then
		grep -qw io "$MEMCG_ROOT/cgroup.subtree_control" || echo +io > "$MEMCG_ROOT/cgroup.subtree_control"
		echo "$dev $1" > "$CG/io.max" || die "cannot set io.max"
		return
	fi
	[ -n "$BLKIO_ROOT" ] || die "throttling needs the blkio controller"
	BCG=$BLKIO_ROOT/iowd-$NAME.$$
	mkdir -p "$BCG"
	for kv in $1; do
		k=${kv%%=*} v=${kv#*=}
		case $k in
		rbps) echo "$dev $v" > "$BCG/blkio.throttle.read_bps_device" ;;
		riops) echo "$dev $v" > "$BCG/blkio.throttle.read_iops_device" ;;
		wbps) echo "$dev $v" > "$BCG/blkio.throttle.write_bps_device" ;;
		wiops) echo "$dev $v" > "$BCG/blkio.throttle.write_iops_device" ;;
		esac
	done
}

# spawn COMM MODE ARGS...: start the workload as COMM inside the cgroup
spawn() {
	local comm=$1
	shift
	[ -x "$WORKDIR/bin/$comm" ] || cp "$WORKDIR/bin/workload" "$WORKDIR/bin/$comm"
	DEADLINE_S=$((DURATION_S + 60)) sh -c '
		echo $$ > "$1/cgroup.procs"
		[ -n "$2" ] && echo $$ > "$2/cgroup.procs"
		shift 2
		exec "$@"' sh "$CG" "$BCG" "$WORKDIR/bin/$comm" "$@" 2>>"$WORKDIR/workload.log" &
	SPAWNED=$!
	PIDS="$PIDS $SPAWNED"
	say "started $comm (pid $SPAWNED): $*"
}

# prewarm FILE: read FILE once from inside the cgroup, so its pages are
# cached and charged there before the capture starts; otherwise the apps'
# first random reads through the throttle look like a fault of their own.
prewarm() {
	sh -c 'echo $$ > "$1/cgroup.procs"; [ -n "$2" ] && echo $$ > "$2/cgroup.procs"; cat "$3" > /dev/null' \
		sh "$CG" "$BCG" "$1"
}

# emmc_data MB: the apps' data file, MB MiB in WORKDIR/data, behind what an
# eMMC gives (48 MiB/s, 2000 IOPS, so that faults wait in D) and cached
# in the cgroup before the capture starts
emmc_data() {
	"$WORKDIR/bin/workload" mkfile "$WORKDIR/data" "$1" && "$WORKDIR/bin/workload" drop "$WORKDIR/data" ||
		die "cannot make the data file"
	io_throttle "rbps=50331648 riops=2000"
	prewarm "$WORKDIR/data"
}

scenario_start() {
	[ "$(id -u)" = 0 ] || die "needs root (cgroups)"
	[ -x "$CAPTURE" ] || die "no capture binary at $CAPTURE (run make first)"
	command -v cc >/dev/null || die "needs a C compiler"
	mkdir -p "$WORKDIR/bin" "$OUT" || die "cannot create $WORKDIR"
	case "$(stat -f -c %T "$WORKDIR")" in tmpfs|ramfs) die "WORKDIR must be on a disk";; esac
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	cc -O2 -pthread -o "$WORKDIR/bin/workload" "$HERE/workload.c" || die "cannot build workload.c"
	memcg_setup
	rm -f "$OUT/$NAME.zst" "$OUT/$NAME.phases"
}

rel() { # a path under the tree, relative to its top
	case $1 in "$TOP"/*) echo "${1#"$TOP"/}" ;; *) echo "$1" ;; esac
}

# start the capture outside the cgroup: it must see the failure, not suffer it
capture_start() {
	T0=$(date +%s)
	# from the top of the tree with relative paths: the header records the
	# command line, and a sample must not carry this machine's paths
	(cd "$TOP" && exec "$(rel "$CAPTURE")" -o "$(rel "$OUT/$NAME.zst")" -i "$INTERVAL" -d "$DURATION_S" \
		--sysrq auto --frame "$FRAME" "$@") 2>>"$OUT/$NAME.capture.log" &
	CAP_PID=$!
	say "capture pid $CAP_PID -> $OUT/$NAME.zst"
}

scenario_end() {
	sleep_until "$DURATION_S"
	wait "$CAP_PID"
	local rc=$?
	CAP_PID=""
	say "capture exited $rc; $(wc -c < "$OUT/$NAME.zst") bytes"
	[ "$rc" = 0 ] || die "capture failed (see $OUT/$NAME.capture.log)"
}
