#!/bin/sh
# demo.sh BUILD_DIR - show what the tools do on this machine.
set -eu
b=$1
"$b/capture" -o "$b/demo.zst" -n 5 -i 0.5 --sysrq off
"$b/analyze" info "$b/demo.zst"
