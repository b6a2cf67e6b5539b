#!/bin/sh
# e2e_width.sh - the terminal report fits its width: every line of the
# report and of the timeline is at most COLUMNS characters for 80 and 120
# on every sample and on a generated capture with kernel stacks; --wide
# shows every column; --columns picks the timeline's columns; the
# timeline has the write side (per busy disk, Dirty, Writeback) and the
# culprit's RSS and cgroup usage.
set -u
. tests/lib.sh
gencap "$T/gen-seed.cap" --scenario seed --seconds 600 || no "gencap"
widest() { python3 -c 'import sys; print(max((len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8", errors="replace")), default=0))' "$1"; }
for f in samples/*.zst "$T/gen-seed.cap"; do
	n=$(basename "$f")
	for w in 80 120; do
		COLUMNS=$w $A "$f" > "$T/r.txt" || no "$n: report exit $?"
		m=$(widest "$T/r.txt")
		[ "$m" -le $w ] || no "$n: report at COLUMNS=$w has a line of $m characters"
		grep -q "^Timeline around the fault" "$T/r.txt" || no "$n: COLUMNS=$w: no timeline"
		COLUMNS=$w $A timeline "$f" --step 10 > "$T/t.txt" || no "$n: timeline exit $?"
		m=$(widest "$T/t.txt")
		[ "$m" -le $w ] || no "$n: timeline at COLUMNS=$w has a line of $m characters"
	done
done
# piped without COLUMNS, the report is laid out for 80
env -u COLUMNS $A samples/seed.zst > "$T/r.txt"
[ "$(widest "$T/r.txt")" -le 80 ] || no "seed: piped report wider than 80"
# the narrow report keeps the verdict and the culprit's figures
COLUMNS=80 $A samples/seed.zst > "$T/r80.txt"
grep -q "^In short" "$T/r80.txt" || no "seed: no In short at 80"
grep -q "rss:logd" "$T/r80.txt" || no "seed: the culprit's RSS is not in the 80-column timeline"
COLUMNS=120 $A samples/seed.zst | grep -q "cgUsed" || no "seed: the cgroup's usage is not in the 120-column timeline"
# --wide: every column, however long the lines
COLUMNS=80 $A samples/writer.zst --wide > "$T/w.txt"
[ "$(widest "$T/w.txt")" -gt 200 ] || no "writer: --wide is not wide"
for col in wrMB/s wr/s Dirty Writeback swpin/s swpout/s run w:vd; do
	grep -q "$col" "$T/w.txt" || no "writer: --wide timeline lacks $col"
done
# the writer's own disk shows its writes per second and MB/s
python3 - <<PY || no "writer: write columns in the timeline"
import csv, subprocess
rows = list(csv.DictReader(subprocess.run(["$A", "timeline", "samples/writer.zst", "--csv"], capture_output=True, text=True).stdout.splitlines()))
keys = [k for k in rows[0] if k.endswith("_write_mbps") and not k.startswith("disk_")]
assert keys, list(rows[0])
peak = max(float(r[keys[0]] or 0) for r in rows)
assert peak > 1, (keys[0], peak)
assert max(float(r["dirty_kb"] or 0) for r in rows) > 1024
assert any(float(r[k.replace("_write_mbps", "_writes_ps")] or 0) > 1 for r in rows for k in keys)
PY
# --columns picks, in the order given, by key or label
h=$($A timeline samples/seed.zst --csv --columns dirty_kb,iowt%,culprit_rss_kb | head -1)
[ "$h" = "t_s,wall_utc,dirty_kb,cpu_iowait_pct,culprit_rss_kb,events" ] || no "--columns: header '$h'"
$A timeline samples/seed.zst --columns iowt%,MemAvail > "$T/c.txt"
head -1 "$T/c.txt" | grep -q "iowt%.*MemAvail" || no "--columns text header: $(head -1 "$T/c.txt")"
head -1 "$T/c.txt" | grep -q "majflt" && no "--columns text shows an unchosen column"
$A timeline samples/seed.zst --columns nosuch > /dev/null 2> "$T/e"; rc=$?
[ $rc = 2 ] && grep -q "^analyze: --columns: no column 'nosuch'" "$T/e" || no "--columns nosuch: exit $rc, '$(cat "$T/e")'"
$A samples/seed.zst --columns iowt% > /dev/null 2>&1 && no "--columns accepted outside timeline"
[ $fail = 0 ] && echo "e2e_width: all passed"
[ $fail = 0 ]
