#!/bin/sh
# e2e_redact.sh - `analyze redact` and `analyze --markdown`: the redacted
# copy of a real sample gives the same causes, scores, figures, windows and
# task table; none of the original names is left in it; every number of
# the kernel log is kept.  The Markdown report holds the same verdict in
# tables that paste into a tracker.
set -u
. tests/lib.sh

for s in seed oom qemu-armhf-thrash; do
	for mode in names comms; do
		flag=""; [ $mode = comms ] && flag=--comms
		$A redact samples/$s.zst -o "$T/$s.$mode.zst" $flag 2> "$T/err" || { no "redact $s $flag: $(cat "$T/err")"; continue; }
		$A --json samples/$s.zst > "$T/a.json"; $A --json "$T/$s.$mode.zst" > "$T/b.json"
		$A top samples/$s.zst --at 30 --rows 0 --json > "$T/ta.json"; $A top "$T/$s.$mode.zst" --at 30 --rows 0 --json > "$T/tb.json"
		$A dump samples/$s.zst > "$T/a.jsonl"; $A dump "$T/$s.$mode.zst" > "$T/b.jsonl"
		python3 - "$T" $s $mode <<'PY' || no "redact $s ($mode): (above)"
import json, re, sys
T, name, mode = sys.argv[1:4]
a, b = json.load(open(T + "/a.json")), json.load(open(T + "/b.json"))
def verdict(r):
    return [(c["id"], c["score"], c["rank"], (c.get("culprit") or {}).get("pid"), c.get("explains"),
             [(e["metric"], e["healthy"], e["faulty"], e["unit"]) for e in c["evidence"]]) for c in r["causes"]]
assert verdict(a) == verdict(b), (verdict(a)[:1], verdict(b)[:1])
assert a["windows"] == b["windows"], "windows differ"
assert len(a["causes"]) >= 1
for k in ("samples", "span_s", "kernel", "arch"):
    if k in a["capture"]:
        assert a["capture"][k] == b["capture"][k], k
ta, tb = json.load(open(T + "/ta.json"))[0], json.load(open(T + "/tb.json"))[0]
fig = lambda t: sorted((p["pid"], p["state"], p["threads"], p["cpu_pct"], p["rss_kb"], p["majflt_ps"]) for p in t["table"])
assert fig(ta) == fig(tb), "task table figures differ"
# the originals' names
recs = [json.loads(l) for l in open(T + "/a.jsonl")]
red = [json.loads(l) for l in open(T + "/b.jsonl")]
host = [r for r in recs if r["type"] == "header"][0]["host"]
rhost = [r for r in red if r["type"] == "header"][0]
assert rhost["host"] != host and rhost["host"].startswith("host-"), rhost["host"]
KT = 0x00200000
names, cgs = set(), set()
for r in recs:
    if r["type"] == "task":
        v = r["v"]
        for c in (v.get("cgroup") or "").split("/"):
            if c: cgs.add(c)
        if mode == "comms" and not (v.get("flags", 0) & KT) and v.get("comm"):
            names.add(v["comm"])
    if r["type"] == "group" and r.get("source") == "cgroup":
        for c in (r.get("instance") or "").split("/"):
            if c: cgs.add(c)
# kept by design: the tool's own name, and (without --comms) every process name
keep = {"capture"} | ({v["v"]["comm"] for v in recs if v["type"] == "task" and v["v"].get("comm")} if mode == "names" else set())
cgs -= keep
names -= keep
opts = [t for t in [r for r in recs if r["type"] == "header"][0]["options"].split()[1:] if "/" in t or t.endswith(".zst")]
text = open(T + "/b.jsonl").read()
left = []
for s in sorted(names | cgs | set(opts)) + [host]:
    if re.search(r'(?<![\w.-])' + re.escape(s) + r'(?![\w.-])', text):
        left.append(s)
assert not left, "original names left in the copy: %r" % left[:10]
if mode == "comms":
    assert names, "no user process names in the sample?"
# kernel log: every number kept, line for line, in order
ka = [r["text"] for r in recs if r["type"] == "text" and r["kind"] == "kmsg"]
kb = [r["text"] for r in red if r["type"] == "text" and r["kind"] == "kmsg"]
assert len(ka) == len(kb), (len(ka), len(kb))
pseud = re.compile(r'(?:p|cg|host|arg)-[0-9a-f]{8}')
changed = 0
# numbers that are part of a name (a cgroup "app.1234") go with the name
masked = sorted((names | cgs) - {"capture"}, key=len, reverse=True)
for x, y in zip(ka, kb):
    for m in masked:
        x = re.sub(r'(?<![\w.-])' + re.escape(m) + r'(?![\w.-])', '', x)
    assert re.findall(r'\d+', x) == re.findall(r'\d+', pseud.sub('', y)), (x, y)
    changed += x != y
if ka and mode == "comms":
    assert changed, "no kernel log line was touched"
PY
	done
done

# without --comms the culprit keeps its name; with it, a pseudonym
$A samples/seed.zst --json -o "$T/o.json"
$A --json "$T/seed.names.zst" | grep -q '"comm": "logd"' || no "redact without --comms renamed logd"
$A --json "$T/seed.comms.zst" | grep -q '"comm": "p-[0-9a-f]\{8\}"' || no "redact --comms kept the culprit's name"
# kernel threads keep their names (kswapd's CPU is a figure)
$A top "$T/qemu-armhf-thrash.comms.zst" --at 30 --rows 0 | grep -q " kswapd0 " || no "kswapd0 renamed"
$A redact samples/seed.zst > /dev/null 2> "$T/e"; [ $? = 2 ] && grep -q "redact needs -o OUT" "$T/e" || no "redact without -o: $(cat "$T/e")"
cp samples/idle.zst "$T/same.zst"
$A redact "$T/same.zst" -o "$T/same.zst" 2> "$T/e"; [ $? = 2 ] && cmp -s "$T/same.zst" samples/idle.zst || no "redact onto its input: $(cat "$T/e")"

# tmpfs mount points (statfs groups) become "/mnt-xxxxxxxx/..." paths, and
# the report of the copy names the same mount by its pseudonym
$A redact samples/tmpfs.zst -o "$T/tmpfs.zst" 2> "$T/e" || no "redact tmpfs: $(cat "$T/e")"
$A dump samples/tmpfs.zst | grep -c '"source":"statfs"' > "$T/n.a"
$A dump "$T/tmpfs.zst" | grep '"source":"statfs"' > "$T/sf.b"
[ "$(cat "$T/n.a")" -gt 0 ] || no "tmpfs.zst holds no statfs group"
[ "$(wc -l < "$T/sf.b")" = "$(cat "$T/n.a")" ] || no "redact: statfs groups lost"
grep -v '"instance":"\(/mnt-[0-9a-f]\{8\}\)*"' "$T/sf.b" | head -1 | grep . && no "redact: a mount point kept its name"
$A --json "$T/tmpfs.zst" | grep -q '"path": "\(/mnt-[0-9a-f]\{8\}\)*"' || no "redact: the copy's report names no pseudonymous mount"

# --- --markdown --------------------------------------------------------
$A --markdown samples/seed.zst > "$T/r.md" || no "--markdown exit $?"
python3 - "$T/r.md" "$T/o.json" <<'PY' || no "--markdown (above)"
import json, re, sys
md = open(sys.argv[1]).read()
r = json.load(open(sys.argv[2]))
top = r["causes"][0]
assert md.startswith("### iowait-doctor: memory-leak, culprit `logd` (pid 16619), score %.2f\n" % top["score"]), md.splitlines()[0]
lines = md.splitlines()
# every table row has as many cells as its header
i = 0
while i < len(lines):
    if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r'^\|[-:| ]+\|$', lines[i + 1]):
        n = lines[i].count("|") - lines[i].count("\\|")
        j = i + 2
        while j < len(lines) and lines[j].startswith("|"):
            assert lines[j].count("|") - lines[j].count("\\|") == n, (lines[i], lines[j])
            j += 1
        i = j
    else:
        i += 1
assert "| 1 | memory-leak | %.2f | `logd` (16619) |" % top["score"] in md
ev = {e["metric"]: e for e in top["evidence"]}
assert "| rss_kb | %.0f | %.0f | kB |" % (ev["rss_kb"]["healthy"], ev["rss_kb"]["faulty"]) in md, "evidence table"
assert re.search(r"\| \d+ \| 0 \| `app` \| `folio_wait_bit_common` \| page-fault \|", md), "blocked-task groups"
assert "| healthy | 9 s .. 55 s | 21:03:05 .. 21:03:50 UTC | 46 |" in md, "windows table"
assert "<" not in md.replace("&lt;", ""), "raw HTML in the Markdown"
PY
$A --markdown --json samples/seed.zst > /dev/null 2>&1 && no "--markdown with --json accepted"
# a hostile name cannot break a table: a pipe in a comm stays in its cell
$A --markdown "$T/seed.comms.zst" | grep -q '^| 1 | memory-leak | .* | `p-[0-9a-f]\{8\}` (16619) |' || no "--markdown of the redacted copy"

[ $fail = 0 ] && echo "e2e_redact: ok"
exit $fail
