#!/bin/sh
# cross-check.sh BUILD STATIC HOST_ARCH ARCH... - prove the static captures.
#
# For the host's static binary and each cross binary (run under qemu-user,
# called explicitly: binfmt_misc is not assumed), it
#   - checks the ELF: static (no interpreter), right machine and byte order,
#     and for MIPS soft-float with no FPU instruction at all;
#   - records the tests/data/sick fixture (--proc-root, --kmsg) and compares
#     every decoded record with a native capture ($BUILD/capture) of the same
#     fixture, after dropping the fields that legitimately differ (host,
#     machine, capture id and start time in the header, sample times,
#     took_us, the recorder's own "self" group).  Equal streams prove byte
#     order and word size do not leak into the file;
#   - records the live /proc briefly and checks the file decodes whole;
#   - checks the size limits (scripts/static-sizes.sh).
# qemu runs the oldest core each build targets (Cortex-A7, Cortex-A53, and
# the FPU-less MIPS 24Kc, where any float instruction is SIGILL), so newer
# instructions or hidden FPU use fail here rather than on a device.
# Records are decoded twice: by STATIC/capdump (format/reader.c and names.c alone) and
# by `BUILD/analyze dump` (JSON Lines); both must match the native capture.
# Ends with "N passed, N failed"; exit 1 on any failure.
set -eu
build=$1 st=$2 host=$3
shift 3
capdump=$st/capdump
fixture=tests/data/sick
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1"; }

runner() {
	case "$1" in
	armhf) echo "qemu-arm-static -cpu cortex-a7" ;;
	arm64) echo "qemu-aarch64-static -cpu cortex-a53" ;;
	mips) echo "qemu-mips-static -cpu 24Kc" ;;
	*) echo "" ;;
	esac
}
binutils() {
	case "$1" in
	armhf) echo arm-linux-gnueabihf- ;;
	arm64) echo aarch64-linux-gnu- ;;
	mips) echo mips-linux-gnu- ;;
	*) echo "" ;;
	esac
}
# readelf -h's Machine and Data lines, as expected per arch.
elf_want() {
	case "$1" in
	armhf) echo "ARM|little" ;;
	arm64) echo "AArch64|little" ;;
	mips) echo "MIPS R3000|big" ;;
	x86_64) echo "X86-64|little" ;;
	*) echo "" ;;
	esac
}

# The decoded records minus what may differ between two runs on two machines.
norm() {
	"$capdump" "$1" | sed -E \
		-e '/^group source="self"/d' \
		-e '/^header /s/ (host|machine)="[^"]*"//g' \
		-e '/^header /s/ (capture_id|start_us)=[0-9]+//g' \
		-e '/^sample /s/ (wall_us|mono_us)=[0-9]+//g' \
		-e '/^sample_end /s/ took_us=[0-9]+//'
}
# The same for `analyze dump` JSON Lines (analyze/jsonl.h), plus the frame
# offsets it prints: compressed sizes may differ once the dropped fields do.
# Numbers may be plain, null, or decimal strings above 2^63-1.
jnorm() {
	"$build/analyze" dump "$1" | sed -E \
		-e '/"source": ?"self"/d' \
		-e 's/"(host|machine)": ?"[^"]*",? ?//g' \
		-e 's/"(frame_offset|offset|capture_id|start_us|wall_us|mono_us|took_us)": ?("[^"]*"|[0-9]+|null),? ?//g'
}

# The header records the command line as given, so every fixture run uses
# the same one: the binary copied to $tmp/run/capture, run from $tmp, with
# relative paths.  The fixture is a copy: capture must never write into
# tests/data.
cp -R "$fixture" "$tmp/sick"
mkdir "$tmp/run"
# fixture_run FILE RUNNER... - record the fixture with $tmp/run/capture into FILE.
fixture_run() {
	f=$1
	shift
	rm -f "$tmp/out.zst"
	(cd "$tmp" && "$@" ./run/capture -o out.zst -n 3 -i 0 --sysrq off --no-mlock \
		--proc-root sick/proc --kmsg sick/kmsg) 2>"$tmp/err" && mv "$tmp/out.zst" "$f"
}

cp "$build/capture" "$tmp/run/capture"
if fixture_run "$tmp/native.zst"; then
	norm "$tmp/native.zst" >"$tmp/native.txt"
	if [ "$(grep -c '^sample ' "$tmp/native.txt")" = 3 ] && grep -q '^end' "$tmp/native.txt"; then
		ok "native: fixture capture has 3 samples and an end"
	else
		bad "native: fixture capture is incomplete"
	fi
else
	bad "native: capture of the fixture failed: $(cat "$tmp/err")"
	: >"$tmp/native.txt"
fi
if "$build/analyze" dump "$tmp/native.zst" >/dev/null 2>"$tmp/err"; then
	jnorm "$tmp/native.zst" >"$tmp/native.jsonl"
	ok "native: analyze dump reads the fixture capture ($(wc -l <"$tmp/native.jsonl" | tr -d ' ') lines)"
else
	bad "native: analyze dump failed: $(cat "$tmp/err")"
	: >"$tmp/native.jsonl"
fi

for a in "$host" "$@"; do
	bin=$st/capture-$a
	if [ ! -f "$bin" ]; then
		bad "$a: $bin missing (make static / make cross)"
		continue
	fi
	run=$(runner "$a")
	pre=$(binutils "$a")

	# The ELF itself.
	hdr=$("${pre}readelf" -h "$bin")
	want=$(elf_want "$a")
	m=${want%|*} e=${want#*|}
	if echo "$hdr" | grep -q "Machine:.*$m" && echo "$hdr" | grep -q "Data:.*$e endian"; then
		ok "$a: ELF is $m, $e-endian"
	else
		bad "$a: ELF is not $m $e-endian"
	fi
	if "${pre}readelf" -lW "$bin" | grep -q INTERP; then
		bad "$a: dynamically linked (has an interpreter)"
	else
		ok "$a: statically linked"
	fi
	if [ "$a" = mips ]; then
		# The issue's check (mtc1|mfc1|cvt.|trunc.|ldc1|sdc1) plus anything
		# else naming an FPU register or the FPU control register.
		n=$(mips-linux-gnu-objdump -d "$bin" | grep -cE '[[:space:]](mtc1|mfc1|cvt\.|trunc\.|ldc1|sdc1)' || :)
		# shellcheck disable=SC2016 # $f0.. are register names, not variables
		nall=$(mips-linux-gnu-objdump -d "$bin" | grep -cE '\$f[0-9]|[[:space:]](cfc1|ctc1|lwc1|swc1)' || :)
		if [ "$n" = 0 ] && [ "$nall" = 0 ]; then
			ok "mips: no FPU instruction (objdump count $n, any FPU register: $nall)"
		else
			bad "mips: $n FPU instructions ($nall naming FPU registers)"
		fi
		if mips-linux-gnu-readelf -A "$bin" | grep -q 'FP ABI: Soft float'; then
			ok "mips: FP ABI is soft float"
		else
			bad "mips: FP ABI is not soft float"
		fi
	fi

	# shellcheck disable=SC2086
	if $run "$bin" --version >"$tmp/v" 2>&1 && grep -q '^capture ' "$tmp/v"; then
		ok "$a: runs ($(head -1 "$tmp/v"))"
	else
		bad "$a: --version failed: $(cat "$tmp/v")"
	fi

	# The fixture, compared record by record with the native capture.
	out=$tmp/fix-$a.zst
	cp "$bin" "$tmp/run/capture"
	# shellcheck disable=SC2086
	if fixture_run "$out" $run; then
		norm "$out" >"$tmp/fix-$a.txt"
		if [ -s "$tmp/native.txt" ] && cmp -s "$tmp/native.txt" "$tmp/fix-$a.txt"; then
			ok "$a: fixture capture decodes identical to native ($(wc -l <"$tmp/fix-$a.txt" | tr -d ' ') records)"
		else
			bad "$a: fixture capture differs from native"
			diff "$tmp/native.txt" "$tmp/fix-$a.txt" | head -20 || :
		fi
		if jnorm "$out" >"$tmp/fix-$a.jsonl" && [ -s "$tmp/native.jsonl" ] &&
			cmp -s "$tmp/native.jsonl" "$tmp/fix-$a.jsonl"; then
			ok "$a: analyze dump identical to native"
		else
			bad "$a: analyze dump differs from native"
			diff "$tmp/native.jsonl" "$tmp/fix-$a.jsonl" | head -20 || :
		fi
	else
		bad "$a: fixture capture failed: $(cat "$tmp/err")"
	fi

	# The live /proc (qemu shows the host's, with its own /proc/self quirks):
	# it must run, stop cleanly and give a whole file.
	out=$tmp/live-$a.zst
	# shellcheck disable=SC2086
	if $run "$bin" -o "$out" -n 3 -i 0.2 --sysrq off 2>"$tmp/err"; then
		"$capdump" "$out" >"$tmp/live-$a.txt"
		s=$(grep -c '^sample ' "$tmp/live-$a.txt" || :)
		t=$(grep -c '^task ' "$tmp/live-$a.txt" || :)
		if [ "$s" = 3 ] && [ "$t" -gt 0 ] && grep -q '^end' "$tmp/live-$a.txt" &&
			! grep -q '^damage' "$tmp/live-$a.txt" && zstd -q -t "$out"; then
			ok "$a: live /proc capture: 3 samples, $t task records, clean end"
		else
			bad "$a: live /proc capture incomplete ($s samples, $t task records)"
		fi
	else
		bad "$a: live /proc capture failed: $(cat "$tmp/err")"
	fi
done

if sh scripts/static-sizes.sh "$st"; then
	ok "sizes within limits"
else
	bad "sizes over limit"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
