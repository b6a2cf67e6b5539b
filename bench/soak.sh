#!/bin/sh
# soak.sh BUILD_DIR [SECONDS] - capture at 1 Hz for SECONDS (default 3600)
# beside bench/churn.c: 2 short-lived processes a second (0.1-3 s each,
# thousands over the run) and, at 1/3 and 2/3 of the run, two peaks of the
# same size (1,500 processes living 30 s).  Then it reads the file back and
# checks:
#   complete: every churn child that lived across a whole sample (from the
#     sample's mono_us to mono_us + took_us) is live in that sample's
#     records; one END, no damage, no lost-task note, >= 90% of the samples;
#   flat RSS: the recorder's self rss_kb rises only at a sample where the
#     task tables' occupancy reaches a new high (the tables grow to the
#     peak and stay); the second peak, no higher than the first, must cost
#     nothing.  Occupancy is the previous sample's live tasks plus this
#     sample's new ones: the writer holds both until the sample ends, so
#     heavy turnover at a steady live count can still need a bigger table.
# RSS and task counts are printed every INTERVAL samples (SOAK_EVERY,
# default 300).  SOAK_KEEP=DIR keeps the capture and churn log there;
# SOAK_REUSE=1 with it checks the files a previous run kept.
# Not part of make check: it takes an hour by default.
set -eu
B=${1:?usage: bench/soak.sh BUILD_DIR [SECONDS]}
D=${2:-3600}
EVERY=${SOAK_EVERY:-300}
S=${SOAK_KEEP:-$(mktemp -d /tmp/capture-soak.XXXXXX)}
mkdir -p "$S"
churn=""
cleanup() {
	[ -n "$churn" ] && kill "$churn" 2>/dev/null
	[ -n "${SOAK_KEEP:-}" ] || rm -rf "$S"
}
trap cleanup EXIT INT TERM
CC=${CC:-cc}
$CC -O2 -D_GNU_SOURCE -Iformat -o "$S/capdump" tests/capdump.c format/reader.c format/inflate.c format/tidmap.c format/names.c -lzstd -pthread
$CC -O2 -D_GNU_SOURCE -o "$S/churn" bench/churn.c
if [ -z "${SOAK_REUSE:-}" ]; then
	rm -f "$S/soak.cap" "$S/churn.log"
	"$S/churn" "$S/churn.log" "$D" &
	churn=$!
	"$B/capture" -o "$S/soak.cap" -i 1 -d "$D" --sysrq off 2> "$S/err"
	wait "$churn" || true
	churn=""
fi
sort -k2,2n "$S/churn.log" > "$S/churn.sorted"
"$S/capdump" "$S/soak.cap" | awk -v d="$D" -v every="$EVERY" -v clog="$S/churn.sorted" '
	BEGIN {
		while ((getline l < clog) > 0) {
			split(l, f, " ")
			nc++; P[nc] = f[1]; F[nc] = f[2]; T[nc] = f[3]
		}
		lo = 1
	}
	/^sample / {
		n++
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^mono_us=/) mono = substr($i, 9) + 0
			if ($i ~ /^key=/) key = substr($i, 5) + 0
		}
		if (key) { delete live; nlive = 0 }
		nnew = 0
	}
	/^task / {
		split($2, a, "=")
		if (!(a[2] in live)) { live[a[2]] = 1; nlive++ }
		if ($3 == "new=1") { newt++; nnew++ }
	}
	/^task_exit / {
		split($2, a, "=")
		if (a[2] in live) { delete live[a[2]]; nlive-- }
	}
	/^group source="self"/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^rss_kb=/) rss = substr($i, 8) + 0
	}
	/^sample_end / {
		split($2, a, "=")
		end = mono + a[2]
		# churn children live at most 30 s: older ones cannot cover this
		while (lo <= nc && F[lo] + 31000000 < mono) lo++
		for (j = lo; j <= nc && F[j] < mono; j++) {
			if (T[j] <= end) continue
			covered++
			if (!(P[j] in live)) {
				missed++
				if (missed <= 5) printf "missed: pid %s lived %s-%s, sample %d at %s-%s\n", P[j], F[j], T[j], n, mono, end
			}
		}
		if (n == 10) r10 = rss
		if (n == int(d / 2)) rmid = rss
		# the self group may be read before the walk that grew the
		# tables: a rise is explained by a new high in this sample or
		# one of the two before it
		occ = plive + nnew
		nh = occ > ohigh
		if (nh) ohigh = occ
		if (nlive > high) high = nlive
		if (n > 1 && rss > prss) {
			if (!nh && !nh1 && !nh2) leak++
			printf "RSS grew %d -> %d kB at sample %d: %d live, %d new, occupancy %d (high %d)%s\n",
				prss, rss, n, nlive, nnew, occ, ohigh, (!nh && !nh1 && !nh2) ? " UNEXPLAINED" : ""
			lastrise = n
		}
		nh2 = nh1; nh1 = nh; plive = nlive
		if (n % every == 0) printf "sample %d: self RSS %d kB, %d live tasks, high %d\n", n, rss, nlive, high
		prss = rss
	}
	/^end/ { ends++ }
	/^damage/ { dmg++ }
	/^text / && (/task limit/ || /records lost/ || /task table full/) { lost++ }
	END {
		printf "soak %d s: %d samples, %d new tasks recorded, %d churn children logged, %d child-samples checked, %d missed, %d END, %d damage, %d lost-task notes\n",
			d, n, newt, nc, covered, missed, ends, dmg, lost
		printf "self RSS %d kB at sample 10, %d kB at sample %d, %d kB at the end (sample %d); live-task high %d, occupancy high %d; last rise at sample %d; %d unexplained RSS rises\n",
			r10, rmid, int(d / 2), rss, n, high, ohigh, lastrise, leak
		ok = ends == 1 && !dmg && !lost && !missed && covered > 0 && !leak && n >= d * 0.9
		print ok ? "soak: ok" : "soak: FAIL"
		exit !ok
	}'
