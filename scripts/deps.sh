#!/bin/sh
# deps.sh SET... - install the Debian packages a make target needs.
# Does nothing when all are present; tolerates an apt-get update that fails
# for an unrelated index; when not root, prints the exact command and stops.
set -u
pkgs=""
for set in "$@"; do
	case "$set" in
	build) pkgs="$pkgs gcc make libc6-dev libzstd-dev libjansson-dev zstd" ;;
	# python3: the end-to-end scripts check JSON with it
	check) pkgs="$pkgs gcc make libc6-dev libzstd-dev libjansson-dev libcmocka-dev zstd clang libclang-rt-14-dev python3" ;;
	# static/cross: musl for a small static capture; dpkg-dev for
	# 'apt-get source' (zstd, and musl for MIPS, are built from Debian's
	# source at build time); make and gcc for zstd's own Makefile.
	static) pkgs="$pkgs gcc make musl-tools dpkg-dev zstd" ;;
	# Cross compilers and qemu-user for the cross check.  The musl-dev:ARCH
	# sets need scripts/cross-setup.sh first (a foreign dpkg architecture).
	# MIPS (big-endian) has no Debian port: its musl is built from source.
	cross-armhf) pkgs="$pkgs gcc-arm-linux-gnueabihf binutils-arm-linux-gnueabihf qemu-user-static" ;;
	cross-arm64) pkgs="$pkgs gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user-static" ;;
	cross-mips) pkgs="$pkgs gcc-mips-linux-gnu binutils-mips-linux-gnu qemu-user-static" ;;
	musl-armhf) pkgs="$pkgs musl-dev:armhf" ;;
	musl-arm64) pkgs="$pkgs musl-dev:arm64" ;;
	bench) pkgs="$pkgs atop" ;;
	# headless Chromium for make html-check (tests/html_browser.sh) only:
	# the page is checked as a browser renders it; fonts so text is drawn
	browser) pkgs="$pkgs chromium fonts-dejavu-core" ;;
	# QEMU guests for make qemu-check (tests/qemu/run.sh); kernels and
	# busybox-static come per arch with apt-get download, not installed.
	qemu) pkgs="$pkgs qemu-system-x86 qemu-system-arm e2fsprogs cpio jq" ;;
	*) echo "deps.sh: unknown package set '$set'" >&2; exit 2 ;;
	esac
done
missing=""
for p in $pkgs; do
	case " $missing " in *" $p "*) continue ;; esac
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	[ "$s" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root:  apt-get update; $line" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An index that fails to update (a mirror mid-sync, a foreign arch) must not
# stop us: the install below is what has to succeed.
apt-get -o DPkg::Lock::Timeout=300 update >/dev/null 2>&1 || echo "deps.sh: apt-get update reported errors; trying the install anyway" >&2
apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $missing >/dev/null || {
	echo "deps.sh: '$line' failed; see the apt output above" >&2
	exit 1
}
