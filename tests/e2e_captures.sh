#!/bin/sh
# e2e_captures.sh - inputs holding several captures, and one capture in
# several pieces, on the real samples: the report is of one capture, says
# how many the input holds, and the pieces of one read as the whole.
set -u
. tests/lib.sh
CUT=$BUILD/tests/capcut
top() { python3 -c 'import json,sys; r=json.load(sys.stdin); c=r["causes"][0]; print(c["id"], (c["culprit"] or {}).get("comm"), r["capture"]["samples"])'; }

# two devices' captures in one file: the last one, unless --capture picks
cat samples/oom.zst samples/seed.zst > "$T/two.zst"
[ "$($A --json "$T/two.zst" | top)" = "memory-leak logd 191" ] || no "cat a b: not the last capture's verdict: $($A --json "$T/two.zst" | top)"
[ "$($A --json "$T/two.zst" --capture 1 | top)" = "memory-leak memhog 121" ] || no "--capture 1"
$A --json "$T/two.zst" | grep -q "the input holds 2 captures" || no "the report does not say it holds 2 captures"
$A "$T/two.zst" --capture 3 > /dev/null 2> "$T/e"; rc=$?
[ $rc = 2 ] && grep -q "holds 2 capture" "$T/e" || no "--capture 3 of 2: exit $rc, '$(cat "$T/e")'"
$A info "$T/two.zst" | grep -q "^  \*  2  id cee292618e47c4c2" || no "info does not list and mark the captures"
$A info --json "$T/two.zst" | python3 -c '
import json,sys; c=json.load(sys.stdin)["captures"]
assert [x["samples"] for x in c] == [121, 191] and [x["chosen"] for x in c] == [False, True], c' || no "info --json captures"
# time never runs backwards in the report: no restart inside it
$A --json "$T/two.zst" | grep -q "continues here" && no "the report still mixes two captures"
$A dump "$T/two.zst" > "$T/two.jsonl"
[ "$($A --json "$T/two.jsonl" --capture 1 | top)" = "memory-leak memhog 121" ] || no "JSONL --capture 1"

# a rotated pair (--max-size: FILE.1 then FILE) reads as the whole, in either order
"$CUT" samples/seed.zst 0 9 > "$T/snap.zst.1"
"$CUT" samples/seed.zst 9 > "$T/snap.zst"
whole=$($A --json samples/seed.zst | top)
[ "$($A --json "$T/snap.zst.1" "$T/snap.zst" | top)" = "$whole" ] || no "FILE.1 FILE is not the whole: $($A --json "$T/snap.zst.1" "$T/snap.zst" | top)"
[ "$($A --json "$T/snap.zst" "$T/snap.zst.1" | top)" = "$whole" ] || no "FILE FILE.1 (given out of order) is not the whole"
$A info "$T/snap.zst.1" "$T/snap.zst" | grep -q "^frames *19" || no "info of the pair: frames"
$A dump "$T/snap.zst.1" "$T/snap.zst" > /dev/null 2>&1 && no "dump of two files should be refused"
[ $fail = 0 ] && echo "e2e_captures: all passed"
exit $fail
