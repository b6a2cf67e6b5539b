#!/bin/sh
# cpuhog.sh - more runnable threads than CPUs, no I/O.  Phases: healthy
# 0-30 s, a spinner with 3 threads per CPU from 30 s, stopped at 100 s,
# recovery to 130 s.
NAME=cpuhog DURATION_S=${DURATION_S:-130}
. "$(dirname "$0")/lib.sh"
scenario_start
capture_start
phase healthy
sleep_until 30
phase spin
spawn spinner spin $(( $(nproc) * 3 ))
SPIN=$SPAWNED
sleep_until 100
phase recovery
kill -TERM "$SPIN"
scenario_end
