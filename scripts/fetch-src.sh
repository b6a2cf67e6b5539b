#!/bin/sh
# fetch-src.sh PKG DEST [--download-only] - a Debian source package, from the
# newest version the mirror really serves.
#
# Why not plain 'apt-get source PKG': it asks for the newest version apt knows
# of, and a security update's source is not always served where its binary
# is (bookworm-security listed libzstd 1.5.4+dfsg2-5+deb12u1 while its .dsc
# gave 404).  So every version 'apt-cache showsrc' lists is tried, newest
# first, until one downloads (and unpacks); the one used is printed and
# written to DEST.version.
#
#   unpacked      DEST is the source tree (dpkg-source's directory, renamed)
#   --download-only  DEST holds the .dsc and tarballs as downloaded
#
# Exit: 0 done; 3 no listed version could be had (callers may fall back to a
# binary package); 1 anything else (no deb-src entries, bad arguments).
#
# For tests: SRC_TRY_FIRST="V..." versions to try before the listed ones (a
# bogus one proves the fallback to the next); SRC_VERSIONS="V..." replaces
# the list ("none": nothing to try, proves the binary fallback).
set -eu
[ $# -ge 2 ] || { echo "usage: fetch-src.sh PKG DEST [--download-only]" >&2; exit 1; }
pkg=$1 dest=$2 dl=${3:-}
case "$dl" in ""|--download-only) ;; *) echo "fetch-src.sh: unknown option '$dl'" >&2; exit 1 ;; esac

# "SOURCE VERSION" for every source record apt knows under this name.
listed=$(apt-cache showsrc "$pkg" 2>/dev/null |
	awk '/^Package:/ { p = $2 } /^Version:/ { print p, $2 }' | sort -u) || listed=""
if [ -z "$listed" ] && [ -z "${SRC_VERSIONS:-}" ]; then
	echo "fetch-src.sh: apt knows no source for '$pkg'; is deb-src set up (sh scripts/cross-setup.sh src) and 'apt-get update' run?" >&2
	exit 1
fi
src=$(printf '%s\n' "$listed" | awk 'NR == 1 { print $1 }')
[ -n "$src" ] || src=$pkg

# Newest first, by dpkg's own ordering (sort -V gets "+deb12u1" and "~" wrong).
sorted=""
for v in $(printf '%s\n' "$listed" | awk '{ print $2 }'); do
	out="" placed=0
	for s in $sorted; do
		if [ "$placed" = 0 ] && dpkg --compare-versions "$v" gt "$s"; then
			out="$out $v"; placed=1
		fi
		out="$out $s"
	done
	[ "$placed" = 1 ] || out="$out $v"
	sorted=$out
done
case "${SRC_VERSIONS:-}" in
none) sorted="" ;;
"") ;;
*) sorted=$SRC_VERSIONS ;;
esac
try="${SRC_TRY_FIRST:-} $sorted"

work=$dest.dl
log=$dest.log
: >"$log"
for v in $try; do
	rm -rf "$work" "$dest" && mkdir -p "$work"
	# 'apt-get source' warns that it runs unsandboxed as root: harmless.
	if (cd "$work" && apt-get source $dl "$src=$v") >>"$log" 2>&1; then
		if [ -n "$dl" ]; then
			mv "$work" "$dest"
		else
			d=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
			[ -n "$d" ] || { echo "fetch-src.sh: $src $v downloaded but did not unpack (see $log)" >&2; continue; }
			mv "$d" "$dest" && rm -rf "$work"
		fi
		echo "$src $v" >"$dest.version"
		echo "fetch-src.sh: using $src $v from Debian's source packages" >&2
		exit 0
	fi
	echo "fetch-src.sh: $src $v is listed but not served; trying the next version" >&2
	rm -rf "$work"
done
rm -f "$dest.version"
echo "fetch-src.sh: no version of $src could be downloaded (tried:$try); see $log" >&2
exit 3
