#!/bin/sh
# soak.sh BUILD_DIR [SECONDS] - capture at 1 Hz for SECONDS (default 3600)
# while a churn of short-lived processes runs (a few per 100 ms, each
# living 0.1-3 s, thousands over the run), then checks the file reads back
# complete (one sample per second, an END, no damage, no lost-task note) and
# that the recorder's RSS stayed flat (self rss_kb at the 10th sample vs
# the last).  Not part of make check: it takes an hour by default.
set -eu
B=${1:?usage: bench/soak.sh BUILD_DIR [SECONDS]}
D=${2:-3600}
S=$(mktemp -d /tmp/capture-soak.XXXXXX)
churn=""
cleanup() { [ -n "$churn" ] && kill "$churn" 2>/dev/null; rm -rf "$S"; }
trap cleanup EXIT INT TERM
CC=${CC:-cc}
$CC -O2 -D_GNU_SOURCE -Iformat -o "$S/capdump" tests/capdump.c format/reader.c -lzstd
(
	i=0
	while :; do
		for k in 1 2 3; do sleep "$(( (i * 7 + k * 13) % 30 / 10 )).$(( (i + k) % 10 ))" & done
		i=$((i + 1))
		sleep 0.1
	done
) &
churn=$!
"$B/capture" -o "$S/soak.cap" -i 1 -d "$D" --sysrq off 2> "$S/err"
kill "$churn" 2>/dev/null || true
churn=""
"$S/capdump" "$S/soak.cap" | awk -v d="$D" '
	/^sample / { n++ }
	/^end/ { ends++ }
	/^damage/ { dmg++ }
	/^task / && / new=1 / { newt++ }
	/^text / && (/task limit/ || /records lost/) { lost++ }
	/^group source="self"/ { for (i = 1; i <= NF; i++) if ($i ~ /^rss_kb=/) { r = substr($i, 8); if (n == 10) r10 = r; last = r } }
	END {
		printf "soak %d s: %d samples, %d new tasks recorded, %d END, %d damage, %d lost-task notes; self RSS %s kB at sample 10, %s kB at the end\n",
			d, n, newt, ends, dmg, lost, r10, last
		ok = ends == 1 && !dmg && !lost && r10 == last && n >= d * 0.9
		print ok ? "soak: ok" : "soak: FAIL"
		exit !ok
	}'
