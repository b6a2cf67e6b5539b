#!/bin/sh
# e2e_top.sh - `analyze top` (the task table at a moment), `timeline -p`,
# --from/--to as seconds or wall clock, and window options checked against
# the capture, all on the real seed sample (samples/seed.md: logd leaks,
# app/tracker/videocapture block re-reading their code).
set -u
. tests/lib.sh
S=samples/seed.zst
unset TZ

# --- top at 120 s: the three readers in D, logd the largest -----------------
$A top "$S" --at 120 > "$T/top" 2> "$T/err" || no "top exit $? $(cat "$T/err")"
head -1 "$T/top" | grep -q "^at 120 s (21:04:56 UTC), sample 121 of 191: 74 processes" || no "top header: $(head -1 "$T/top")"
sed -n 3,5p "$T/top" | awk '{print $2, $3, $(NF-1)}' | sort > "$T/d3"
printf 'app D folio_wait_bit_common\ntracker D folio_wait_bit_common\nvideocapture D folio_wait_bit_common\n' > "$T/want"
cmp -s "$T/d3" "$T/want" || no "top's first rows are not the three D readers: $(cat "$T/d3")"
$A top "$S" --at 120 --sort rss --rows 1 | sed -n 3p | grep -q "^ *16619 logd  *S .* 351\.8 " || no "--sort rss: logd 351.8 MB first: $($A top "$S" --at 120 --sort rss --rows 1 | sed -n 3p)"
$A top "$S" --at 120 --sort state --rows 3 | sed -n 3,5p | awk '{print $3}' | tr -d '\n' | grep -qx DDD || no "--sort state: D first"
$A top "$S" --at 120 --rows 5 | grep -q "(69 more; --rows 0 shows all)" || no "--rows 5"
[ "$($A top "$S" --at 120 --rows 0 | sed 1,2d | wc -l)" = 74 ] || no "--rows 0 shows every process"

# per-process major faults add up to the system's: the table is the same
# sample the timeline shows
sys=$($A timeline "$S" --csv --from 120 --to 120 | sed -n 2p | cut -d, -f11)
$A top "$S" --at 120 --rows 0 --json > "$T/top.json" || no "top --json"
python3 - "$T/top.json" "$sys" <<'PY' || no "top --json against the timeline (above)"
import json, sys
snaps = json.load(open(sys.argv[1]))
assert len(snaps) == 1, len(snaps)
s = snaps[0]
assert s["t_s"] == 120.0 and s["processes"] == 74 and len(s["table"]) == 74, (s["t_s"], s["processes"])
tot = sum(p["majflt_ps"] or 0 for p in s["table"])
want = float(sys.argv[2])
assert abs(tot - want) < 0.01 * want, (tot, want)
logd = [p for p in s["table"] if p["comm"] == "logd"][0]
assert logd["pid"] == 16619 and abs(logd["rss_kb"] - 360196) < 1, logd
assert logd["anon_kb"] is None, "this capture predates RssAnon: must be null, not 0"
d = [p for p in s["table"] if p["state"] == "D"]
assert {p["comm"] for p in d} == {"app", "tracker", "videocapture"}, d
assert all(p["majflt_ps"] > 500 and p["wchan"] == "folio_wait_bit_common" for p in d), d
PY

# the moment as wall clock, in UTC and under TZ, labelled
$A top "$S" --at 21:04:56 | cmp -s - "$T/top" || no "--at 21:04:56 differs from --at 120"
TZ=Europe/Berlin $A top "$S" --at 22:04:56 > "$T/tz" || no "TZ=Europe/Berlin --at 22:04:56"
head -1 "$T/tz" | grep -q "^at 120 s (22:04:56 CET)" || no "TZ label: $(head -1 "$T/tz")"
sed 1d "$T/tz" | cmp -s - "$(sed 1d "$T/top" > "$T/top1"; echo "$T/top1")" || no "TZ changes the table"
TZ=Europe/Berlin $A "$S" | grep -q "healthy .*(22:03:05 .. 22:03:50 CET" || no "report windows not in TZ"

# --step walks it, -p keeps one process; a capture and its dump agree
n=$($A top "$S" --at 120 --step 20 --to 160 | grep -c "^at ")
[ "$n" = 3 ] || no "--step 20 from 120 to 160: $n tables, wanted 3"
$A top "$S" --at 120 --step 20 --to 160 | grep "^at " | awk '{print $2}' | tr '\n' ' ' | grep -q "^120 140 160 $" || no "--step times"
[ "$($A top "$S" --at 100 -p logd | sed 1,2d | awk '{print $1}')" = 16619 ] || no "-p logd"
$A top "$S" --at 100 -p 16619 | cmp -s - "$($A top "$S" --at 100 -p logd > "$T/pl"; echo "$T/pl")" || no "-p 16619 differs from -p logd"
$A dump "$S" > "$T/seed.jsonl"
$A top "$T/seed.jsonl" --at 120 | cmp -s - "$T/top" || no "top differs between capture and JSONL"
$A top - --at 120 < "$S" | cmp -s - "$T/top" || no "top - differs"

# --- timeline -p: the leaker's own series ---------------------------------
$A timeline "$S" -p logd --csv > "$T/logd.csv" || no "timeline -p logd"
python3 - "$T/logd.csv" <<'PY' || no "timeline -p logd series (above)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows[0]["t_s"] == "41.000" and rows[0]["rss_kb"] == "7752.00", rows[0]
rss = [float(r["rss_kb"]) for r in rows]
assert max(rss) == 360196 and rss == sorted(rss), "logd's RSS only grows"
assert all(r["pid"] == "16619" for r in rows)
PY
$A timeline "$S" -p 16619 --from 100 --to 120 --step 5 | sed 1d | awk '{print $1}' | tr '\n' ' ' | grep -q "^100 105 110 115 120 $" || no "timeline -p --step 5 rows: $($A timeline "$S" -p 16619 --from 100 --to 120 --step 5 | sed 1d | awk '{print $1}' | tr '\n' ' ')"
$A timeline "$S" -p nosuch > /dev/null 2> "$T/e"; grep -q "no process matches -p nosuch" "$T/e" || no "-p nosuch says nothing"

# --- --from/--to ---------------------------------------------------------
[ "$($A timeline "$S" --csv --from 100 --to 110 | wc -l)" = 12 ] || no "timeline --from 100 --to 110: not 11 rows"
$A timeline "$S" --csv --from 21:04:36 --to 21:04:46 | cmp -s - "$($A timeline "$S" --csv --from 100 --to 110 > "$T/ft"; echo "$T/ft")" || no "wall-clock --from/--to differ from seconds"
# the report's window search stays inside --from/--to
$A "$S" --json --from 100 --to 180 > "$T/r.json" || no "report --from 100 --to 180"
python3 -c "
import json,sys; w=json.load(open(sys.argv[1]))['windows']
assert w['faulty']['start_s'] >= 99.5 and w['faulty']['end_s'] <= 181, w" "$T/r.json" || no "report windows outside --from/--to"

# --- window options checked: exit 2, one line saying what is valid ------
expect2() {
	what=$1 want=$2; shift 2
	$A "$@" > /dev/null 2> "$T/e"; rc=$?
	[ $rc = 2 ] || no "$what: exit $rc, wanted 2"
	[ "$(wc -l < "$T/e")" = 1 ] && grep -q "^analyze: .*$want" "$T/e" || no "$what: message '$(cat "$T/e")'"
}
expect2 "faulty outside" "outside the capture; valid: A..B within 0..190 s" "$S" --faulty 2000..3000
expect2 "healthy outside" "outside the capture" "$S" --healthy 150..400
expect2 "empty window" "holds no sample" "$S" --faulty 10.2..10.5
expect2 "overlap" "overlap" "$S" --healthy 0..100 --faulty 50..150
expect2 "from after to" "is empty" "$S" --from 100 --to 50
expect2 "from outside" "outside the capture; valid: 0..190 s from the start, or 21:02:56 .. 21:06:06 UTC" "$S" --from 22:00
expect2 "top at outside" "--at 500 is outside the capture" top "$S" --at 500
expect2 "top no at" "top needs --at" top "$S"
expect2 "bad time" "HH:MM" top "$S" --at 25:00
expect2 "bad sort" "--sort wants cpu, rss, majflt or state" top "$S" --at 1 --sort mem
expect2 "at on report" "--at applies to top only" "$S" --at 5
expect2 "html window outside" "outside the capture" html "$S" -o "$T/x.html" --faulty 500..600
$A "$S" --healthy 0..50 --faulty 60..170 > /dev/null || no "valid windows refused"

[ $fail = 0 ] && echo "e2e_top: ok"
exit $fail
