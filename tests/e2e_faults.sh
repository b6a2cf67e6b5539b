#!/bin/sh
# e2e_faults.sh - capture under faults: a full disk, SIGKILL at random
# moments, its output directory removed or made read-only, a hostile proc
# tree, no root.  Every case: no crash, a clear message, the documented
# exit code, and a file analyze reads up to the last complete frame.
set -u
. tests/lib.sh
MNT=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
sick() { rm -rf "$T/sick"; cp -r "$TEST_DATA/sick" "$T/sick"; }
FIX="--proc-root $T/sick/proc --kmsg $T/sick/kmsg --sysrq off"
samples() { $A info "$1" 2>/dev/null | sed -n 's/^samples *//p'; }
case $BUILD in *san*) SLOW=1 ;; *) SLOW=0 ;; esac

# --- ENOSPC: a 64 KiB tmpfs fills up -----------------------------------
mkdir "$T/full"
if mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
	MNT=$T/full
	sick
	$C -o "$T/full/c.cap" $FIX -i 0 --flush 0.01 -n 100000 2> "$T/err"; rc=$?
	[ $rc = 1 ] || no "ENOSPC: exit $rc, wanted 1"
	grep -q "^capture: writing .*No space left on device.*valid up to its last complete" "$T/err" ||
		no "ENOSPC: message '$(cat "$T/err")'"
	[ "$(grep -c . "$T/err")" -le 2 ] || no "ENOSPC: more than the one message: $(cat "$T/err")"
	$A info "$T/full/c.cap" > "$T/info" 2>&1 || no "ENOSPC: analyze info exit $?"
	n=$(sed -n 's/^samples *//p' "$T/info")
	[ "${n:-0}" -gt 10 ] || no "ENOSPC: only '${n:-}' samples readable"
	umount "$T/full" && MNT=""
else
	echo "e2e_faults: skip ENOSPC (cannot mount tmpfs here: not root or no CAP_SYS_ADMIN)"
fi

# --- SIGKILL at random moments: the file reads up to the last flush ----
# The kill time and the last sample read are both on CLOCK_MONOTONIC
# (the sample's mono_us), so "up to the last flush" is checked directly:
# the last sample read is at most one flush interval (+ slack) older.
sick
python3 - "$C" "$A" "$T" "$SLOW" <<'PY' || no "SIGKILL trials"
import json, os, random, signal, subprocess, sys, time
C, A, T, slow = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
flush, ival, trials = 0.5, 0.05, 20
slack = 0.6 if slow else 0.3
rng = random.Random(int(os.environ.get("FAULT_SEED", "0")) or None)
worst, total = 0.0, 0
for k in range(trials):
    out = f"{T}/kill{k}.cap"
    p = subprocess.Popen([C, "-o", out, "--proc-root", f"{T}/sick/proc", "--kmsg", f"{T}/sick/kmsg",
                          "--sysrq", "off", "-i", str(ival), "--flush", str(flush)], stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while (not os.path.exists(out) or os.path.getsize(out) == 0) and time.monotonic() - t0 < 10:
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 1.2))
    tk = time.monotonic()
    p.kill()
    p.wait()
    r = subprocess.run([A, "dump", out], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"trial {k}: analyze dump exit {r.returncode}: {r.stderr.strip()}")
    mono = [json.loads(l)["mono_us"] / 1e6 for l in r.stdout.splitlines() if '"type":"sample"' in l]
    if not mono:
        sys.exit(f"trial {k}: no sample read after the first flush")
    lag = tk - mono[-1]
    worst = max(worst, lag)
    total += len(mono)
    if lag > flush + slack:
        sys.exit(f"trial {k}: killed {lag:.2f} s after the last sample read (flush {flush} s)")
    i = subprocess.run([A, "info", out], capture_output=True)
    if i.returncode != 0:
        sys.exit(f"trial {k}: analyze info exit {i.returncode}")
    os.unlink(out)
print(f"e2e_faults: {trials} SIGKILL trials, {total} samples read, worst loss {worst:.2f} s (flush {flush} s)")
PY

# --- output directory removed mid-run --------------------------------
sick
mkdir "$T/gone"
$C -o "$T/gone/c.cap" $FIX -i 0.05 --flush 0.1 2> "$T/err" & cpid=$!
PIDS="$cpid"
sleep 0.5
rm -rf "$T/gone"
i=0; while kill -0 $cpid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $cpid 2>/dev/null && { no "removed output: still running after 10 s"; kill -9 $cpid; }
wait $cpid; rc=$?; PIDS=""
[ $rc = 1 ] || no "removed output: exit $rc, wanted 1"
grep -q "^capture: .*gone/c.cap was removed" "$T/err" || no "removed output: message '$(cat "$T/err")'"

# --- output directory made read-only mid-run (rotation must create a file)
if command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	sick
	chmod 755 "$T"
	mkdir "$T/ro" && chown 65534:65534 "$T/ro"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		$C -o "$T/ro/c.cap" $FIX -i 0.002 --flush 0.01 --frame 0.01 --max-size 64k 2> "$T/err" & cpid=$!
	PIDS="$cpid"
	sleep 0.3
	chmod 555 "$T/ro"
	i=0; while kill -0 $cpid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 $cpid 2>/dev/null && { no "read-only dir: still running after 30 s"; kill -9 $cpid; }
	wait $cpid; rc=$?; PIDS=""
	[ $rc = 1 ] || no "read-only dir: exit $rc, wanted 1"
	grep -q "^capture: cannot rotate .*Permission denied" "$T/err" || no "read-only dir: message '$(cat "$T/err")'"
	n=$(samples "$T/ro/c.cap")
	[ "${n:-0}" -gt 0 ] || no "read-only dir: the file does not read"
	chmod 755 "$T/ro"
else
	echo "e2e_faults: skip read-only directory and non-root (setpriv cannot drop to uid 65534)"
fi

# --- a hostile proc tree: garbage, empty, huge and binary files -------
sick
P=$T/sick/proc
head -c 10485760 /dev/zero | tr '\0' 'x' > "$P/meminfo"      # 10 MB, no newline
printf 'MemTotal: 99999999999999999999999 kB\n' >> "$P/meminfo"
: > "$P/loadavg"                                             # empty
head -c 4096 /dev/urandom > "$P/stat"                        # binary
printf 'cpu  -1 -2 -3\nctxt\nprocesses 18446744073709551616\n' >> "$P/stat"
printf '8 0 sda %s\n\0\0\0 1 2 3\n' "$(yes 1 | head -40 | tr '\n' ' ')" > "$P/diskstats"
head -c 3000 /dev/urandom > "$P/vmstat"
printf 'some avg10=abc avg60= total=-1\nfull\n' > "$P/pressure/io"
for f in $(ls -d "$P"/[0-9]* | head -3); do
	head -c 600 /dev/urandom > "$f/stat"
	for t in "$f"/task/*/stat; do [ -f "$t" ] && printf '123 (x' > "$t"; done
	[ -f "$f/io" ] && printf 'rchar: \nwchar: 99999999999999999999999999\n' > "$f/io"
	[ -f "$f/cgroup" ] && head -c 200 /dev/urandom > "$f/cgroup"
done
$C -o "$T/hostile.cap" $FIX -i 0.05 -n 5 2> "$T/err"; rc=$?
[ $rc = 0 ] || no "hostile proc tree: exit $rc ($(cat "$T/err"))"
[ "$(samples "$T/hostile.cap")" = 5 ] || no "hostile proc tree: analyze info does not read 5 samples"
$A "$T/hostile.cap" > /dev/null 2>&1; rc=$?
[ $rc = 0 ] || no "hostile proc tree: analyze exit $rc"
# every file of the tree random bytes (sizes kept), sysrq files aside
sick
find "$P" -type f ! -name 'sysrq*' | while read -r f; do
	s=$(wc -c < "$f"); head -c $((s + 1)) /dev/urandom > "$f"
done
$C -o "$T/random.cap" $FIX -i 0.05 -n 3 2> "$T/err"; rc=$?
[ $rc = 0 ] || no "random proc tree: exit $rc ($(cat "$T/err"))"
[ "$(samples "$T/random.cap")" = 3 ] || no "random proc tree: analyze info does not read 3 samples"

# --- not root: no sysrq, one warning, exit 0 --------------------------
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	sick
	chmod 755 "$T"
	mkdir "$T/nr" && chown 65534:65534 "$T/nr"
	chmod -R a+rX "$T/sick"
	chmod 644 "$T/sick/proc/sysrq-trigger" "$T/sick/proc/sys/kernel/sysrq"
	setpriv --reuid=65534 --regid=65534 --clear-groups $C -o "$T/nr/c.cap" \
		--proc-root "$T/sick/proc" --kmsg "$T/sick/kmsg" --sysrq every=0.1 -i 0.1 -n 5 2> "$T/err"; rc=$?
	[ $rc = 0 ] || no "non-root: exit $rc ($(cat "$T/err"))"
	[ "$(grep -ci sysrq "$T/err")" = 1 ] || no "non-root: wanted one sysrq warning, got '$(cat "$T/err")'"
	[ -s "$T/sick/proc/sysrq-trigger" ] && no "non-root: sysrq-trigger was written"
	[ "$(cat "$T/sick/proc/sys/kernel/sysrq")" = 16 ] || no "non-root: kernel.sysrq changed"
	[ "$(samples "$T/nr/c.cap")" = 5 ] || no "non-root: analyze info does not read 5 samples"
	# and on the real /proc: exit 0, no crash
	setpriv --reuid=65534 --regid=65534 --clear-groups $C -o "$T/nr/real.cap" -i 0.1 -n 3 2> "$T/err"; rc=$?
	[ $rc = 0 ] || no "non-root on /proc: exit $rc ($(cat "$T/err"))"
	[ "$(samples "$T/nr/real.cap")" = 3 ] || no "non-root on /proc: analyze info does not read 3 samples"
fi

[ $fail = 0 ] && echo "e2e_faults: all passed"
exit $fail
