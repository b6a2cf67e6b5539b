#!/bin/sh
# idle.sh - a healthy system, for reference: light app load, plenty of memory.
NAME=idle DURATION_S=${DURATION_S:-90}
. "$(dirname "$0")/lib.sh"
scenario_start
"$WORKDIR/bin/workload" mkfile "$WORKDIR/data" 32
capture_start
phase healthy
spawn app app "$WORKDIR/data" 16 50
scenario_end
