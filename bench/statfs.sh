#!/bin/sh
# statfs.sh BUILD_DIR - the cost per sample of the tmpfs/ramfs usage source
# (capture/src_statfs.c) beside one read of /proc/meminfo, with 8 and 64
# extra tmpfs mounts (bench/statfs.c; root, for a private mount namespace).
set -eu
B=${1:?usage: bench/statfs.sh BUILD_DIR}
CC=${CC:-cc}
S=$(mktemp -d /tmp/statfs-bench.XXXXXX)
trap 'rm -rf "$S"' EXIT INT TERM
$CC -std=c11 -O2 -D_GNU_SOURCE -Iformat -Icapture -o "$S/statfs" bench/statfs.c capture/src_statfs.c capture/util.c
for m in 8 64; do "$S/statfs" "$m" 20000; done
