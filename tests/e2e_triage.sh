#!/bin/sh
# e2e_triage.sh - `analyze triage`: one row per capture, each the verdict
# its sample is held to (samples/NAME.expect.json), the same rows whatever
# the number of workers, a bad file costing only its own row, and the CSV
# loading into SQLite as the docs show.
set -u
. tests/lib.sh

$A triage samples/*.zst --jsonl > "$T/all.jsonl" 2> "$T/err" || no "triage exit $? $(cat "$T/err")"
python3 - "$T/all.jsonl" samples/*.zst <<'PY' || no "triage rows against the samples' verdicts (above)"
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
files = sys.argv[2:]
assert [r["file"] for r in rows] == files, "rows not in the order given"
for r in rows:
    want = json.load(open(r["file"][:-4] + ".expect.json"))
    assert r["status"] == "ok" and r["error"] is None, r
    top = want["top_cause"] or "none"
    assert r["top_cause"] == top, (r["file"], r["top_cause"], top)
    assert r["culprit"] == want["culprit_comm"], (r["file"], r["culprit"], want["culprit_comm"])
    assert len(r["capture_id"]) == 16 and r["samples"] > 10 and r["span_s"] > 10, r
    assert r["arch"] in ("x86_64", "armv7l") and r["kernel"], r
    assert (r["score"] > 0.5) == (top != "none"), r
    assert r["causes"].split(" ")[0] == (top if top != "none" else ""), r
seed = [r for r in rows if r["file"].endswith("/seed.zst")][0]
assert seed["culprit_pid"] == 16619 and seed["span_s"] == 190 and seed["host"] == "vm", seed
PY

# a row is the report's own verdict for that file
$A --json samples/writer.zst > "$T/w.json"
python3 - "$T/w.json" "$T/all.jsonl" <<'PY' || no "triage row differs from the report"
import json, sys
r = json.load(open(sys.argv[1]))
row = [json.loads(l) for l in open(sys.argv[2]) if '"samples/writer.zst"' in l][0]
c = r["causes"][0]
assert row["top_cause"] == c["id"] and abs(row["score"] - c["score"]) < 0.006, (row, c["id"], c["score"])
assert row["culprit_pid"] == c["culprit"]["pid"], row
PY

# a pure function of each file: one worker or many, the same bytes
$A triage samples/*.zst --jsonl -j 1 | cmp -s - "$T/all.jsonl" || no "-j 1 differs from one worker per CPU"
$A triage samples/*.zst --jsonl -j 3 | cmp -s - "$T/all.jsonl" || no "-j 3 differs"

# a bad file: its own error row, the others intact, exit 2
: > "$T/empty.zst"
$A triage samples/seed.zst "$T/empty.zst" samples/idle.zst --jsonl > "$T/mix" 2> "$T/e"; rc=$?
[ $rc = 2 ] || no "triage with a bad file: exit $rc, wanted 2"
[ "$(wc -l < "$T/mix")" = 3 ] || no "triage with a bad file: $(wc -l < "$T/mix") rows"
sed -n 2p "$T/mix" | grep -q '"status":"error".*"error":".*empty' || no "bad file's row: $(sed -n 2p "$T/mix")"
grep -q "^analyze: triage: .*empty" "$T/e" || no "bad file not named on stderr: $(cat "$T/e")"
sed -n 3p "$T/mix" | grep -q '"file":"samples/idle.zst","status":"ok"' || no "the row after a bad file"

# text and CSV; the CSV loads into SQLite as README shows
$A triage samples/seed.zst samples/cpuhog.zst > "$T/txt" || no "triage text"
head -1 "$T/txt" | grep -q "^FILE  *CAPTURE  *HOST  *KERNEL  *ARCH  *SPAN s  *TOP CAUSE  *CULPRIT  *SCORE  *WARN$" || no "text header: $(head -1 "$T/txt")"
grep -q "^samples/cpuhog.zst .* cpu-saturation  *spinner/" "$T/txt" || no "text row: $(cat "$T/txt")"
$A triage samples/*.zst --csv > "$T/fleet.csv" || no "triage --csv"
[ "$(wc -l < "$T/fleet.csv")" = $(($(ls samples/*.zst | wc -l) + 1)) ] || no "CSV rows"
if command -v sqlite3 > /dev/null; then
	got=$(sqlite3 "$T/fleet.db" '.import --csv '"$T/fleet.csv"' triage' \
		"SELECT top_cause, count(*) FROM triage GROUP BY top_cause ORDER BY 2 DESC, 1" | head -1)
	leaks=$(grep -l '"top_cause": "memory-leak"' samples/*.expect.json | wc -l)
	[ "$got" = "memory-leak|$leaks" ] || no "sqlite over the CSV: '$got', wanted memory-leak|$leaks"
fi
$A triage samples/seed.zst --json > /dev/null 2>&1 && no "triage --json should be refused (--jsonl)"

[ $fail = 0 ] && echo "e2e_triage: ok"
exit $fail
