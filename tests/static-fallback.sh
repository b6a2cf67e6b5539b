#!/bin/sh
# static-fallback.sh BUILD - the static build survives a mirror that lists
# source versions it does not serve (make static-fallback-check; CI).
#
#   1. A bogus newest version is tried first (SRC_TRY_FIRST): the build must
#      say it is not served, go on to a listed version that is, build zstd
#      from it and stay within the source build's size limits.
#   2. No source version at all (SRC_VERSIONS=none): x86_64, armhf and arm64
#      must link Debian's binary libzstd.a, say so, and still pass every
#      check tests/cross-check.sh makes (static ELF, same records as the
#      native capture, live capture decodes, the fallback's size limits).
# Each case builds in a static directory of its own, so build/static (the
# real one) is untouched.  Ends with "N passed, N failed".
set -eu
build=${1:-build}
bogus=0.0.0-iowd-bogus
try=build/static-tryfirst
fb=build/static-fallback
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1"; }

# 1. a listed newest version that is not served
rm -rf "$try"
if make --no-print-directory static S="$try" SRC_TRY_FIRST="$bogus" >"$build/static-tryfirst.log" 2>&1; then
	ok "make static with $bogus tried first"
else
	bad "make static with $bogus tried first (see $build/static-tryfirst.log)"; tail -20 "$build/static-tryfirst.log"
fi
if grep -q "$bogus is listed but not served; trying the next version" "$build/static-tryfirst.log"; then
	ok "the bogus version was tried and passed over"
else
	bad "no word of the bogus version in the build's output"
fi
used=$(cat "$try/src/zstd.version" 2>/dev/null || echo "")
listed=$(apt-cache showsrc zstd | awk '/^Version:/ { print $2 }')
case " $(echo $listed) " in
*" ${used#* } "*) [ -n "$used" ] && ok "built from $used, a version apt lists" || bad "no zstd.version" ;;
*) bad "zstd.version '$used' is not among the listed versions: $(echo $listed)" ;;
esac
if grep -q "^source " "$try/$(uname -m)/zstd/.origin" 2>/dev/null; then
	ok "zstd came from source ($(cat "$try/$(uname -m)/zstd/.origin"))"
else
	bad "zstd did not come from source"
fi
if sh scripts/static-sizes.sh "$try"; then ok "source build within its size limits"; else bad "source build over its size limits"; fi

# 2. no source at all: Debian's binary libzstd.a for the three arches it has
rm -rf "$fb"
if make --no-print-directory static S="$fb" SRC_VERSIONS=none >"$build/static-fallback.log" 2>&1 &&
	make --no-print-directory cross ARCH="armhf arm64" S="$fb" SRC_VERSIONS=none >>"$build/static-fallback.log" 2>&1 &&
	make --no-print-directory "$fb/capdump" S="$fb" >>"$build/static-fallback.log" 2>&1; then
	ok "make static and cross (armhf arm64) with no source version"
else
	bad "fallback build failed (see $build/static-fallback.log)"; tail -20 "$build/static-fallback.log"
fi
n=$(grep -c "linking Debian's binary libzstd.a" "$build/static-fallback.log" || :)
if [ "$n" = 3 ]; then ok "one line per arch says the build fell back"; else bad "expected 3 fallback lines, saw $n"; fi
for a in "$(uname -m)" armhf arm64; do
	if grep -q "^debian-binary libzstd-dev" "$fb/$a/zstd/.origin" 2>/dev/null; then
		ok "$a: $(cat "$fb/$a/zstd/.origin")"
	else
		bad "$a: not linked with Debian's libzstd.a"
	fi
done
if sh tests/cross-check.sh "$build" "$fb" "$(uname -m)" armhf arm64 >"$build/static-fallback-check.log" 2>&1; then
	ok "cross-check of the fallback binaries: $(tail -1 "$build/static-fallback-check.log")"
else
	bad "cross-check of the fallback binaries"; grep -E "FAIL|passed" "$build/static-fallback-check.log"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
