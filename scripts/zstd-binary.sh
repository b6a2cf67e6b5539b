#!/bin/sh
# zstd-binary.sh ARCH DIR - the fallback when no zstd source package can be
# had: Debian's own static libzstd.a for ARCH (libzstd-dev, the multiarch
# package for cross builds), with its headers, into DIR, where the static
# build expects a home-built one.
#
# What it costs: Debian's archive carries zstd's decompressor, legacy
# formats, dictionary builder and every block compressor, built -O2; the
# static capture grows ~2.5x (x86_64 ~190 KB -> ~480 KB) and is held to the
# fallback's limits in scripts/static-sizes.sh.  MIPS (big-endian) has no
# Debian port, so there is nothing to fall back on.
set -eu
[ $# = 2 ] || { echo "usage: zstd-binary.sh ARCH DIR" >&2; exit 2; }
arch=$1 dir=$2
case "$arch" in
x86_64) triplet=x86_64-linux-gnu deb=amd64 ;;
aarch64|arm64) triplet=aarch64-linux-gnu deb=arm64 ;;
armhf) triplet=arm-linux-gnueabihf deb=armhf ;;
*)
	echo "zstd-binary.sh: no zstd source could be had and Debian has no libzstd-dev for $arch; try again later or set SRC_TRY_FIRST to a version the mirror serves" >&2
	exit 1 ;;
esac
# The package is downloaded and unpacked here, never installed: a foreign
# arch's libzstd-dev must match the host's libzstd1 version exactly
# (Multi-Arch: same), and the mirror may serve the host a security update
# it serves no foreign index for.
pkg=libzstd-dev:$deb
[ "$deb" = "$(dpkg --print-architecture)" ] || sh "$(dirname "$0")/cross-setup.sh" "$deb"
mkdir -p "$dir"
work=$dir/deb
rm -rf "$work" && mkdir -p "$work"
got=""
for v in $(apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }'); do
	if (cd "$work" && apt-get download -q "$pkg=$v") >"$dir/apt.log" 2>&1; then
		got=$v; break
	fi
	echo "zstd-binary.sh: $pkg $v is listed but not served; trying the next version" >&2
done
[ -n "$got" ] || { echo "zstd-binary.sh: no version of $pkg could be downloaded (apt-get update? see $dir/apt.log)" >&2; exit 1; }
dpkg-deb -x "$work"/libzstd-dev_*.deb "$work/root"
a=$work/root/usr/lib/$triplet/libzstd.a
[ -f "$a" ] || { echo "zstd-binary.sh: $pkg $got holds no usr/lib/$triplet/libzstd.a" >&2; exit 1; }
cp "$a" "$dir/libzstd.a"
# musl-gcc builds with -nostdinc: expose zstd's headers alone, not glibc's.
cp "$work/root/usr/include/zstd.h" "$work/root/usr/include/zstd_errors.h" "$dir/"
rm -rf "$work"
ver=$got
echo "debian-binary $pkg $ver" >"$dir/.origin"
echo "static.mk: no zstd source package could be downloaded: linking Debian's binary libzstd.a ($pkg $ver) for $arch; the capture is ~2.5x larger (zstd's decompressor and every compressor come with it), see make sizes" >&2
