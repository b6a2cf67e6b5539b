#!/bin/sh
# run.sh BUILD_DIR TEST_BIN... - run the cmocka binaries, then every
# tests/e2e_*.sh; keep going after a failure; end with "N passed, N failed".
set -u
build=$1; shift
export BUILD="$build" TEST_DATA=tests/data
pass=0 fail=0 failed=""
for t in "$@" tests/e2e_*.sh; do
	[ -e "$t" ] || continue
	case "$t" in *.sh) cmd="sh $t" ;; *) cmd="$t" ;; esac
	if $cmd; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed="$failed $t"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
