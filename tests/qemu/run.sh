#!/bin/bash
# run.sh ARCH - prove capture's sysrq path on a real Debian 12 kernel in QEMU.
#
#   tests/qemu/run.sh amd64|armhf|arm64
#
# Downloads (apt-get download, cached in build/qemu/cache) the Debian kernel
# that linux-image-<flavour> points at and busybox-static for ARCH, builds an
# initramfs (busybox, the virtio/ext4 modules, the static capture, the `logd`
# leaker), a throttled read-only data disk (a data file and the `app` mmap
# reader) and an empty output disk, and boots it with qemu-system-* (TCG).
# The guest (tests/qemu/init.sh) drives itself into page-cache thrash under
# global reclaim while `capture --sysrq auto` records it; the host then pulls
# the capture off the output disk (debugfs) and checks it with analyze:
#
#   - analyze info reads it without damage, with a clean end;
#   - capture fired sysrq >= MIN_TRIGGERS times (default 2) and recorded the
#     kernel's answer to it: kernel log records tied to a trigger, a sysrq-w
#     dump with >= 1 task in D and a sysrq-l dump (analyze stacks --json);
#   - kernel.sysrq is the same before and after capture (guest console);
#   - tasks named logd are recorded, with growing RSS;
#   - analyze --json produces a report.
#
# Exit 0 when every check passed, 1 when one failed (each is printed), 2 on a
# usage error.  Results stay in build/qemu/out/ARCH/: console.log, snap.zst,
# dmesg.txt, info.txt, stacks.json, report.json, summary.txt.
#
# Environment (all optional):
#   CAPTURE     static capture for ARCH (default build/static/capture-<cpu>,
#               as `make static` / `make cross` name them)
#   ANALYZE     host analyze (default build/analyze)
#   QEMU_DIR    work and cache directory (default build/qemu)
#   MEM_MB      guest RAM (192)        SMP      guest CPUs (2)
#   DUR         capture -d seconds (45) INTERVAL capture -i seconds (1)
#   WHEN        capture --sysrq-when list (dtasks=2,iowait=40,psi=40,gap=8,max=6)
#   BIG_MB      data file size (64)    AVAIL_KB logd holds MemAvailable here (14000)
#   LEAK_RATE   logd growth, kB/s (12288)  LEAK_DELAY  seconds into capture (8)
#   DISK_BPS / DISK_IOPS   data disk throttle (16777216 / 300)
#   MIN_TRIGGERS  sysrq triggers required (2)
#   QEMU_TIMEOUT  limit on QEMU's wall time, seconds (300)
#   KEEP=1      keep the scratch images and the unpacked initramfs
set -euo pipefail

ARCH=${1:-}
case $ARCH in
amd64) FLAVOUR=amd64 CPU_NAME=x86_64 QEMU=qemu-system-x86_64 CONSOLE=ttyS0
	MACHINE=(-M pc) CC=musl-gcc ;;
armhf) FLAVOUR=armmp CPU_NAME=armhf QEMU=qemu-system-arm CONSOLE=ttyAMA0
	MACHINE=(-M virt,highmem=off -cpu cortex-a15) CC=arm-linux-musleabihf-gcc ;;
arm64) FLAVOUR=arm64 CPU_NAME=arm64 QEMU=qemu-system-aarch64 CONSOLE=ttyAMA0
	MACHINE=(-M virt -cpu cortex-a53) CC=aarch64-linux-musl-gcc ;;
*) echo "usage: tests/qemu/run.sh amd64|armhf|arm64" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
cd "$TOP"
QEMU_DIR=${QEMU_DIR:-build/qemu}
CAPTURE=${CAPTURE:-build/static/capture-$CPU_NAME}
ANALYZE=${ANALYZE:-build/analyze}
MEM_MB=${MEM_MB:-192} SMP=${SMP:-2}
DUR=${DUR:-45} INTERVAL=${INTERVAL:-1}
WHEN=${WHEN:-dtasks=2,iowait=40,psi=40,gap=8,max=6}
BIG_MB=${BIG_MB:-64} AVAIL_KB=${AVAIL_KB:-14000}
LEAK_RATE=${LEAK_RATE:-12288} LEAK_DELAY=${LEAK_DELAY:-8}
DISK_BPS=${DISK_BPS:-16777216} DISK_IOPS=${DISK_IOPS:-300}
MIN_TRIGGERS=${MIN_TRIGGERS:-2}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
KEEP=${KEEP:-0}

CACHE=$QEMU_DIR/cache
WORK=$QEMU_DIR/work-$ARCH
OUT=$QEMU_DIR/out/$ARCH
T_START=$(date +%s)
log() { printf 'qemu[%s] %s\n' "$ARCH" "$*" >&2; }
die() { log "$*"; exit 1; }
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

# ---------------------------------------------------------------- host tools
missing=
for t in "$QEMU" cpio mkfs.ext4 debugfs dpkg-deb apt-get jq "$CC"; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || die "missing host tools:$missing (make qemu-check installs them: sh scripts/deps.sh qemu)"
[ -x "$CAPTURE" ] || die "no static capture for $ARCH at $CAPTURE (make cross ARCH=$ARCH, or make static for amd64)"
[ -x "$ANALYZE" ] || die "no analyze at $ANALYZE (make)"
file_arch=$(od -An -tx1 -j18 -N2 "$CAPTURE" | tr -d ' ')
case $ARCH:$file_arch in
amd64:3e00 | armhf:2800 | arm64:b700) ;;
*) die "$CAPTURE is not an $ARCH binary (ELF machine $file_arch)" ;;
esac
if [ "$ARCH" != "$(dpkg --print-architecture)" ] &&
	! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
	[ "$(id -u)" = 0 ] || die "run as root: dpkg --add-architecture $ARCH && apt-get update"
	log "adding dpkg architecture $ARCH"
	dpkg --add-architecture "$ARCH"
	apt-get -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || log "apt-get update reported errors; going on"
fi

rm -rf "$WORK" "$OUT"
mkdir -p "$CACHE" "$WORK" "$OUT"

# ---------------------------------------------------------------- packages
# The kernel ABI moves (-50, -56, ...): follow the meta package.  Offline,
# the newest cached kernel of this flavour is used.
fetch() {	# fetch PKG: newest cached PKG_*_ARCH.deb, downloading it when absent
	local f
	f=$(ls "$CACHE/$1"_*_"$ARCH".deb 2>/dev/null | tail -1)
	if [ -z "$f" ]; then
		( cd "$CACHE" && apt-get download -q "$1:$ARCH" ) >"$WORK/apt.log" 2>&1 ||
			{ cat "$WORK/apt.log" >&2; die "apt-get download $1:$ARCH failed"; }
		f=$(ls "$CACHE/$1"_*_"$ARCH".deb | tail -1)
	fi
	echo "$f"
}
resolve() {
	apt-cache depends "linux-image-$FLAVOUR:$ARCH" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -1
}
kpkg=$(resolve)
if [ -z "$kpkg" ] && [ "$(id -u)" = 0 ]; then
	log "linux-image-$FLAVOUR:$ARCH unknown to apt; apt-get update"
	apt-get -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || log "apt-get update reported errors; going on"
	kpkg=$(resolve)
fi
if [ -z "$kpkg" ]; then
	kdeb=$(ls "$CACHE"/linux-image-*-"$FLAVOUR"_*_"$ARCH".deb 2>/dev/null | tail -1)
	[ -n "$kdeb" ] || die "cannot resolve linux-image-$FLAVOUR:$ARCH (apt-get update?) and nothing cached"
	log "linux-image-$FLAVOUR:$ARCH not resolvable; using cached $(basename "$kdeb")"
else
	kdeb=$(fetch "$kpkg")
	# an older ABI's package is of no more use
	for old in "$CACHE"/linux-image-*-"$FLAVOUR"_*_"$ARCH".deb; do
		[ "$old" = "$kdeb" ] || rm -f "$old"
	done
fi
bdeb=$(fetch busybox-static)
kver=$(basename "$kdeb" | sed 's/^linux-image-//; s/_.*//')
log "kernel $(basename "$kdeb"), $(basename "$bdeb")"

# ---------------------------------------------------------------- kernel
# Only the kernel image and the few modules the guest needs are unpacked
# (the whole amd64 package is ~390 MB of modules), once per kernel version.
KDIR=$CACHE/kernel-$ARCH-$kver
if [ ! -f "$KDIR/.done" ]; then
	rm -rf "$KDIR" "$WORK/k"
	mkdir -p "$WORK/k" "$KDIR/modules"
	dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$WORK/k" --wildcards \
		'./boot/vmlinuz-*' '*/modules.order' '*/modules.builtin' \
		'*/kernel/drivers/virtio/*' '*/kernel/drivers/block/virtio_blk.ko*' \
		'*/kernel/fs/ext4/*' '*/kernel/fs/jbd2/*' '*/kernel/fs/mbcache.ko*' \
		'*/kernel/lib/*' '*/kernel/crypto/*' '*/kernel/arch/*'
	cp "$WORK/k/boot/vmlinuz-$kver" "$KDIR/vmlinuz"
	mdir=$(dirname "$(find "$WORK/k" -name modules.order | head -1)")
	# The package has no modules.dep (depmod makes it on install): a module's
	# dependencies are read from its own .modinfo "depends=" and loaded
	# before it, each once.
	declare -A have=()
	order=()
	add() {	# add NAME REQUIRED
		local name=$1 path dep
		path=$(grep -E "/($name|${name//_/-})\.ko(\.[a-z]+)?$" "$mdir/modules.order" | head -1) || true
		if [ -z "$path" ]; then
			grep -qE "/($name|${name//_/-})\.ko" "$mdir/modules.builtin" && return 0
			[ "$2" = 1 ] && die "module $name is neither in modules.order nor built in"
			return 0
		fi
		[ -n "${have[$path]:-}" ] && return 0
		[ -f "$mdir/$path" ] || die "module $path was not unpacked (widen the tar patterns in run.sh)"
		have[$path]=1
		case $path in
		*.xz) xz -dc "$mdir/$path" >"$WORK/mod.ko" ;;
		*.zst) zstd -qdc "$mdir/$path" >"$WORK/mod.ko" ;;
		*) cp "$mdir/$path" "$WORK/mod.ko" ;;
		esac
		for dep in $(tr '\0' '\n' <"$WORK/mod.ko" | sed -n 's/^depends=//p' | head -1 | tr , ' '); do
			add "$dep" 1
		done
		order+=("$path")
	}
	add virtio_pci 1; add virtio_blk 1; add crc32c_generic 0; add ext4 1
	i=0
	for path in "${order[@]}"; do
		i=$((i + 1))
		name=$(printf '%02d-%s' "$i" "$(basename "$path")")
		name=${name%.xz} name=${name%.zst}
		case $path in
		*.xz) xz -dc "$mdir/$path" >"$KDIR/modules/$name" ;;
		*.zst) zstd -qdc "$mdir/$path" >"$KDIR/modules/$name" ;;
		*) cp "$mdir/$path" "$KDIR/modules/$name" ;;
		esac
		echo "$name" >>"$KDIR/modules/order"
	done
	rm -rf "$WORK/k"
	touch "$KDIR/.done"
fi
log "modules: $(tr '\n' ' ' <"$KDIR/modules/order")"

# ---------------------------------------------------------------- helpers
HFLAGS="-std=c11 -Wall -Wextra -Werror -Os -static -s"
for h in app logd; do
	$CC $HFLAGS -o "$WORK/$h" "$HERE/$h.c"
done

# ---------------------------------------------------------------- initramfs
IR=$WORK/initramfs
mkdir -p "$IR"/{bin,dev,proc,sys,mnt,out,modules} "$WORK/bb"
dpkg-deb -x "$bdeb" "$WORK/bb"
cp "$WORK/bb/bin/busybox" "$IR/bin/busybox"
cp "$KDIR"/modules/* "$IR/modules/"
cp "$CAPTURE" "$IR/bin/capture"
cp "$WORK/logd" "$IR/bin/logd"
cp "$HERE/init.sh" "$IR/init"
chmod 755 "$IR/init" "$IR/bin/"*
( cd "$IR" && find . | sort | cpio -o -H newc -R 0:0 --quiet ) | gzip -1 >"$WORK/initrd.gz"

# ---------------------------------------------------------------- disks
# Data disk: the file the apps map and the app binary itself, so that both
# its data and its code are evictable page cache on a slow disk.
mkdir -p "$WORK/data/bin" "$WORK/outdir"
head -c $((BIG_MB << 20)) /dev/urandom >"$WORK/data/big"
cp "$WORK/app" "$WORK/data/bin/app"
truncate -s $((BIG_MB + 16))M "$WORK/data.img"
mkfs.ext4 -q -F -L iod-data -d "$WORK/data" "$WORK/data.img"
rm -rf "$WORK/data"
truncate -s 32M "$WORK/out.img"
mkfs.ext4 -q -F -L iod-out -d "$WORK/outdir" "$WORK/out.img"

# ---------------------------------------------------------------- boot
THR=
[ "$DISK_BPS" = 0 ] || THR="$THR,throttling.bps-total=$DISK_BPS"
[ "$DISK_IOPS" = 0 ] || THR="$THR,throttling.iops-total=$DISK_IOPS"
CMDLINE="console=$CONSOLE loglevel=4 log_buf_len=4M panic=5 rdinit=/init"
CMDLINE="$CMDLINE iod_dur=$DUR iod_int=$INTERVAL iod_avail=$AVAIL_KB iod_rate=$LEAK_RATE"
CMDLINE="$CMDLINE iod_delay=$LEAK_DELAY iod_when=$WHEN"
QCMD=("$QEMU" "${MACHINE[@]}" -accel tcg,thread=multi -smp "$SMP" -m "$MEM_MB"
	-nodefaults -display none -no-reboot
	-kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" -append "$CMDLINE"
	-serial "file:$OUT/console.log"
	-drive "file=$WORK/data.img,if=none,id=data,format=raw,readonly=on$THR"
	-device virtio-blk-pci,drive=data,serial=iod-data
	-drive "file=$WORK/out.img,if=none,id=out,format=raw"
	-device virtio-blk-pci,drive=out,serial=iod-out)
T_PREP=$(($(date +%s) - T_START))
log "prepared in ${T_PREP}s; booting ($QEMU, ${MEM_MB} MiB, $SMP CPUs, capture -d $DUR)"
q0=$(date +%s.%N)
qrc=0
timeout "$QEMU_TIMEOUT" "${QCMD[@]}" </dev/null || qrc=$?
q1=$(date +%s.%N)
QWALL=$(awk -v a="$q0" -v b="$q1" 'BEGIN { printf "%.1f", b - a }')
tr -d '\r' <"$OUT/console.log" >"$OUT/console.txt" && mv "$OUT/console.txt" "$OUT/console.log"
[ "$qrc" = 0 ] || log "QEMU exited $qrc after ${QWALL}s (124 = timeout); console: $OUT/console.log"

# ---------------------------------------------------------------- checks
FAILS=0
pass() { log "ok:   $*"; }
fail() { log "FAIL: $*"; FAILS=$((FAILS + 1)); }
con() { sed -n "/^IOD: $1/{s/^IOD: $1//p;q;}" "$OUT/console.log"; }	# first IOD: line

debugfs -R "dump /snap.zst $OUT/snap.zst" "$WORK/out.img" >/dev/null 2>&1 || true
debugfs -R "dump /dmesg.txt $OUT/dmesg.txt" "$WORK/out.img" >/dev/null 2>&1 || true
grep -q '^IOD: poweroff' "$OUT/console.log" && pass "guest ran to poweroff (QEMU ${QWALL}s)" ||
	fail "guest did not reach poweroff (QEMU rc $qrc); see $OUT/console.log"
caprc=$(con 'capture rc=' | cut -d' ' -f1)
[ "$caprc" = 0 ] && pass "capture exited 0" || fail "capture exit status '${caprc}'"

SIZE=0 TRIG=0 DUMPS_W=0 DUMPS_L=0 DTASKS=0
if [ -s "$OUT/snap.zst" ]; then
	SIZE=$(wc -c <"$OUT/snap.zst")
	if "$ANALYZE" info --json "$OUT/snap.zst" >"$OUT/info.json" 2>"$OUT/info.err"; then
		"$ANALYZE" info "$OUT/snap.zst" >"$OUT/info.txt" 2>&1 || true
		dam=$(jq '.capture.damaged_regions' "$OUT/info.json")
		clean=$(jq '.capture.clean_end' "$OUT/info.json")
		samples=$(jq '.capture.samples' "$OUT/info.json")
		[ "$dam" = 0 ] && [ "$clean" = true ] && [ "$samples" -gt 0 ] &&
			pass "capture reads without damage ($samples samples, clean end, $SIZE bytes)" ||
			fail "capture damaged or cut: damaged_regions=$dam clean_end=$clean samples=$samples"
	else
		fail "analyze info rejected the capture: $(head -1 "$OUT/info.err")"
	fi
	# sysrq triggers: each time capture fires it writes l, then w, and one
	# TEXT record of kind "trigger" per key ("l REASON", "w REASON", each
	# with its own id); a firing is counted by its w
	"$ANALYZE" dump "$OUT/snap.zst" >"$WORK/dump.jsonl" 2>/dev/null || true
	TRIG=$(jq -r 'select(.type == "text" and .kind == "trigger") | .text' "$WORK/dump.jsonl" | grep -c '^w ' || true)
	jq -r 'select(.type == "text" and .kind == "trigger") | "\(.ts_us / 1e6) \(.text)"' "$WORK/dump.jsonl" >"$OUT/triggers.txt"
	ANSWER=$(jq -r 'select(.type == "text" and .kind == "kmsg" and .trigger > 0) | .trigger' "$WORK/dump.jsonl" | wc -l)
	[ "$TRIG" -ge "$MIN_TRIGGERS" ] && [ "$ANSWER" -ge 1 ] &&
		pass "capture fired sysrq $TRIG times (l+w each); $ANSWER kernel log records answer them" ||
		fail "capture fired sysrq $TRIG times (want >= $MIN_TRIGGERS), $ANSWER kernel log records answer them (want >= 1)"
	if "$ANALYZE" stacks --json "$OUT/snap.zst" >"$OUT/stacks.json" 2>"$OUT/stacks.err"; then
		DUMPS_W=$(jq '[.dumps[] | select(.kind == "sysrq-w")] | length' "$OUT/stacks.json")
		DUMPS_L=$(jq '[.dumps[] | select(.kind == "sysrq-l")] | length' "$OUT/stacks.json")
		DTASKS=$(jq '[.dumps[] | select(.kind == "sysrq-w") | .tasks[] | select(.state == "D")] | length' "$OUT/stacks.json")
		[ "$DUMPS_W" -ge 1 ] && [ "$DTASKS" -ge 1 ] &&
			pass "$DUMPS_W sysrq-w dumps with $DTASKS tasks in D" ||
			fail "$DUMPS_W sysrq-w dumps with $DTASKS tasks in D (want >= 1 and >= 1)"
		[ "$DUMPS_L" -ge 1 ] && pass "$DUMPS_L sysrq-l dumps" || fail "no sysrq-l dump"
	else
		fail "analyze stacks --json failed: $(head -1 "$OUT/stacks.err")"
	fi
	# logd: recorded, and its RSS (pages) grew during the capture
	rss=$(jq -r 'select(.type == "task" and .v.comm == "logd" and .v.rss != null) | .v.rss' "$WORK/dump.jsonl")
	rss_first=$(echo "$rss" | head -1) rss_max=$(echo "$rss" | sort -n | tail -1)
	if [ -n "$rss_first" ] && [ "$rss_max" -gt $((rss_first * 4)) ]; then
		pass "logd recorded, RSS grew from $rss_first to $rss_max pages"
	else
		fail "logd RSS not seen growing (first '${rss_first}', max '${rss_max}' pages)"
	fi
	if "$ANALYZE" --json "$OUT/snap.zst" >"$OUT/report.json" 2>"$OUT/report.err" &&
		jq -e '.causes | type == "array"' "$OUT/report.json" >/dev/null; then
		pass "analyze --json: causes $(jq -r '[.causes[] | .id + (if .culprit then "(" + .culprit.comm + ")" else "" end)] | join(", ")' "$OUT/report.json")"
	else
		fail "analyze --json failed: $(head -1 "$OUT/report.err")"
	fi
else
	fail "no capture came back from the output disk"
fi
before=$(con 'sysrq before=') after=$(con 'sysrq after=')
case $after in
*restored) pass "kernel.sysrq restored ($before before, ${after%% *} after)" ;;
*) fail "kernel.sysrq before '$before', after '$after'" ;;
esac

BOOT=$(con 'init uptime=' | cut -d' ' -f1)
{
	echo "arch=$ARCH kernel=$kver qemu=$QEMU mem=${MEM_MB}M smp=$SMP"
	echo "boot_s=${BOOT:-?} (guest uptime at /init) prep_s=$T_PREP qemu_wall_s=$QWALL total_s=$(($(date +%s) - T_START))"
	echo "triggers=$TRIG sysrq_w_dumps=$DUMPS_W sysrq_l_dumps=$DUMPS_L d_tasks=$DTASKS capture_bytes=$SIZE"
	echo "sysrq before=${before:-?} after=${after:-?}"
	echo "guest: $(con 'end ')"
	echo "checks_failed=$FAILS"
} >"$OUT/summary.txt"
sed "s/^/qemu[$ARCH] /" "$OUT/summary.txt" >&2
[ "$FAILS" = 0 ] || exit 1
