#!/bin/sh
# e2e_ring.sh - capture --ring, the flight recorder: nothing reaches FILE
# until a trigger; then the ring (the history before it) and the post
# window do, readable by analyze, with the trigger's reason in the file.
# Triggers: SIGUSR1, the --sysrq-when health signal from a fixture whose
# counters turn sick, an OOM kill in the kernel log; SIGKILL in the post
# window; --max-size dropping triggers and saying so; usage errors.
#
# The 30 s ring / 40 s wait / SIGUSR1 case of issue 14 runs as written
# (-i 1, about 70 s) in the background while the short cases (-i 0.1-0.2)
# run.  The fixture is tests/data/sick/proc kept alive by ring_fixture.py.
set -u
. tests/lib.sh

# below PID SIG: sends SIG to every process under PID, parents before
# children, and lists them in BELOW.  With STOP, a process is frozen before
# its children are looked for, so none starts another meanwhile; with 0 it
# only looks.
below() {
	for s in /proc/[0-9]*/stat; do
		{ read -r st < "$s"; } 2>/dev/null || continue
		st=${st##*) }
		st=${st#* }
		[ "${st%% *}" = "$1" ] || continue
		c=${s#/proc/}
		c=${c%/stat}
		kill -"$2" "$c" 2>/dev/null || continue
		BELOW="$BELOW $c"
		below "$c" "$2"
	done
}
# On any exit, also an interrupted one, everything below this shell is
# frozen, then killed: a list of pids would miss the long case's fixture
# and capture (its subshell's children), and the subshell itself would go
# on after the scratch dir is gone.
cleanup() {
	BELOW=""
	below $$ STOP
	# shellcheck disable=SC2086
	[ -n "$BELOW" ] && kill -9 $BELOW 2>/dev/null
	rm -rf "$T"
}

# nap SECONDS: a sleep that a signal cuts short (sh runs a trap only once
# a foreground command has ended; wait returns at once)
nap() {
	sleep "$1" &
	wait $!
}

# fixture NAME: a live copy of the sick fixture, healthy until told (no
# -p: a fixture is never made again once the scratch dir is gone)
fixture() {
	rm -rf "$T/$1"
	mkdir "$T/$1" || exit 1
	cp -r "$TEST_DATA/sick/." "$T/$1/"
	echo healthy > "$T/$1/state"
	python3 tests/ring_fixture.py "$T/$1/proc" "$T/$1/state" &
	i=0
	while [ ! -e "$T/$1/state.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
fx() { echo "--proc-root $T/$1/proc --kmsg $T/$1/kmsg"; }
size() { if [ -e "$1" ]; then wc -c < "$1" | tr -d ' '; else echo missing; fi; }
# wait_for FILE PATTERN SECONDS
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt $(($3 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$2" "$1" 2>/dev/null
}
# facts FILE: duration_s, healthy window or "none", the notes, the sysrq
# triggers, as KEY=VALUE lines
facts() {
	$A --json "$1" > "$1.json" 2> "$1.aerr" || { echo "analyze_rc=$?"; return; }
	$A dump "$1" > "$1.jsonl" 2>/dev/null
	python3 - "$1" <<'PY'
import json, sys
f = sys.argv[1]
r = json.load(open(f + ".json"))
h = r["windows"]["healthy"]
print("duration=%.3f" % r["capture"]["duration_s"])
print("samples=%d" % r["capture"]["samples"])
print("clean_end=%s" % r["capture"]["clean_end"])
print("healthy=%s" % ("none" if not h else "%.1f..%.1f" % (h["start_s"], h["end_s"])))
fw = r["windows"]["faulty"]
print("faulty=%s" % ("none" if not fw else "%.1f..%.1f" % (fw["start_s"], fw["end_s"])))
notes, sysrq, first = [], 0, None
for l in open(f + ".jsonl"):
    d = json.loads(l)
    if d["type"] == "text" and d["kind"] == "note":
        notes.append(d["text"])
    if d["type"] == "text" and d["kind"] == "trigger":
        sysrq += 1
for n in notes:
    if n.startswith("ring trigger"):
        print("trigger=" + n)
    if "trigger dropped" in n:
        print("dropped=" + n)
print("sysrq=%d" % sysrq)
PY
}
get() { sed -n "s/^$2=//p" "$1" | head -1; }

# --- usage ----------------------------------------------------------------
$C -o "$T/u.zst" --post 10s 2>/dev/null; [ $? = 2 ] || no "--post without --ring: not a usage error"
$C -o - --ring 30s 2>/dev/null; [ $? = 2 ] || no "--ring with -o -: not a usage error"
$C -o "$T/u.zst" --ring 3x 2>/dev/null; [ $? = 2 ] || no "--ring 3x: not a usage error"
$C -o "$T/u.zst" --ring 30s --ring-mem 1k 2>/dev/null; [ $? = 2 ] || no "--ring-mem 1k: not a usage error"
[ -e "$T/u.zst" ] && no "a usage error created the file"

# --- issue 14 as written: ring 30 s, nothing for 40 s, SIGUSR1 ---------
# The fixture turns sick 2 s after the signal, so the written file holds a
# healthy stretch (the ring) and a faulty one (the post window).
(
	fixture long
	out=$T/long.zst
	$C -o "$out" $(fx long) --ring 30s --post 10s -i 1 --sysrq off 2> "$T/long.err" &
	p=$!
	nap 20
	s20=$(size "$out")
	nap 20
	s40=$(size "$out")
	kill -USR1 $p
	nap 2
	echo sick > "$T/long/state"
	wait_for "$T/long.err" "window closed" 90 || echo "no window closed: $(cat "$T/long.err")" > "$T/long.fail"
	kill -TERM $p
	wait $p
	echo "rc=$? s20=$s20 s40=$s40" > "$T/long.res"
	facts "$out" >> "$T/long.res"
	echo stop > "$T/long/state"
) &
LONG=$!

# --- the health signal: the fixture's counters turn sick ---------------
fixture hs
out=$T/hs.zst
$C -o "$out" $(fx hs) --ring 3s --post 2s -i 0.2 --flush 0.5 2> "$T/hs.err" &
p=$!
nap 5
[ "$(size "$out")" = 0 ] || no "health: $(size "$out") bytes written before any trigger"
[ -s "$T/hs/proc/sysrq-trigger" ] && no "health: sysrq fired while healthy"
echo sick > "$T/hs/state"
wait_for "$T/hs.err" "window closed" 90 || no "health: no window closed: $(cat "$T/hs.err")"
kill -TERM $p; wait $p; rc=$?
[ $rc = 0 ] || no "health: exit $rc"
facts "$out" > "$T/hs.res"
trig=$(get "$T/hs.res" trigger)
# psi_io always; iowait too unless the (dithered) sample read /proc/stat
# just before the fixture turned it sick and pressure/io just after
case $trig in
"ring trigger 1: iowait="*"psi_io=61.00"* | "ring trigger 1: psi_io=61.00") ;;
*) no "health: trigger note '$trig'" ;;
esac
d=$(get "$T/hs.res" duration)
python3 -c "import sys; sys.exit(0 if float('$d') >= 5.0 else 1)" || no "health: the file spans $d s, not ring 3 s + post 2 s"
[ "$(get "$T/hs.res" healthy)" != none ] || no "health: analyze found no healthy window: $(cat "$T/hs.res")"
[ "$(get "$T/hs.res" faulty)" != none ] || no "health: analyze found no faulty window"
# sysrq l and w fired on the unhealthy moment, and their records are inside
[ "$(cat "$T/hs/proc/sysrq-trigger")" = lw ] || no "health: sysrq-trigger got '$(cat "$T/hs/proc/sysrq-trigger")'"
[ "$(get "$T/hs.res" sysrq)" = 2 ] || no "health: $(get "$T/hs.res" sysrq) sysrq records in the window, wanted 2"
echo stop > "$T/hs/state"

# --- an OOM kill in the kernel log -------------------------------------
fixture oom
out=$T/oom.zst
$C -o "$out" $(fx oom) --ring 2s --post 1s -i 0.2 --flush 0.5 --sysrq off 2> "$T/oom.err" &
p=$!
nap 3
[ "$(size "$out")" = 0 ] || no "oom: bytes written before the OOM kill"
echo "3,2001,555000000,-;Memory cgroup out of memory: Killed process 4242 (memhog) total-vm:420000kB" >> "$T/oom/kmsg"
wait_for "$T/oom.err" "window closed" 90 || no "oom: no window: $(cat "$T/oom.err")"
kill -TERM $p; wait $p
facts "$out" > "$T/oom.res"
case $(get "$T/oom.res" trigger) in
"ring trigger 1: kernel log: OOM kill: Memory cgroup out of memory: Killed process 4242 (memhog)"*) ;;
*) no "oom: trigger note '$(get "$T/oom.res" trigger)'" ;;
esac
echo stop > "$T/oom/state"

# --- SIGKILL in the post window: what was flushed reads ------------------
fixture kill
out=$T/kill.zst
$C -o "$out" $(fx kill) --ring 3s --post 30s -i 0.1 --flush 0.5 --sysrq off 2> "$T/kill.err" &
p=$!
nap 4
kill -USR1 $p
wait_for "$T/kill.err" "wrote the last" 60 || no "kill: no window opened"
nap 2
kill -KILL $p; wait $p 2>/dev/null
$A info "$out" > "$T/kill.info" 2>&1 || no "kill: analyze info exit $?: $(cat "$T/kill.info")"
facts "$out" > "$T/kill.res"
[ "$(get "$T/kill.res" clean_end)" = False ] || no "kill: an END record after SIGKILL?"
# the ring (3 s) and the flushed part of the 2 s of post window, within a flush
d=$(get "$T/kill.res" duration)
python3 -c "import sys; sys.exit(0 if float('$d') >= 4.0 else 1)" || no "kill: only $d s read after SIGKILL 2 s into the post window"
grep -q "^damaged *0 region" "$T/kill.info" || grep -q "truncated" "$T/kill.info" ||
	no "kill: damage other than a cut tail: $(grep damaged "$T/kill.info")"
echo stop > "$T/kill/state"

# --- --max-size: FILE never grows past it; dropped triggers are counted --
# The fixture at -i 0.02 (~170 B a sample), one trigger every 2 s allowed:
# the windows fill 64k after a few triggers, the rest are dropped.
fixture cap
out=$T/cap.zst
$C -o "$out" $(fx cap) --ring 3s --post 1s -i 0.02 --flush 0.5 --sysrq off --sysrq-when gap=1 \
	--max-size 64k 2> "$T/cap.err" &
p=$!
nap 4
for k in 1 2 3 4 5 6 7 8 9 10; do
	kill -USR1 $p
	nap 2
done
kill -TERM $p; wait $p; rc=$?
[ $rc = 0 ] || no "max-size: exit $rc"
sz=$(size "$out")
[ "$sz" -le 65536 ] || no "max-size: FILE is $sz bytes, over 64k"
$A info "$out" > /dev/null 2>&1 || no "max-size: analyze info failed"
facts "$out" > "$T/cap.res"
n=$(grep -c "trigger dropped" "$T/cap.err")
[ "$n" -ge 1 ] || no "max-size: no trigger was dropped at 64k: $(cat "$T/cap.err")"
last=$(grep '^dropped=' "$T/cap.res" | tail -1)
case $last in
*"trigger(s) dropped by the cap so far"*) ;;
*) no "max-size: the file does not say how many triggers were dropped: $(cat "$T/cap.err")" ;;
esac
echo stop > "$T/cap/state"

# --- back to the long case ---------------------------------------------
wait $LONG
[ -e "$T/long.fail" ] && no "ring 30 s: $(cat "$T/long.fail")"
r=$T/long.res
[ "$(sed -n 's/.*s20=\([^ ]*\).*/\1/p' "$r")" = 0 ] || no "ring 30 s: bytes written by 20 s: $(head -1 "$r")"
[ "$(sed -n 's/.*s40=\([^ ]*\).*/\1/p' "$r")" = 0 ] || no "ring 30 s: bytes written by 40 s: $(head -1 "$r")"
grep -q "^rc=0 " "$r" || no "ring 30 s: $(head -1 "$r")"
[ "$(get "$r" trigger)" = "ring trigger 1: SIGUSR1" ] || no "ring 30 s: trigger note '$(get "$r" trigger)'"
d=$(get "$r" duration)
python3 -c "import sys; sys.exit(0 if float('${d:-0}') >= 40.0 else 1)" ||
	no "ring 30 s: the file spans ${d:-?} s, less than ring 30 s + post 10 s"
[ "$(get "$r" healthy)" != none ] || no "ring 30 s: analyze found no healthy window: $(cat "$r")"

# every fixture was told to stop and every capture has been waited for:
# nothing of this test may still run
i=0
while :; do
	BELOW=""
	below $$ 0
	[ -z "$BELOW" ] || [ $i -ge 50 ] && break
	sleep 0.1
	i=$((i + 1))
done
# shellcheck disable=SC2086
[ -z "$BELOW" ] || no "still running at the end: $(ps -o pid=,args= -p "$(echo $BELOW | tr ' ' ,)" 2>/dev/null || echo $BELOW)"

[ $fail = 0 ] && echo "e2e_ring: ok (30 s ring: span $(get "$r" duration) s, healthy $(get "$r" healthy) s, faulty $(get "$r" faulty) s)"
exit $fail
