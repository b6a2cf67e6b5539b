#!/bin/sh
# valgrind.sh TEST_BIN... - run each under memcheck, then the two programs
# on real inputs; print one line per run and a summary; exit 1 on any error.
set -u
VG="valgrind -q --error-exitcode=99 --leak-check=full --track-origins=yes"
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
run() { # NAME CMD...: rc 99 = a memcheck error; a test's own failure counts too
	name=$1; shift
	"$@" > "$T/out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass=$((pass + 1)); echo "valgrind: ok    $name"
	else
		fail=$((fail + 1)); echo "valgrind: FAIL  $name (exit $rc)"; tail -40 "$T/out"
	fi
}
for t in "$@"; do
	run "$t" $VG "$t"
done
A=$BUILD/analyze
cp -r "$TEST_DATA/sick" "$T/"
run "capture on the sick fixture" $VG "$BUILD/capture" -o "$T/c.cap" --proc-root "$T/sick/proc" \
	--kmsg "$T/sick/kmsg" --sysrq every=0.1 -i 0.1 -n 5
run "capture on /proc" $VG "$BUILD/capture" -o "$T/r.cap" --sysrq off -i 0.2 -n 3
for f in samples/seed.zst "$T/c.cap"; do
	run "analyze $f" $VG "$A" "$f"
	run "analyze --json $f" $VG "$A" --json "$f"
	run "analyze html $f" $VG "$A" html "$f" -o "$T/r.html"
	run "analyze timeline $f" $VG "$A" timeline "$f"
	run "analyze stacks $f" $VG "$A" stacks "$f"
	run "analyze info $f" $VG "$A" info "$f"
done
"$A" dump samples/seed.zst > "$T/seed.jsonl"
run "analyze dump samples/seed.zst" $VG "$A" dump samples/seed.zst
run "analyze (JSONL input)" $VG "$A" "$T/seed.jsonl"
run "analyze stacks (log text)" $VG "$A" stacks tests/data/dmesg/arm-4.9-seed-sysrq-w.txt
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
