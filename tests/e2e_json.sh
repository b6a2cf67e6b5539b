#!/bin/sh
# e2e_json.sh - the JSON report's own fields on every sample: a schema
# version, the capture id (the one `analyze info` shows), wall-clock times
# beside relative ones for the windows and every event, events summarized
# (other processes' starts and exits counted, not listed; every OOM kill
# and trigger kept) and figures rounded to their precision.
set -u
. tests/lib.sh
for f in samples/*.zst; do
	n=$(basename "$f")
	$A --json "$f" > "$T/r.json" || { no "$n: exit $?"; continue; }
	$A info "$f" > "$T/info.txt"
	$A dump "$f" > "$T/d.jsonl"
	python3 - "$T/r.json" "$T/info.txt" "$T/d.jsonl" "$n" <<'PY' || no "$n: JSON report fields"
import datetime, json, re, sys
raw = open(sys.argv[1]).read()
r = json.loads(raw)
info = open(sys.argv[2]).read()
name = sys.argv[4]
assert r["schema_version"] == 2
cid = re.search(r"^capture id\s+([0-9a-f]{16})$", info, re.M).group(1)
assert r["capture"]["id"] == cid, (r["capture"]["id"], cid)
# no float printed past its precision (0.47999999999999998)
long = re.findall(r"-?\d+\.\d{4,}", raw)
assert not long, long[:5]
def ts(s): return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
t0 = ts(r["capture"]["start"])
for wn in ("healthy", "faulty"):
    w = r["windows"][wn]
    if not w or "start_s" not in w:
        continue
    # the wall clock says the same as the offset (within a sample's jitter)
    assert abs(ts(w["start"]) - t0 - w["start_s"]) <= 1.5, (wn, w)
    assert abs(ts(w["end"]) - t0 - w["end_s"]) <= 1.5, (wn, w)
cul = {c["culprit"]["pid"] for c in r["causes"] if c["culprit"]}
for e in r["events"]:
    assert abs(ts(e["wall"]) - t0 - e["t_s"]) <= 1.5, e
    if e["kind"] in ("process-start", "process-exit"):
        assert e["pid"] in cul, ("a non-culprit's start or exit is listed", e)
s = r["events_summary"]
starts = sum(1 for e in r["events"] if e["kind"] == "process-start")
assert s["processes_started"] >= starts
# every OOM kill the kernel logged is an event
kills = 0
for l in open(sys.argv[3]):
    o = json.loads(l)
    if o.get("type") == "text" and isinstance(o.get("text"), str) and "Killed process" in o["text"]:
        kills += 1
listed = sum(1 for e in r["events"] if e["kind"] == "oom" and "Killed process" in e["text"])
assert listed == kills, (listed, kills)
print("e2e_json: %-24s %3d events listed, %d starts counted, %d short-lived, %d OOM kill(s)" %
      (name, len(r["events"]), s["processes_started"], s["short_lived_processes"], kills))
PY
done
# the seed lists logd's start and exit and counts the rest
$A --json samples/seed.zst | python3 -c '
import json, sys
r = json.load(sys.stdin)
t = [e["text"] for e in r["events"]]
assert "started logd (pid 16619)" in t and "exited logd (pid 16619)" in t, t
assert r["events_summary"]["processes_started"] > 100, r["events_summary"]
assert len(r["events"]) < 20, len(r["events"])
' || no "seed: events not summarized"
$A --json samples/oom.zst | grep -q '"kind": "oom"' || no "oom: the kill is not an event"
[ $fail = 0 ] && echo "e2e_json: all passed"
[ $fail = 0 ]
