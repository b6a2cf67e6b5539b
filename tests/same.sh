#!/bin/sh
# same.sh OLD_ANALYZE NEW_ANALYZE - do two analyze binaries print the same
# bytes?  For a change meant to be fast and nothing else: every output a
# person or a script reads (the report as text, JSON and Markdown, the
# timeline CSV, the task table, info, the JSON Lines dump, and the report
# of that dump read back) on every samples/*.zst, tests/data/golden-v*.zst
# and generated captures with many tasks (bench/gencap.c: the 24 h bench
# capture's story at 300 tasks over 3 h, the cgroup story, the late story
# in short frames).  About two minutes.  Prints one
# line per difference and ends with a count; exit 1 on any difference.
# Keep OLD as a copy: cp build/analyze /tmp/analyze.old before the change.
set -u
old=${1:?usage: tests/same.sh OLD_ANALYZE NEW_ANALYZE}
new=${2:?usage: tests/same.sh OLD_ANALYZE NEW_ANALYZE}
T=$(mktemp -d "${TMPDIR:-/tmp}/same.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Iformat bench/gencap.c format/writer.c -lzstd -lm -o "$T/gencap" || exit 1
"$T/gencap" "$T/gen-seed-3h.zst" --scenario seed --seconds "${SECS:-10800}" --tasks 300 || exit 1
"$T/gencap" "$T/gen-cgroup-1h.zst" --scenario cgroup --seconds 3600 --tasks 120 || exit 1
"$T/gencap" "$T/gen-late-1h.zst" --scenario late --seconds 3600 --tasks 60 --frame 60 || exit 1
export COLUMNS=100 TZ=UTC
n=0 bad=0
# outputs FILE: one "name|arguments" per line
views() {
	echo "report|$1"
	echo "json|$1 --json"
	echo "markdown|$1 --markdown"
	echo "timeline-csv|timeline $1 --csv"
	echo "top|top $1 --at 120 --rows 0"
	echo "top-json|top $1 --at 30 --json --rows 0"
	echo "info|info $1 --json"
	echo "stacks|stacks $1"
}
for f in samples/*.zst tests/data/golden-v*.zst "$T"/gen-*.zst; do
	b=$(basename "$f" .zst)
	"$old" dump "$f" > "$T/$b.old.jsonl" 2>&1
	"$new" dump "$f" > "$T/$b.new.jsonl" 2>&1
	n=$((n + 1))
	if ! cmp -s "$T/$b.old.jsonl" "$T/$b.new.jsonl"; then
		echo "differs: dump $f"
		bad=$((bad + 1))
	fi
	# the dump read back goes through the JSON Lines reader; a generated
	# capture's dump is large and slow to read, and adds nothing there
	srcs="$f"
	case "$b" in gen-*) ;; *) srcs="$f $T/$b.old.jsonl" ;; esac
	for src in $srcs; do
		views "$src" > "$T/views"
		while IFS='|' read -r name args; do
			# shellcheck disable=SC2086
			"$old" $args > "$T/o" 2>&1
			ro=$?
			# shellcheck disable=SC2086
			"$new" $args > "$T/n" 2>&1
			rn=$?
			n=$((n + 1))
			if [ "$ro" != "$rn" ] || ! cmp -s "$T/o" "$T/n"; then
				echo "differs: $name of $src (exit $ro vs $rn)"
				diff "$T/o" "$T/n" | head -5
				bad=$((bad + 1))
			fi
		done < "$T/views"
	done
	rm -f "$T/$b.old.jsonl" "$T/$b.new.jsonl"
done
echo "same.sh: $n outputs compared, $bad differ"
[ "$bad" = 0 ]
