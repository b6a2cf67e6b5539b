#!/bin/sh
# e2e_security.sh - what capture may touch as root, and what analyze does
# with hostile bytes: only 'l' and 'w' ever reach sysrq-trigger and
# kernel.sysrq is put back; no symlink is followed at FILE, FILE.1 or the
# trigger; files are 0600 whatever the umask; a capture whose texts hold
# <script>, ANSI escapes, printf directives and invalid UTF-8 renders
# escaped in the text report, HTML and JSON.
set -u
. tests/lib.sh
sick() { rm -rf "$T/sick"; cp -r "$TEST_DATA/sick" "$T/sick"; }
FIX="--proc-root $T/sick/proc --kmsg $T/sick/kmsg"
ESC=$(printf '\033')

# --- many triggers: the trigger file only ever holds l and w ----------
sick
$C -o "$T/trig.cap" $FIX --sysrq every=0.02 -i 0.02 -n 40 2> "$T/err" || no "many triggers: exit $? ($(cat "$T/err"))"
trig=$(cat "$T/sick/proc/sysrq-trigger")
[ ${#trig} -ge 20 ] || no "many triggers: only '${trig}' written"
printf '%s' "$trig" | grep -qx '\(lw\)*' || no "many triggers: trigger file holds '$trig'"
[ "$(cat "$T/sick/proc/sys/kernel/sysrq")" = 16 ] || no "many triggers: kernel.sysrq not restored"
# auto mode with its thresholds at their most eager
sick
$C -o "$T/auto.cap" $FIX --sysrq auto --sysrq-when iowait=1,dtasks=1,psi=0.01,gap=0,max=50 -i 0.02 -n 30 2> "$T/err" ||
	no "auto triggers: exit $?"
trig=$(cat "$T/sick/proc/sysrq-trigger")
[ -n "$trig" ] && printf '%s' "$trig" | grep -qx '\(lw\)*' || no "auto triggers: trigger file holds '$trig'"
[ "$(cat "$T/sick/proc/sys/kernel/sysrq")" = 16 ] || no "auto triggers: kernel.sysrq not restored"

# --- a symlink at sysrq-trigger is not written through ----------------
sick
: > "$T/victim"
rm "$T/sick/proc/sysrq-trigger" && ln -s "$T/victim" "$T/sick/proc/sysrq-trigger"
$C -o "$T/l.cap" $FIX --sysrq every=0.02 -i 0.02 -n 5 2> "$T/err" || no "trigger symlink: exit $?"
[ -s "$T/victim" ] && no "trigger symlink: written through to its target"
[ "$(grep -c 'sysrq' "$T/err")" = 1 ] || no "trigger symlink: wanted one warning: '$(cat "$T/err")'"

# --- output path: dangling symlink, symlink at FILE.1, umask ----------
sick
ln -s "$T/nonexistent" "$T/dangling.cap"
$C -o "$T/dangling.cap" $FIX --sysrq off -n 1 2> "$T/err"; rc=$?
[ $rc = 1 ] || no "dangling symlink at FILE: exit $rc"
[ -e "$T/nonexistent" ] && no "dangling symlink at FILE: its target was created"
grep -q "symbolic link" "$T/err" || no "dangling symlink at FILE: message '$(cat "$T/err")'"

printf keep > "$T/victim"
ln -s "$T/victim" "$T/rot.cap.1"
$C -o "$T/rot.cap" $FIX --sysrq off -i 0 -n 3000 --flush 0.01 --frame 0.01 --max-size 64k 2> "$T/err" || no "rotation: exit $?"
[ "$(cat "$T/victim")" = keep ] || no "rotation: written through the symlink at FILE.1"
[ -L "$T/rot.cap.1" ] && no "rotation: FILE.1 is still the planted symlink (no rotation happened?)"
[ -f "$T/rot.cap.1" ] || no "rotation: no FILE.1"
for f in "$T/rot.cap" "$T/rot.cap.1"; do
	[ "$(stat -c %a "$f")" = 600 ] || no "$f: mode $(stat -c %a "$f"), wanted 600"
done
(umask 0; $C -o "$T/umask.cap" $FIX --sysrq off -n 1) 2> /dev/null
[ "$(stat -c %a "$T/umask.cap")" = 600 ] || no "umask 0: mode $(stat -c %a "$T/umask.cap"), wanted 600"

# --- hostile bytes in a capture the recorder wrote --------------------
# the D-state thread's comm and a kernel log record carry them
sick
BAD=$(printf '<script>\033[2J%%n%%s\377\376')
st=$T/sick/proc/8741/task/8785/stat
[ -f "$st" ] || st=$(grep -l '(JS Helper)' "$T"/sick/proc/*/task/*/stat | head -1)
sed "s/(JS Helper)/($BAD)/" "$st" > "$T/st" && cat "$T/st" > "$st"
printf '6,900,3000000,-;%s kmsg text\n' "$BAD" >> "$T/sick/kmsg"
$C -o "$T/hostile.cap" $FIX --sysrq off -i 0.05 -n 4 2> /dev/null || no "hostile comm: capture exit $?"
check_text() { # FILE WHAT: no ESC, valid UTF-8
	grep -q "$ESC" "$1" && no "$2: raw ESC byte in the output"
	python3 -c "import sys; open(sys.argv[1], 'rb').read().decode('utf-8')" "$1" 2> /dev/null ||
		no "$2: output is not valid UTF-8"
}
for cmd in "" "info" "timeline" "stacks"; do
	$A $cmd "$T/hostile.cap" > "$T/out" 2>&1 || no "analyze $cmd on hostile capture: exit $?"
	check_text "$T/out" "analyze $cmd (recorded capture)"
done
$A "$T/hostile.cap" | grep -q '<script>?\[2J%n%s??' || no "text report: the hostile comm is not shown, escaped"

# --- hostile bytes as the culprit of a report (via the JSONL dump) ----
gencap "$T/seed.cap" --scenario seed --seconds 120 && $A dump "$T/seed.cap" > "$T/seed.jsonl"
python3 - "$T/seed.jsonl" "$T/h.jsonl" <<'PY' || no "cannot make the hostile dump"
import json, sys
bad = b'<script>\x1b[2J%n%s\xff\xfe'
out = open(sys.argv[2], 'w')
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o['type'] == 'task' and o['v'].get('comm') == 'logd':
        o['v']['comm'] = {'hex': bad.hex()}
    if o['type'] == 'text' and isinstance(o.get('text'), str) and 'logd' in o['text']:
        o['text'] = {'hex': o['text'].encode().replace(b'logd', bad).hex()}
    out.write(json.dumps(o, separators=(',', ':')) + '\n')
PY
$A "$T/h.jsonl" > "$T/r.txt" 2>&1 || no "text report on hostile dump: exit $?"
check_text "$T/r.txt" "text report (hostile culprit)"
grep -q "culprit <script>?\[2J%n%s?? (pid 493)" "$T/r.txt" || no "text report: culprit not shown escaped"
for cmd in "stacks" "timeline" "info"; do
	$A $cmd "$T/h.jsonl" > "$T/out" 2>&1 || no "analyze $cmd on hostile dump: exit $?"
	check_text "$T/out" "analyze $cmd (hostile dump)"
done
$A html "$T/h.jsonl" -o "$T/r.html" || no "html on hostile dump: exit $?"
# the page's one script is its own hover code; a name never opens another
[ "$(grep -oi "<script" "$T/r.html" | wc -l)" = 1 ] && grep -q "^<script>$" "$T/r.html" || no "html: raw <script"
grep -q "&lt;script&gt;" "$T/r.html" || no "html: the culprit is not shown escaped"
check_text "$T/r.html" "html"
$A --json "$T/h.jsonl" > "$T/r.json" || no "--json on hostile dump: exit $?"
$A stacks --json "$T/h.jsonl" > "$T/s.json" || no "stacks --json on hostile dump: exit $?"
python3 - "$T/r.json" "$T/s.json" <<'PY' || no "JSON output invalid or culprit lost"
import json, sys
def strict(c): raise ValueError("non-standard constant " + c)
r = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=strict)
json.load(open(sys.argv[2], encoding="utf-8"), parse_constant=strict)
c = r["causes"][0]["culprit"]
assert c["pid"] == 493 and c["comm"].startswith("<script>"), c
assert "\x1b" not in json.dumps(r, ensure_ascii=False)
PY
# jansson reads its own dump of the hostile capture back, identically
$A dump "$T/h.jsonl" > "$T/h2.jsonl" || no "dump of hostile dump: exit $?"
$A dump "$T/h2.jsonl" | cmp -s - "$T/h2.jsonl" || no "hostile dump does not round-trip"

[ $fail = 0 ] && echo "e2e_security: all passed"
exit $fail
