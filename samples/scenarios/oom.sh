#!/bin/sh
# oom.sh - a leaker grows past its cgroup's limit and the kernel's OOM killer
# kills it.  Phases: healthy 0-30 s, leak from 30 s (10 MiB/s, no cap) in a
# 400 MiB cgroup, killed by the kernel around 70 s, after-kill to 120 s.
NAME=oom DURATION_S=${DURATION_S:-120}
. "$(dirname "$0")/lib.sh"
scenario_start
emmc_data 128
capture_start
phase healthy
spawn app app "$WORKDIR/data" 64 10
sleep_until 30
phase leak
spawn memhog leak 10 2000
sleep_until 100
scenario_end
