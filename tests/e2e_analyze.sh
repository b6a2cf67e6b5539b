#!/bin/sh
# e2e_analyze.sh - the analyze binary end to end on generated captures:
# every command, binary vs JSONL equivalence, bad input, damage.
set -u
. tests/lib.sh
ok() { :; }
gencap "$T/seed.cap" --scenario seed --seconds 600 || no "gencap"

# the report names logd first and the chain it explains
$A "$T/seed.cap" > "$T/r.txt" 2> "$T/err" || no "report exit $?"
grep -q "1. memory-leak.*logd (pid 493)" "$T/r.txt" || no "report does not rank logd first"
grep -q "explains: reclaim-thrash" "$T/r.txt" || no "report lacks the explained chain"
grep -q "filemap_fault" "$T/r.txt" || no "report lacks the blocked-task groups"
[ -s "$T/err" ] && no "report wrote to stderr when piped: $(cat "$T/err")"
grep -q "$(printf '\033')" "$T/r.txt" && no "colour escapes in piped output"

# JSON core fields; options before or after FILE
$A --json "$T/seed.cap" > "$T/a.json" || no "--json before FILE"
$A "$T/seed.cap" --json > "$T/b.json" || no "--json after FILE"
cmp -s "$T/a.json" "$T/b.json" || no "option position changes the output"
python3 - "$T/a.json" <<'PY' || no "JSON core fields"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["capture"]
assert c["kernel"] == "4.9.37" and c["arch"] == "armv7l" and c["samples"] == 600
assert r["windows"]["how"] == "auto" and r["windows"]["healthy"]["end_s"] <= r["windows"]["faulty"]["start_s"]
top = r["causes"][0]
assert top["rank"] == 1 and top["id"] == "memory-leak" and top["culprit"] == {"pid": 493, "comm": "logd"}
assert "reclaim-thrash" in top["explains"] and "blocked-tasks" in top["explains"]
ev = {e["metric"]: e for e in top["evidence"]}
assert ev["rss_kb"]["healthy"] < 3000 and ev["rss_kb"]["faulty"] > 250000
ranks = {x["id"]: x["rank"] for x in r["causes"]}
assert ranks["reclaim-thrash"] > 1 and ranks["blocked-tasks"] > ranks["reclaim-thrash"]
assert r["stacks"]["dumps"][0]["kind"] == "sysrq-w"
PY

# dump is JSON Lines; every command gives the same answer for it
$A dump "$T/seed.cap" > "$T/seed.jsonl" || no "dump"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$T/seed.jsonl" || no "dump is not JSON Lines"
for cmd in "" "timeline" "timeline --csv" "timeline --json --step 30" "--json" "info" "stacks --json"; do
	$A $cmd "$T/seed.cap" > "$T/x1" 2>&1
	$A $cmd "$T/seed.jsonl" > "$T/x2" 2>&1
	sed "s#$T/seed.jsonl#F#g" "$T/x2" > "$T/y2"; sed "s#$T/seed.cap#F#g" "$T/x1" > "$T/y1"
	cmp -s "$T/y1" "$T/y2" || no "'analyze $cmd' differs between capture and JSONL"
done
$A dump "$T/seed.jsonl" | cmp -s - "$T/seed.jsonl" || no "dump of the dump is not identical"

# timeline, html, info, stacks
$A timeline "$T/seed.cap" --csv | head -1 | grep -q "^t_s,wall_utc,cpu_usr_pct" || no "CSV header"
[ "$($A timeline "$T/seed.cap" --csv | wc -l)" = 601 ] || no "CSV rows"
$A timeline "$T/seed.cap" --step 60 | grep -q "sysrq-w requested" || no "timeline events"
$A html "$T/seed.cap" -o "$T/r.html" || no "html"
grep -q "<svg" "$T/r.html" || no "html has no chart"
grep -qi "<script[^>]*src\|<link\|http://\|https://\|url(" "$T/r.html" && no "html is not self-contained"
$A info "$T/seed.cap" | grep -q "^samples *600" || no "info"
$A stacks tests/data/dmesg/arm-4.9-seed-sysrq-w.txt | grep -q "filemap_fault" || no "stacks on log text"
$A --healthy 0..100 --faulty 400..550 "$T/seed.cap" --json | grep -q '"how": "given"' || no "--healthy/--faulty"
gencap "$T/calm.cap" --scenario healthy --seconds 300
$A "$T/seed.cap" --baseline "$T/calm.cap" --json | grep -q '"how": "baseline"' || no "--baseline"

# bad input: exit 2, one line "analyze: ...", never a crash
expect2() {
	what=$1; shift
	$A "$@" > /dev/null 2> "$T/e"; rc=$?
	[ $rc = 2 ] || no "$what: exit $rc, wanted 2"
	[ "$(wc -l < "$T/e")" = 1 ] && grep -q "^analyze: " "$T/e" || no "$what: message '$(cat "$T/e")'"
}
: > "$T/empty"; expect2 empty "$T/empty"
expect2 "not a capture" /etc/hostname
expect2 directory "$T"
expect2 missing "$T/nope"
expect2 "no file" --json
expect2 "bad option" --bogus "$T/seed.cap"
expect2 "bad window" --healthy 5..1 "$T/seed.cap"
expect2 "html without -o" html "$T/seed.cap"
head -c 300 "$T/seed.cap" > "$T/cut"; expect2 "cut in first frame" "$T/cut"
head -c 5000 /dev/urandom > "$T/rand"; printf '\050\265\057\375' | cat - "$T/rand" > "$T/zrand"; expect2 "random zstd-like" "$T/zrand"
{ printf '{"type":"frame","offset":0,"x":"'; head -c 20000000 /dev/zero | tr '\0' a; printf '"}\n'; } > "$T/huge.jsonl"
expect2 "huge JSONL line" "$T/huge.jsonl"

# damaged capture: still a report, exit 0, with warnings.  Damage costs the
# rest of its frame: with 60 s frames the leak is still seen around it.
gencap "$T/dmg.cap" --scenario seed --seconds 600 --frame 60 || no "gencap --frame"
dsize=$(wc -c < "$T/dmg.cap")
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' | dd of="$T/dmg.cap" bs=1 seek=$((dsize / 3)) conv=notrunc 2>/dev/null
$A "$T/dmg.cap" > "$T/d.txt" 2>&1 || no "damaged capture: exit $?"
grep -q "warning: damaged region" "$T/d.txt" || no "damaged capture: no warning"
grep -q "memory-leak" "$T/d.txt" || no "damaged capture: no diagnosis"
size=$(wc -c < "$T/seed.cap")
head -c $((size * 2 / 3)) "$T/seed.cap" > "$T/trunc.cap"
$A --json "$T/trunc.cap" | grep -q '"warnings": \[$' || no "truncated capture: warnings"
[ $fail = 0 ] && echo "e2e_analyze: all passed"
exit $fail
