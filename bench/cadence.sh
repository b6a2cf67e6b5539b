#!/bin/sh
# cadence.sh [BUILD_DIR] - does capture keep its interval while a memory
# cgroup thrashes?  A short seed-like run (samples/scenarios/lib.sh and
# workload.c): three "apps" re-reading an mmapped file from a throttled
# disk, then a leak that fills their 200 MiB cgroup so the kernel evicts
# their pages and they fault them back.  Capture runs outside the cgroup,
# as in the field.  Prints the fraction of sample gaps within 1.5x the
# interval (target >= 95%) and the worst gap, for the healthy and the
# thrash phase.  Needs root and a memory cgroup controller; else it skips.
# Knobs: DURATION_S (60), INTERVAL (0.5), CG_LIMIT_MB (200), OUT (keeps
# cadence.zst there; default a temp dir removed at the end).
set -u
B=${1:-build}
TOPDIR=$(pwd)
if [ "$(id -u)" != 0 ]; then echo "cadence: skipped (needs root for cgroups)"; exit 0; fi
export CAPTURE=${CAPTURE:-$TOPDIR/$B/capture}
if [ -z "${OUT:-}" ]; then OUT=$(mktemp -d); MADE_OUT=$OUT; else MADE_OUT=""; fi
export OUT
export INTERVAL=${INTERVAL:-0.5} CG_LIMIT_MB=${CG_LIMIT_MB:-200}
NAME=cadence DURATION_S=${DURATION_S:-60}
LEAK_AT=15
. "$TOPDIR/samples/scenarios/lib.sh"
HERE=$TOPDIR/samples/scenarios # lib.sh looked beside this script
scenario_start
trap 'cleanup; [ -n "$MADE_OUT" ] && rm -rf "$MADE_OUT"' EXIT # only the dir made here
"$WORKDIR/bin/workload" mkfile "$WORKDIR/data" 160 && "$WORKDIR/bin/workload" drop "$WORKDIR/data"
io_throttle "rbps=50331648 riops=2000"
capture_start --sysrq off
phase healthy
spawn app app "$WORKDIR/data" 64 10
spawn videocapture app "$WORKDIR/data" 64 10
spawn tracker app "$WORKDIR/data" 64 10
sleep_until $LEAK_AT
phase leak
spawn logd leak 20 185
scenario_end
"$TOPDIR/$B/analyze" dump "$OUT/$NAME.zst" > "$OUT/$NAME.jsonl" || die "analyze dump failed"
python3 - "$OUT/$NAME.jsonl" "$INTERVAL" "$LEAK_AT" <<'PY'
import json, sys
path, ival, leak_at = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
mono = [json.loads(l)["mono_us"] / 1e6 for l in open(path) if '"type":"sample"' in l]
t0 = mono[0]
def report(name, gaps):
    if not gaps:
        print(f"cadence: {name}: no samples"); return
    ok = sum(1 for g in gaps if g <= 1.5 * ival)
    print(f"cadence: {name}: {len(gaps)} gaps, {100 * ok / len(gaps):.1f}% within 1.5x {ival} s, "
          f"worst {max(gaps):.3f} s, mean {sum(gaps) / len(gaps):.3f} s")
gaps = [(b - t0, b - a) for a, b in zip(mono, mono[1:])]
report("healthy", [g for t, g in gaps if t < leak_at])
report("leak+thrash", [g for t, g in gaps if t >= leak_at])
report("all", [g for t, g in gaps])
PY
"$TOPDIR/$B/analyze" "$OUT/$NAME.zst" | sed -n '/^In short/,/^$/p' | head -3
