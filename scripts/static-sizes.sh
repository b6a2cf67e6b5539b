#!/bin/sh
# static-sizes.sh DIR - table of the stripped static capture binaries in DIR
# (capture-ARCH, from `make static` / `make cross`) against their size limits;
# exits 1 if one is over its limit, so it serves as the size test too.
#
# Why limits: the binary is copied onto devices with a few MB of free flash
# or tmpfs, often over a serial console or a slow link; it only ever grows
# by accident.  1 KB = 1000 bytes here (the stricter reading).  armhf is
# smallest (Thumb-2), MIPS largest (fixed 32-bit instructions, soft-float).
# A build that fell back on Debian's binary libzstd.a (no zstd source could be
# downloaded; mk/static.mk) carries all of zstd and has limits of its own.
set -eu
dir=${1:-build/static}
limit_kb() {
	case "$2-$1" in
	source-armhf) echo 200 ;;
	source-x86_64|source-arm64|source-aarch64) echo 250 ;;
	source-mips) echo 300 ;;
	source-*) echo 250 ;;
	debian-binary-armhf) echo 400 ;;
	debian-binary-*) echo 600 ;;
	*) echo 250 ;;
	esac
}
found=0 over=0
printf '%-8s %10s %8s %9s  %-6s %s\n' arch bytes KB "limit KB" status "zstd (and libc for mips)"
for f in "$dir"/capture-*; do
	[ -f "$f" ] || continue
	a=${f##*/capture-}
	case "$a" in *.*) continue ;; esac   # capture-ARCH only, no logs or copies
	found=1
	bytes=$(wc -c <"$f" | tr -d ' ')
	origin=$(cat "$dir/$a/zstd/.origin" 2>/dev/null || echo "unknown")
	lim=$(limit_kb "$a" "${origin%% *}")
	kb=$(( (bytes + 999) / 1000 ))
	if [ "$bytes" -le $((lim * 1000)) ]; then st=ok; else st=OVER; over=1; fi
	extra=""
	[ "$a" = mips ] && [ -f "$dir/src/musl.version" ] && extra=", $(cat "$dir/src/musl.version"), soft-fp of $(cat "$dir/src/softfp.version" 2>/dev/null || echo '?')"
	printf '%-8s %10s %8s %9s  %-6s %s\n' "$a" "$bytes" "$kb" "$lim" "$st" "$origin$extra"
done
if [ "$found" = 0 ]; then
	echo "static-sizes.sh: no $dir/capture-*; run make static or make cross" >&2
	exit 2
fi
[ "$over" = 0 ] || { echo "static-sizes.sh: a static capture is over its size limit" >&2; exit 1; }
