#!/bin/sh
# e2e_cli.sh - the command line people meet first: one version everywhere,
# --help and the man pages list the same options, bash completion offers
# the commands, make install / uninstall into a DESTDIR.
set -u
. tests/lib.sh

# --- one version: version.h, both binaries, -V, the capture header -------
V=$(sed -n 's/^#define IOWD_VERSION "\(.*\)"$/\1/p' format/version.h)
[ -n "$V" ] || no "no IOWD_VERSION in format/version.h"
for b in "$C" "$A"; do
	for f in -V --version; do
		out=$("$b" $f 2>&1); rc=$?
		[ $rc = 0 ] || no "$(basename "$b") $f: exit $rc"
		case $out in *" $V,"*) ;; *) no "$(basename "$b") $f says '$out', not version $V" ;; esac
	done
done
"$C" -o "$T/v.zst" -n 2 -i 0.1 --sysrq off --proc-root "$TEST_DATA/sick/proc" --kmsg "$TEST_DATA/sick/kmsg" \
	2> "$T/cerr" || no "capture on the fixture: $(cat "$T/cerr")"
w=$("$A" info "$T/v.zst" | sed -n 's/^writer *//p')
F=$(sed -n 's/^#define CAP_FORMAT_VERSION \([0-9]*\).*/\1/p' format/cap.h)
[ "$w" = "capture $V (format $F)" ] || no "capture header writer is '$w', not 'capture $V (format $F)'"
for m in man/capture.1 man/analyze.1; do
	grep -q "^\.TH .* \"iowait-doctor $V\"" "$m" || no "$m is not stamped iowait-doctor $V"
done

# --- analyze - reads standard input: a capture or its dump ----------------
S0=samples/seed.zst
"$A" --json "$S0" > "$T/f.json" || no "report of $S0"
"$A" --json - < "$S0" > "$T/s.json" 2> "$T/serr" || no "analyze - < capture: exit $? $(cat "$T/serr")"
cmp -s "$T/f.json" "$T/s.json" || no "analyze - reads a capture differently from the file"
"$A" dump "$S0" | "$A" --json - > "$T/d.json" || no "dump | analyze -"
cmp -s "$T/f.json" "$T/d.json" || no "analyze - reads the JSONL dump differently from the capture"
"$A" info - < "$S0" | grep -q "^samples *191" || no "analyze info - on the seed"
"$A" timeline "$S0" --csv > "$T/tl"
"$A" timeline - --csv < "$S0" | cmp -s - "$T/tl" || no "timeline - differs from timeline FILE"
"$A" - < /dev/null > /dev/null 2> "$T/e"; rc=$?
[ $rc = 2 ] && grep -q "^analyze: standard input is empty" "$T/e" || no "empty stdin: exit $rc '$(cat "$T/e")'"
printf 'hello\n' | "$A" - > /dev/null 2> "$T/e"; rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$T/e")" = 1 ] || no "text on stdin: exit $rc '$(cat "$T/e")'"

# --- --help and the man page list the same options ------------------------
for b in capture analyze; do
	"$BUILD/$b" --help > "$T/$b.help" || no "$b --help exit $?"
	python3 - "$T/$b.help" "man/$b.1" "$b" <<'PY' || no "$b: --help and man/$b.1 disagree (above)"
import re, sys
help_text = open(sys.argv[1]).read()
man = open(sys.argv[2]).read()
name = sys.argv[3]
opt = re.compile(r'(?<![\w\-])(--?[A-Za-z][A-Za-z0-9-]*)')
in_help = set(opt.findall(help_text))
# options the man page documents: the tag line after each .TP
lines = man.replace('\\-', '-').split('\n')
in_man = set()
for i, l in enumerate(lines[:-1]):
    if l.startswith('.TP'):
        in_man |= set(opt.findall(lines[i + 1]))
ok = True
for o in sorted(in_help - in_man):
    print(f"  {name}: {o} is in --help but has no entry in man/{name}.1"); ok = False
for o in sorted(in_man - in_help):
    print(f"  {name}: man/{name}.1 documents {o}, which --help does not list"); ok = False
for sect in ('EXIT STATUS', 'FILES', 'EXAMPLES', 'GUARANTEES'):
    if '.SH ' + sect not in man:
        print(f"  {name}: man page has no {sect} section"); ok = False
g = man[man.find('.SH GUARANTEES'):]
for word in ('SIGKILL', 'ENOSPC', 'ower'):
    if word not in g:
        print(f"  {name}: GUARANTEES does not mention {word}"); ok = False
if len(in_help) < 8:
    print(f"  {name}: only {len(in_help)} options found in --help"); ok = False
sys.exit(0 if ok else 1)
PY
done
# commands: the help's, the man page's and the completion's are one list
cmds=$(sed -n '/^commands:/,/^$/p' "$T/analyze.help" | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p; s/^  \([a-z][a-z]*\)$/\1/p' | sort | tr '\n' ' ')
mcmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' man/analyze.1 | grep -A1 '^\.TP' | sed -n 's/^\.BI* \([a-z][a-z]*\).*/\1/p' | sort | tr '\n' ' ')
[ "$cmds" = "$mcmds" ] || no "commands in --help '$cmds' differ from man/analyze.1 '$mcmds'"
[ -n "$cmds" ] || no "no commands found in analyze --help"

# --- bash completion -------------------------------------------------------
if command -v bash > /dev/null; then
	cat > "$T/comp.bash" <<EOB
PATH=$(cd "$BUILD" && pwd):\$PATH
. completion/iowait-doctor.bash
compopt() { :; }
c() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); complete -p "\$1" > /dev/null || exit 3
	f=\$(complete -p "\$1" | sed 's/.*-F \([^ ]*\).*/\1/'); \$f; echo "\${COMPREPLY[*]}"; }
cd "$T"; : > a.zst; : > b.jsonl; : > c.txt
echo "cmds:\$(c analyze '')"
echo "json:\$(c analyze --js)"
echo "flush:\$(c capture --fl)"
echo "files:\$(c analyze info '')"
echo "sort:\$(c analyze top a.zst --sort '')"
EOB
	bash "$T/comp.bash" > "$T/comp.out" 2>&1 || no "completion script failed: $(cat "$T/comp.out")"
	got=$(sed -n 's/^cmds://p' "$T/comp.out" | tr ' ' '\n' | grep -v '[./]' | sort | tr '\n' ' ')
	[ "$got" = "$cmds" ] || no "completion offers commands '$got', help has '$cmds'"
	grep -q '^json:\(.* \)*--json\( \|$\)' "$T/comp.out" || no "completion of --js: $(grep json: "$T/comp.out")"
	grep -qx 'flush:--flush' "$T/comp.out" || no "completion of capture --fl: $(grep flush: "$T/comp.out")"
	files=$(sed -n 's/^files://p' "$T/comp.out")
	case $files in *a.zst*b.jsonl*) ;; *) no "completion of files offers '$files', not a.zst and b.jsonl" ;; esac
	case $files in *c.txt*) no "completion offers c.txt for analyze info" ;; esac
	grep -qx 'sort:cpu rss majflt state' "$T/comp.out" || no "completion of --sort: $(grep sort: "$T/comp.out")"
fi

# --- make install / uninstall into a DESTDIR -------------------------------
S=$T/stage
make -s --no-print-directory install O="$BUILD" DESTDIR="$S" PREFIX=/usr > "$T/inst" 2>&1 || no "make install: $(cat "$T/inst")"
for f in usr/bin/capture usr/bin/analyze usr/share/man/man1/capture.1 usr/share/man/man1/analyze.1 \
	 usr/share/bash-completion/completions/capture usr/share/bash-completion/completions/analyze; do
	[ -f "$S/$f" ] || no "make install did not install /$f"
done
[ -x "$S/usr/bin/capture" ] && [ -x "$S/usr/bin/analyze" ] || no "installed binaries are not executable"
"$S/usr/bin/analyze" -V | grep -q " $V," || no "installed analyze is not version $V"
cmp -s "$S/usr/share/man/man1/analyze.1" man/analyze.1 || no "installed analyze.1 differs from man/analyze.1"
n=$(find "$S" -type f | wc -l)
[ "$n" = 6 ] || no "make install wrote $n files, wanted 6: $(find "$S" -type f)"
make -s --no-print-directory uninstall DESTDIR="$S" PREFIX=/usr > "$T/uninst" 2>&1 || no "make uninstall: $(cat "$T/uninst")"
left=$(find "$S" -type f)
[ -z "$left" ] || no "make uninstall left: $left"
# PREFIX alone moves everything
make -s --no-print-directory install O="$BUILD" DESTDIR="$S" PREFIX=/opt/iowd > /dev/null 2>&1 || no "install PREFIX=/opt/iowd"
[ -x "$S/opt/iowd/bin/analyze" ] && [ -f "$S/opt/iowd/share/man/man1/capture.1" ] || no "PREFIX=/opt/iowd not honoured"
if command -v groff > /dev/null; then
	for m in man/capture.1 man/analyze.1; do
		groff -man -Tutf8 -ww -z "$m" 2> "$T/groff" ; [ -s "$T/groff" ] && no "$m: groff warns: $(head -3 "$T/groff")"
	done
fi

[ $fail = 0 ] && echo "e2e_cli: ok"
exit $fail
