#!/bin/sh
# run.sh BUILD_DIR - run every bench/*.sh; each prints its own figures.
set -u
b=$1
rc=0
for s in bench/*.sh; do
	[ "$s" = bench/run.sh ] && continue
	[ "$s" = bench/soak.sh ] && continue # an hour: run it by hand
	echo "== $s"
	sh "$s" "$b" || rc=1
done
exit $rc
