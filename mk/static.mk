# static.mk - small static `capture` binaries for the host and for devices.
#
#   make static                    build/static/capture-x86_64 (the host's arch)
#   make cross [ARCH=armhf|arm64|mips]   build/static/capture-ARCH (default: all three)
#   make sizes                     table of the stripped sizes and their limits
#   make cross-check               all of the above, then every binary under
#                                  qemu-user, compared with a native capture
#
# Why musl and a home-built zstd: a glibc static binary starts at ~700 KB and
# Debian's libzstd.a carries the decompressor, legacy formats and dictionary
# builder the recorder never calls; musl plus a compression-only, -Os zstd
# with inlining and error strings off is 3-6x smaller (x86_64: 1,129 KB with
# glibc and Debian's libzstd.a, 193 KB here).  zstd, and for MIPS (which
# Debian does not port) musl and glibc's soft-fp, are built from Debian's
# source packages, fetched at build time under build/static/src: nothing of
# theirs is committed.  format/reader.c and names.c are never linked in: they need zstd's
# decompressor, which this zstd does not have.
#
# Sources come through scripts/fetch-src.sh, which tries every version apt
# lists, newest first: a security update's binary is often served before (or
# without) its source.  When no zstd source can be had at all, x86_64, armhf
# and arm64 link Debian's binary libzstd.a instead (scripts/zstd-binary.sh),
# with one line saying so; the binary is then ~2.5x larger and is held to the
# fallback's limits in scripts/static-sizes.sh.  MIPS has no Debian binary to
# fall back on.
#
#   STATIC_ZSTD=auto|source|debian  where zstd comes from (default auto:
#                  source, else Debian's binary)
#   SRC_TRY_FIRST=V  a version to try before the listed ones (tests: a bogus
#                  one proves the fallback to the next version)
#   SRC_VERSIONS=none  try no source version (tests: proves the binary fallback)

S ?= build/static
STATIC_ZSTD ?= auto
SRC_TRY_FIRST ?=
SRC_VERSIONS ?=
FETCH_ENV = SRC_TRY_FIRST="$(SRC_TRY_FIRST)" SRC_VERSIONS="$(SRC_VERSIONS)"
# The host binary is named after `uname -m`; the three device arches after
# their Debian names.
STATIC_HOST := $(shell uname -m)
CROSS_ALL := armhf arm64 mips
ARCH ?=
CROSS_ARCHES := $(or $(ARCH),$(CROSS_ALL))
STATIC_JOBS := $(shell nproc 2>/dev/null || echo 2)

# Per arch: compiler (a musl gcc wrapper), binutils prefix, deps.sh sets,
# prerequisites and extra objects.  (tests/cross-check.sh has the qemu side.)
xcc_$(STATIC_HOST) := musl-gcc
xbin_$(STATIC_HOST) :=
xcc_armhf := arm-linux-musleabihf-gcc
xbin_armhf := arm-linux-gnueabihf-
xdeps_armhf := cross-armhf musl-armhf
xcc_arm64 := aarch64-linux-musl-gcc
xbin_arm64 := aarch64-linux-gnu-
xdeps_arm64 := cross-arm64 musl-arm64
# Soft-float: routers' MIPS cores (24Kc, 74Kc, 1004Kc) mostly have no FPU, and
# a hard-float binary then depends on the kernel's FPU emulator.
xcc_mips := $(CURDIR)/$(S)/musl-mips/bin/musl-gcc -msoft-float
xbin_mips := mips-linux-gnu-
xdeps_mips := cross-mips
xpre_mips := $(S)/musl-mips/.stamp
# Debian's mips libgcc is hard-float: its float helpers (__adddf3,
# __floatsidf, ...) take FPU registers, so in a soft-float program they give
# wrong values (strtod("0.5") -> 0) or SIGILL.  glibc's soft-fp, built here
# and linked as objects ahead of libgcc, replaces every one musl can call
# (port/softfp/sfp-machine.h).
SOFTFP_FUNCS := adddf3 subdf3 muldf3 divdf3 negdf2 eqdf2 gedf2 ledf2 unorddf2 \
	addsf3 subsf3 mulsf3 divsf3 negsf2 eqsf2 gesf2 lesf2 unordsf2 \
	extendsfdf2 truncdfsf2 fixdfsi fixunsdfsi fixdfdi fixunsdfdi \
	floatsidf floatunsidf floatdidf floatundidf fixsfsi fixunssfsi fixsfdi \
	fixunssfdi floatsisf floatunsisf floatdisf floatundisf
xobj_mips := $(patsubst %,$(S)/mips/softfp/%.o,$(SOFTFP_FUNCS))

# zstd's library, compression only.  -Os and section GC for size;
# ZSTD_NO_INLINE and ZSTD_STRIP_ERROR_STRINGS halve what is left (zstd 1.5.4
# cannot drop unused block compressors: ZSTD_EXCLUDE_* came in 1.5.6).
# DYNAMIC_BMI2=0: no second, BMI2-dispatched copy of the Huffman encoder on
# x86_64; CPU time goes to reading /proc, not to compressing.
ZSTD_OPTS := ZSTD_LIB_DECOMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 ZSTD_LIB_DEPRECATED=0 \
	ZSTD_LEGACY_SUPPORT=0
ZSTD_CFLAGS := -Os -ffunction-sections -fdata-sections -DZSTD_NO_INLINE \
	-DZSTD_STRIP_ERROR_STRINGS -DDYNAMIC_BMI2=0
STATIC_CFLAGS := -std=c11 -Wall -Wextra -Werror -Os -ffunction-sections -fdata-sections \
	-D_GNU_SOURCE -Iformat -Icapture
# -z norelro: musl applies PT_GNU_RELRO only in its dynamic linker, never in
# a static binary, so the segment buys no protection, only page padding
# (36 KB on arm64, whose ld aligns it to 64 KB pages).
STATIC_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,norelro
# The per-task path (every thread's stat read, parsed and encoded every
# sample) at -O2: about 1 ms a sample less at 1,600 tasks on x86_64
# (bench/capture.sh) for a few KB of text; the rest stays -Os.
STATIC_HOT := capture/src_tasks.c capture/task_parse.c capture/util.c format/writer.c
STATIC_SRC = $(wildcard capture/*.c) format/writer.c
STATIC_HDR = $(wildcard capture/*.h) format/cap.h format/codec.h

.PHONY: static cross sizes cross-check static-bins

static:
	$(Q)sh scripts/deps.sh static
	$(Q)sh scripts/cross-setup.sh src
	$(Q)$(MAKE) --no-print-directory static-bins STATIC_BINS=$(STATIC_HOST)

cross:
	$(Q)for a in $(CROSS_ARCHES); do case " $(CROSS_ALL) " in *" $$a "*) ;; \
		*) echo "make cross: ARCH must be one of: $(CROSS_ALL) (got '$$a')" >&2; exit 2 ;; esac; done
	$(Q)sh scripts/deps.sh static $(foreach a,$(CROSS_ARCHES),$(filter cross-%,$(xdeps_$(a))))
	$(Q)sh scripts/cross-setup.sh src $(CROSS_ARCHES)
	$(Q)sets="$(foreach a,$(CROSS_ARCHES),$(filter musl-%,$(xdeps_$(a))))"; \
		[ -z "$$sets" ] || sh scripts/deps.sh $$sets
	$(Q)$(MAKE) --no-print-directory static-bins STATIC_BINS="$(CROSS_ARCHES)"

static-bins: $(foreach a,$(STATIC_BINS),$(S)/capture-$(a))
	@:

sizes:
	$(Q)sh scripts/static-sizes.sh $(S)

cross-check:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory static
	$(Q)$(MAKE) --no-print-directory cross ARCH=
	$(Q)$(MAKE) --no-print-directory $(O)/capture $(O)/analyze $(S)/capdump
	$(Q)sh tests/cross-check.sh $(O) $(S) $(STATIC_HOST) $(CROSS_ALL)

# Debian source packages, unpacked under a fixed name so rules need not know
# the version (it is in $(S)/src/NAME.version).  zstd alone may come up
# empty (fetch-src.sh exit 3): the per-arch rule then links Debian's binary.
$(S)/src/%/.stamp:
	$(Q)mkdir -p $(S)/src
	$(Q)rc=0; [ "$(STATIC_ZSTD)-$*" = debian-zstd ] || { $(FETCH_ENV) sh scripts/fetch-src.sh $* $(S)/src/$* || rc=$$?; }; \
		if [ "$(STATIC_ZSTD)-$*" = debian-zstd ] || { [ $$rc = 3 ] && [ "$*" = zstd ] && [ "$(STATIC_ZSTD)" = auto ]; }; then \
			rm -rf $(S)/src/$* && mkdir -p $(S)/src/$* && rm -f $(S)/src/$*.version; \
		elif [ $$rc != 0 ]; then \
			echo "static.mk: no source for $* (see $(S)/src/$*.log); is deb-src set up (sh scripts/cross-setup.sh src)?" >&2; exit 1; \
		fi
	$(Q)touch $@

# glibc's soft-fp directory, for MIPS: only the upstream tarball of Debian's
# glibc source package is read (no Debian patch touches soft-fp/), and only
# that directory is unpacked: the whole tree would cost ~20 s more.
$(S)/src/softfp/.stamp:
	$(Q)rm -rf $(S)/src/softfp $(S)/src/glibc && mkdir -p $(S)/src
	$(Q)$(FETCH_ENV) sh scripts/fetch-src.sh glibc $(S)/src/glibc --download-only || { \
		echo "static.mk: no source for glibc's soft-fp (see $(S)/src/glibc.log); is deb-src set up (sh scripts/cross-setup.sh src)?" >&2; exit 1; }
	$(Q)cd $(S)/src/glibc && tar xJf glibc_*.orig.tar.xz --wildcards '*/soft-fp/*'
	$(Q)mv $(S)/src/glibc/glibc-*/soft-fp $(S)/src/softfp && rm -rf $(S)/src/glibc && mv $(S)/src/glibc.version $(S)/src/softfp.version
	$(Q)touch $@

$(S)/mips/softfp/%.o: $(S)/src/softfp/.stamp port/softfp/sfp-machine.h $(S)/musl-mips/.stamp mk/static.mk
	@mkdir -p $(dir $@)
	$(Q)$(xcc_mips) -Os -ffunction-sections -fdata-sections -Iport/softfp -I$(S)/src/softfp \
		-c -o $@ $(S)/src/softfp/$*.c

# musl for big-endian MIPS, soft-float, from Debian's source (the slowest
# step).  configure sees -msoft-float and picks mips-sf; it builds its gcc
# wrapper only for shared builds unless told to.
$(S)/musl-mips/.stamp: $(S)/src/musl/.stamp
	$(Q)rm -rf $(S)/mips/musl $(S)/musl-mips && mkdir -p $(S)/mips
	$(Q)cp -r $(S)/src/musl $(S)/mips/musl
	@echo "  MUSL   mips (soft-float)"
	$(Q)cd $(S)/mips/musl && ./configure --target=mips-linux-gnu --prefix="$(CURDIR)/$(S)/musl-mips" \
		--disable-shared --enable-wrapper=gcc CC=mips-linux-gnu-gcc CFLAGS="-Os -msoft-float" >../musl-configure.log 2>&1 \
		|| { cat ../musl-configure.log >&2; exit 1; }
	$(Q)MAKEFLAGS= $(MAKE) -s -C $(S)/mips/musl -j$(STATIC_JOBS) install >$(S)/mips/musl-build.log 2>&1 \
		|| { tail -30 $(S)/mips/musl-build.log >&2; exit 1; }
	$(Q)touch $@

# zstd's and musl's own makes run with MAKEFLAGS emptied: it carries our
# command-line variables, and `make cross ARCH=` would override musl's ARCH
# (from its config.mak) with nothing, so that it silently built nothing.
define static_arch
# Everything here also depends on this file, so a changed flag rebuilds.
# .origin says where this arch's zstd came from; make sizes shows it.
$(S)/$(1)/zstd/libzstd.a: $(S)/src/zstd/.stamp $(xpre_$(1)) mk/static.mk
	$(Q)rm -rf $(S)/$(1)/zstd && mkdir -p $(S)/$(1)
	$(Q)if [ -d $(S)/src/zstd/lib ]; then \
		cp -r $(S)/src/zstd/lib $(S)/$(1)/zstd && echo "  ZSTD   $(1)" && \
		{ MAKEFLAGS= $$(MAKE) -s -C $(S)/$(1)/zstd -j$(STATIC_JOBS) libzstd.a $(ZSTD_OPTS) \
			CC="$(xcc_$(1))" AR="$(xbin_$(1))ar" CFLAGS="$(ZSTD_CFLAGS)" >$(S)/$(1)/zstd.log 2>&1 \
			|| { tail -30 $(S)/$(1)/zstd.log >&2; exit 1; }; } && \
		echo "source $$$$(cat $(S)/src/zstd.version)" >$(S)/$(1)/zstd/.origin; \
	else sh scripts/zstd-binary.sh $(1) $(S)/$(1)/zstd; fi

$(S)/$(1)/obj/%.o: %.c $(STATIC_HDR) $(S)/$(1)/zstd/libzstd.a mk/static.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC     $(1) $$<"
	$(Q)$(xcc_$(1)) $(STATIC_CFLAGS) $$(if $$(filter $(STATIC_HOT),$$<),-O2) -I$(S)/$(1)/zstd -c -o $$@ $$<

# The unstripped binary stays beside the objects, for gdb and objdump -t.
# ld warns about every (integer-only) libgcc member of Debian's hard-float
# MIPS libgcc that it links into a soft-float program: those lines are
# filtered; tests/cross-check.sh proves no FPU instruction is left.
$(S)/capture-$(1): $(patsubst %.c,$(S)/$(1)/obj/%.o,$(STATIC_SRC)) $(xobj_$(1)) $(S)/$(1)/zstd/libzstd.a
	@echo "  LD     $$@"
	$(Q)rc=0; $(xcc_$(1)) $(STATIC_LDFLAGS) -o $(S)/$(1)/capture $$^ 2>$(S)/$(1)/ld.log || rc=$$$$?; \
		grep -v 'uses -mhard-float' $(S)/$(1)/ld.log >&2 || :; exit $$$$rc
	$(Q)$(xbin_$(1))strip -o $$@ $(S)/$(1)/capture
endef
$(foreach a,$(STATIC_HOST) $(CROSS_ALL),$(eval $(call static_arch,$(a))))

# The host-side checker: decodes a capture with format/reader.c and prints
# every record as text, so two captures can be compared with diff.
$(S)/capdump: tests/capdump.c format/reader.c format/inflate.c format/tidmap.c format/names.c format/cap.h format/codec.h format/inflate.h format/tidmap.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O2 -o $@ tests/capdump.c format/reader.c format/inflate.c format/tidmap.c format/names.c -lzstd -pthread

# Proves the fetch falls back: past a listed version the mirror does not
# serve, and to Debian's binary libzstd.a when no source is served at all.
.PHONY: static-fallback-check
static-fallback-check:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)sh scripts/deps.sh static cross-armhf cross-arm64
	$(Q)sh scripts/cross-setup.sh src armhf arm64
	$(Q)sh scripts/deps.sh musl-armhf musl-arm64
	$(Q)$(MAKE) --no-print-directory $(O)/capture $(O)/analyze
	$(Q)sh tests/static-fallback.sh $(O)
