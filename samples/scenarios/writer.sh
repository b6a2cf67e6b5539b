#!/bin/sh
# writer.sh - a process writes and syncs a large file: the disk is busy and
# iowait high, but memory is plentiful.  Phases: healthy 0-30 s, dbwriter
# writes 256 MiB files with fdatasync every 16 MiB from 30 s, stopped at
# 120 s, recovery to 150 s.
NAME=writer DURATION_S=${DURATION_S:-150}
. "$(dirname "$0")/lib.sh"
CG_LIMIT_MB=${CG_LIMIT_MB:-1024}
scenario_start
# direct and synchronous writes are throttled like a slow flash disk
io_throttle "wbps=20971520 wiops=500"
capture_start
phase healthy
sleep_until 30
phase write
spawn dbwriter writer "$WORKDIR/dbfile" 256
WRITER=$SPAWNED
sleep_until 120
phase recovery
kill -TERM "$WRITER"
scenario_end
