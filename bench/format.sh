#!/bin/sh
# format.sh BUILD_DIR - the capture format's encode/decode cost and size on a
# synthetic 300-task series, beside stock zstd on the same bytes.
set -eu
b=$1
d="$b/bench"
mkdir -p "$d"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iformat -o "$d/format_bench" bench/format_bench.c \
	format/reader.c format/inflate.c format/tidmap.c format/names.c format/writer.c -lzstd -pthread
"$d/format_bench" 3600 "$d/format.zst"
# The same bytes through the stock CLI, for a reader who trusts only that.
zstd -qdc "$d/format.zst" > "$d/format.raw"
echo "stock zstd CLI on the raw record stream (zstd -b3 -i3 -T1: size, compress, decompress speed):"
zstd -b3 -i3 -T1 "$d/format.raw" 2>&1 | tr '\r' '\n' | grep 'format.raw' | tail -1

# Format v2's design figures (FORMAT.md, "Why version 2 looks like this"):
# the recorded seed sample (v1) replayed through today's writer with other
# frame lengths and levels, flush points every 10 samples as at 1 Hz.
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iformat -o "$d/recode" bench/recode.c format/reader.c format/inflate.c format/tidmap.c format/names.c format/writer.c -lzstd -pthread
seed=samples/seed.zst
n=$("$d/recode" "$seed" | cut -d' ' -f1)
echo "seed sample as recorded (format 1): $(wc -c < "$seed") bytes, $(( $(wc -c < "$seed") / n )) bytes/sample"
for a in "--frame 0" "--frame 60" "--frame 600" "--frame 600 --level 1" "--frame 600 --level 9"; do
	# shellcheck disable=SC2086
	printf '  recoded %-22s %s\n' "$a:" "$("$d/recode" "$seed" $a)"
done
v2=$("$d/recode" "$seed" | awk '{print $5}')
echo "ratio: seed-like sample in format 2: $v2 bytes/sample (target <= 400)"
