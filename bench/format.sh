#!/bin/sh
# format.sh BUILD_DIR - the capture format's encode/decode cost and size on a
# synthetic 300-task series, beside stock zstd on the same bytes.
set -eu
b=$1
d="$b/bench"
mkdir -p "$d"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iformat -o "$d/format_bench" bench/format_bench.c \
	format/reader.c format/writer.c -lzstd
"$d/format_bench" 3600 "$d/format.zst"
# The same bytes through the stock CLI, for a reader who trusts only that.
zstd -qdc "$d/format.zst" > "$d/format.raw"
echo "stock zstd CLI on the raw record stream (zstd -b3 -i3 -T1: size, compress, decompress speed):"
zstd -b3 -i3 -T1 "$d/format.raw" 2>&1 | tr '\r' '\n' | grep 'format.raw' | tail -1
