#!/bin/sh
# tmpfs.sh - logs appended to a tmpfs (OpenWrt keeps /tmp/log in RAM) until
# memory runs short: Shmem grows while no process's RSS does; the apps'
# file pages are squeezed out as in the seed.  Phases: healthy 0-30 s, the
# writer (syslogd) appends 8 MiB/s up to 330 MiB from 30 s, the log is
# deleted at 130 s, recovery to 170 s.
NAME=tmpfs DURATION_S=${DURATION_S:-170}
. "$(dirname "$0")/lib.sh"
scenario_start
mkdir -p "$WORKDIR/tmpfs" && mount -t tmpfs -o size=360m,mode=0700 iowd-tmpfs "$WORKDIR/tmpfs" || die "cannot mount tmpfs"
emmc_data 200
capture_start
phase healthy
spawn app app "$WORKDIR/data" 64 10
spawn tracker app "$WORKDIR/data" 64 10
sleep_until 30
phase tmpfs-fill
spawn syslogd tmpfs "$WORKDIR/tmpfs" 8 330
SYSLOGD=$SPAWNED
sleep_until 130
phase recovery
kill -TERM "$SYSLOGD"
rm -f "$WORKDIR/tmpfs/messages"
say "log deleted"
scenario_end
