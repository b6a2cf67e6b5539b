#!/bin/sh
# demo.sh BUILD_DIR - what the pair does: the report of a real recorded
# failure (the seed incident, reproduced), then a short capture of this
# machine read back.
set -eu
b=$1
if [ -f samples/seed.zst ]; then
	echo "== analyze samples/seed.zst   (a leaking logd drives page-cache thrash; samples/seed.md)"
	"$b/analyze" samples/seed.zst
	echo
fi
echo "== capture -o $b/demo.zst -n 5 -i 0.5   (this machine, 2 seconds)"
"$b/capture" --force -o "$b/demo.zst" -n 5 -i 0.5 --sysrq off
"$b/analyze" info "$b/demo.zst"
