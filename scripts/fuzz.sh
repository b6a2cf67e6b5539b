#!/bin/sh
# fuzz.sh SECONDS TARGET... - build each libFuzzer target against every
# non-main source, seed it, run it; a crash leaves its input under
# build/fuzz/TARGET-crashes/ and fails the run.
set -eu
secs=$1; shift
out=build/fuzz
mkdir -p "$out"
srcs="$(ls format/*.c) $(ls capture/*.c analyze/*/*.c 2>/dev/null | grep -v '/main\.c$' || true)"
incs="$(for d in analyze/*/; do printf ' -I%s' "${d%/}"; done)"
seeds() { # the inputs each target starts from
	case $1 in
	fuzz_reader) ls tests/data/*.zst samples/*.zst 2>/dev/null ;;
	fuzz_jsonl) ls samples/*.jsonl tests/data/*.jsonl tests/data/jsonl/*.jsonl 2>/dev/null ;;
	fuzz_kdump) ls tests/data/dmesg/* 2>/dev/null ;;
	fuzz_proc) { find tests/data/proc tests/data/sick tests/data/cgroup-v2 -type f -size -64k
		ls tests/data/mountinfo-* tests/data/mounts-* tests/data/pid-cgroup-*; } 2>/dev/null | head -400 ;;
	esac
}
rc=0
for t in "$@"; do
	bin=$out/$t
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iformat -Icapture $incs \
		-o "$bin" "fuzz/$t.c" $srcs -lzstd -pthread -ljansson -lm
	corpus=$out/$t-corpus crashes=$out/$t-crashes
	mkdir -p "$corpus" "$crashes"
	# seeds share base names (stat, meminfo...): number them
	i=0
	for s in $(seeds "$t"); do
		i=$((i + 1))
		cp "$s" "$corpus/seed$i-${s##*/}" 2>/dev/null || true
	done
	echo "== $t: $secs s, $(ls "$corpus" | wc -l) seeds"
	if "$bin" -max_total_time="$secs" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" > "$out/$t.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$t.log" | tr '\n' ' '
		echo
	else
		echo "$t: FAILED, see $out/$t.log and $crashes/"
		tail -30 "$out/$t.log"
		rc=1
	fi
done
exit $rc
