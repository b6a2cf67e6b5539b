#!/bin/sh
# e2e_html.sh - the html page of every sample and of a generated one-hour
# capture: it parses as HTML with every element closed, refers to nothing
# outside itself, names host, top cause and culprit in its title, says the
# verdict with the windows in wall-clock time before any chart, draws
# charts with more than two time ticks, and stays under 1 MB for an hour
# at 1 Hz.  Prints each page's size.
set -u
. tests/lib.sh
gencap "$T/hour-seed.cap" --scenario seed --seconds 3600 || no "gencap seed"
gencap "$T/hour-writer.cap" --scenario writer --seconds 3600 || no "gencap writer"

for f in samples/*.zst "$T"/hour-*.cap; do
	n=$(basename "$f")
	$A html "$f" -o "$T/p.html" || { no "$n: html exit $?"; continue; }
	$A --json "$f" > "$T/p.json" || { no "$n: --json exit $?"; continue; }
	python3 - "$T/p.html" "$T/p.json" "$n" <<'PY' || no "$n: page checks"
import json, re, sys
from html.parser import HTMLParser
page = open(sys.argv[1], encoding="utf-8").read()
rep = json.load(open(sys.argv[2]))
name = sys.argv[3]
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr"}
# SVG shapes may close themselves
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True)
        s.stack, s.errors, s.title, s.text, s.h2, s.scripts = [], [], "", [], [], 0
        s.in_title = s.in_h2 = s.in_short = False
        s.refs, s.short = [], ""
    def handle_starttag(s, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "action", "poster", "data") and v is not None and not v.startswith("#"):
                s.refs.append(v)
        if tag == "script":
            s.scripts += 1
            if any(k == "src" for k, _ in attrs):
                s.errors.append("script with src")
        if tag == "p" and ("class", "short") in attrs:
            s.in_short = True
        if tag == "title": s.in_title = True
        if tag == "h2": s.in_h2 = True
        if tag not in VOID: s.stack.append(tag)
    def handle_startendtag(s, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href", "xlink:href") and v is not None and not v.startswith("#"):
                s.refs.append(v)
    def handle_endtag(s, tag):
        if tag in VOID: return
        if not s.stack or s.stack[-1] != tag:
            s.errors.append("</%s> closes <%s>" % (tag, s.stack[-1] if s.stack else "nothing"))
        else:
            s.stack.pop()
        if tag == "title": s.in_title = False
        if tag == "h2": s.in_h2 = False
        if tag == "p": s.in_short = False
    def handle_data(s, d):
        if s.in_title: s.title += d
        if s.in_h2: s.h2.append(d)
        if s.in_short: s.short += d
        s.text.append(d)
p = P()
p.feed(page)
p.close()
assert not p.errors, p.errors[:5]
assert not p.stack, "unclosed: %s" % p.stack
assert not p.refs, "external or linked references: %s" % p.refs[:5]
assert not re.search(r"url\(|@import|https?://", page), "a URL in the page"
assert p.scripts == 1, "%d scripts" % p.scripts
host = rep["capture"]["host"]
assert p.title.startswith(host), p.title
causes = rep["causes"]
if causes:
    assert causes[0]["id"] in p.title, p.title
    cul = next((c["culprit"] for c in causes if c["culprit"] and not c["explained_by"]), None)
    if cul:
        assert cul["comm"] in p.title and str(cul["pid"]) in p.title, p.title
else:
    assert "no cause found" in p.title, p.title
assert p.h2[0] == "In short", p.h2
w = rep["windows"]["faulty"]
# the faulty window in wall-clock time, in the verdict paragraph
start = rep["capture"]["start"]
assert re.search(r"faulty \d\d:\d\d:\d\d.\d\d:\d\d:\d\d UTC", p.short) or not causes, p.short
assert page.index("In short") < page.index("<svg"), "a chart before the verdict"
# time ticks: wall clock and relative, more than the two ends
ticks = re.findall(r'text-anchor="middle">(\d\d:\d\d(?::\d\d)?)</text>', page)
assert len(set(ticks)) >= 4, ticks[:10]
assert re.search(r'class="dim"[^>]*>\+\d', page), "no relative ticks"
assert 'class="wf"' in page, "faulty window not shaded"
size = len(page.encode())
limit = 1_000_000
assert size < limit, "%d bytes" % size
print("e2e_html: %-26s %7d bytes" % (name, size))
PY
done

# the seed's page draws where it ran short: logd's memory cgroup with its
# limit, logd's RSS, the culprit's start and exit as markers
$A html samples/seed.zst -o "$T/seed.html"
grep -q "Memory of cgroup /iowd-seed" "$T/seed.html" || no "seed: no cgroup memory chart"
grep -q "limit 400 MB" "$T/seed.html" || no "seed: cgroup limit not named"
grep -q "RSS of logd (pid 16619)" "$T/seed.html" || no "seed: culprit RSS not drawn"
grep -q 'class="tmc"[^>]*>started logd' "$T/seed.html" || no "seed: culprit start not marked"
grep -q 'class="tmc"[^>]*>exited logd' "$T/seed.html" || no "seed: culprit exit not marked"
# memory is drawn first where the incident lives there, the CPU first else
first() { grep -o '<span class="ct">[^<]*' "$1" | sed -n 2p | sed 's/.*">//'; }
case "$(first "$T/seed.html")" in "Memory of cgroup /iowd-seed"*) ;; *) no "seed: first chart is '$(first "$T/seed.html")'" ;; esac
$A html samples/cpuhog.zst -o "$T/cpu.html"
[ "$(first "$T/cpu.html")" = CPU ] || no "cpuhog: first chart is '$(first "$T/cpu.html")', not CPU"
# the OOM sample marks the kill, naming the victim
$A html samples/oom.zst -o "$T/oom.html"
grep -q 'class="tmo"[^>]*>Killed process [0-9]* (memhog)' "$T/oom.html" || no "oom: kill not marked"
# no machine chart mixes tasks with percentages: D tasks have their own axis
python3 - "$T/seed.html" <<'PY' || no "seed: charts mix units"
import re, sys
page = open(sys.argv[1]).read()
for fig in re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S):
    if "tasks in D state" in fig:
        assert "(tasks)" in fig and "PSI" not in fig and "kswapd" not in fig, fig
PY
[ $fail = 0 ] && echo "e2e_html: all passed"
[ $fail = 0 ]
