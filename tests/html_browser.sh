#!/bin/sh
# html_browser.sh [PNG] - the html pages of the samples in headless
# Chromium: each screenshot has ink (not one blank colour), the DOM after
# the page's script ran holds "In short" and the top cause, and the
# browser logs no script error.  With PNG, the seed page's first screen
# is written there (the README shows it).
set -u
. tests/lib.sh
out=${1:-}
unset TZ  # the hover check reads UTC times
browser() {
	# a fresh profile each time: nothing from an earlier run, no network
	rm -rf "$T/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-quic --user-data-dir="$T/profile" \
		--enable-logging=stderr --v=0 --hide-scrollbars "$@"
}
for s in seed oom writer idle; do
	$A html "samples/$s.zst" -o "$T/$s.html" || { no "$s: html exit $?"; continue; }
	$A --json "samples/$s.zst" > "$T/$s.json"
	browser --window-size=1280,820 --screenshot="$T/$s.png" "file://$T/$s.html" > /dev/null 2> "$T/$s.err" ||
		no "$s: screenshot: exit $?"
	browser --dump-dom "file://$T/$s.html" > "$T/$s.dom" 2>> "$T/$s.err" || no "$s: dump-dom: exit $?"
	grep -i "uncaught\|SyntaxError\|TypeError" "$T/$s.err" && no "$s: script error in the browser"
	python3 - "$T/$s.png" "$T/$s.dom" "$T/$s.json" "$s" <<'PY' || no "$s: page as rendered"
import json, struct, sys, zlib
png, dom, rep, name = sys.argv[1:5]
data = open(png, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + ln]
    if typ == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif typ == b"IDAT":
        idat += body
    pos += 12 + ln
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, dark = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = tuple(line[x * bpp:x * bpp + 3])
            colours.add(px)
            dark += sum(px) < 300
    prev = line
# a blank page is one colour; a drawn one has text (dark pixels) and the
# chart colours
assert len(colours) > 50, "%d colours: blank?" % len(colours)
assert dark > 500, "%d dark pixels: no text?" % dark
text = open(dom, encoding="utf-8").read()
r = json.load(open(rep))
assert "In short" in text, "no verdict in the DOM"
assert 'data-hover="ready"' in text, "the hover script did not run to its end"
if r["causes"]:
    assert r["causes"][0]["id"] in text, "top cause not in the DOM"
    assert r["causes"][0]["summary"][:40].replace("&", "&amp;").replace("<", "&lt;") in text, "summary not in the DOM"
print("html_browser: %-7s %dx%d screenshot, %d colours, page text holds %s" %
      (name, w, h, len(colours), r["causes"][0]["id"] if r["causes"] else "no cause"))
PY
done
# hover: a pointer over the middle of the first chart shows the time there
# and each series' value in the legend
python3 - "$T/seed.html" "$T/probe.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
probe = """<script>
window.addEventListener('load',function(){var s=document.querySelector('svg.ch'),r=s.getBoundingClientRect();
s.dispatchEvent(new MouseEvent('mousemove',{clientX:r.left+r.width*0.5,clientY:r.top+r.height/2,bubbles:true}));
var f=s.parentNode;document.body.setAttribute('data-probe',f.querySelector('.tm').textContent+' | '+f.querySelector('.k b').textContent)});
</script></body>"""
open(sys.argv[2], "w", encoding="utf-8").write(page.replace("</body>", probe))
PY
browser --window-size=1100,900 --dump-dom "file://$T/probe.html" > "$T/probe.dom" 2> /dev/null || no "probe: exit $?"
p=$(grep -o 'data-probe="[^"]*"' "$T/probe.dom")
echo "$p" | grep -Eq 'data-probe="[0-9]{2}:[0-9]{2}:[0-9]{2} UTC, \+9[0-9] s \| [0-9.]+"' || no "hover shows '$p'"
echo "html_browser: hover over the seed's first chart: $p"
if [ -n "$out" ]; then
	browser --window-size=1000,720 --screenshot="$T/first.png" "file://$T/seed.html" > /dev/null 2>&1 || no "seed screenshot"
	cp "$T/first.png" "$out" && echo "html_browser: wrote $out ($(wc -c < "$out") bytes)"
fi
[ $fail = 0 ] && echo "html_browser: all passed"
[ $fail = 0 ]
