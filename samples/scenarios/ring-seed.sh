#!/bin/sh
# ring-seed.sh - the field incident recorded by the flight recorder:
# `capture --ring 60s --post 60s` runs from the start and writes nothing
# while the box is healthy; the seed's thrash (logd leaking 10 MiB/s up to
# 345 MiB in a 400 MiB cgroup while apps live on file-backed pages) trips
# its health trigger, and the file gets the minute before the trigger and
# what followed.  Phases: healthy 0-100 s, leak from 100 s, logd killed at
# 200 s, capture stopped at 230 s.
NAME=ring-seed DURATION_S=${DURATION_S:-230}
. "$(dirname "$0")/lib.sh"
scenario_start
emmc_data 256
capture_start --ring 60s --post 60s
phase healthy
spawn app app "$WORKDIR/data" 64 10
spawn videocapture app "$WORKDIR/data" 64 10
spawn tracker app "$WORKDIR/data" 64 10
sleep_until 100
phase leak
spawn logd leak 10 345
LOGD=$SPAWNED
sleep_until 200
phase recovery
kill -TERM "$LOGD"
say "killed logd ($LOGD)"
scenario_end
