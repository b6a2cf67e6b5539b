#!/bin/sh
# writer.sh - a process writes and syncs a large file through a 20 MiB/s
# write throttle (a slow flash disk): it waits on I/O most of the time and
# iowait and I/O pressure are high, but memory is plentiful.  The block
# device itself looks idle: the throttle, like a slow eMMC controller, is
# the limit.  Phases: healthy 0-30 s, dbwriter writes 256 MiB files with
# fdatasync every 16 MiB from 30 s, stopped at 120 s, recovery to 150 s.
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
