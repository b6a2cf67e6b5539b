#!/bin/sh
# seed.sh - the field incident: a log daemon (logd) leaks anonymous memory
# while apps depend on file-backed pages; with no swap the kernel evicts the
# apps' pages, they fault them back from a slow disk, and iowait soars.
# Killing logd ends it.  Phases: healthy 0-40 s, leak from 40 s (10 MiB/s up
# to 345 MiB in a 400 MiB cgroup), logd killed at 140 s, recovery to 190 s.
NAME=seed DURATION_S=${DURATION_S:-190}
. "$(dirname "$0")/lib.sh"
scenario_start
emmc_data 256
capture_start
phase healthy
spawn app app "$WORKDIR/data" 64 10
spawn videocapture app "$WORKDIR/data" 64 10
spawn tracker app "$WORKDIR/data" 64 10
sleep_until 40
phase leak
spawn logd leak 10 345
LOGD=$SPAWNED
sleep_until 140
phase recovery
kill -TERM "$LOGD"
say "killed logd ($LOGD)"
scenario_end
