# iowait-doctor: capture (device side) and analyze (workstation side).
#
#   make demo     install what is missing, build, show a real report
#   make check    install what is missing, build, run every test
#   make check SAN=1   the same under AddressSanitizer + UBSan
#   make bench    benchmarks that print figures
#
# New sources need no edit here: every capture/*.c, analyze/*/*.c and
# tests/test_*.c is picked up (a new analyze/ folder needs its include rule).

CC ?= cc
SAN ?=
O := build$(if $(SAN),/san)
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
# analyze/ is one folder per stage (docs/hacking.md).  Each folder sees the
# headers of the stages before it and never one after, so an include that
# runs backwards does not compile.  Tests and tools see everything.
ANALYZE_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard analyze/*/*.c analyze/*/*.h))))
inc_format := format
inc_capture := format capture
inc_analyze/common := analyze/common
inc_analyze/input := format analyze/common analyze/input
inc_analyze/kdump := analyze/common analyze/kdump
inc_analyze/model := $(inc_analyze/input) analyze/model
inc_analyze/analysis := $(inc_analyze/model) analyze/kdump analyze/analysis
inc_analyze/detect := $(inc_analyze/analysis) analyze/detect
inc_analyze/render := $(inc_analyze/analysis) analyze/render
inc_analyze/cmd := $(inc_analyze/render) analyze/cmd
$(foreach d,$(ANALYZE_DIRS),$(if $(inc_$(d)),,$(error $(d)/ has no include rule in the Makefile (inc_$(d)))))
CPPFLAGS := -D_GNU_SOURCE -Iformat -Icapture $(addprefix -I,$(ANALYZE_DIRS))
# a source's -I flags: its folder's rule, else (tests, tools) everything
src_inc = -D_GNU_SOURCE $(addprefix -I,$(or $(inc_$(patsubst %/,%,$(dir $(1)))),format capture $(ANALYZE_DIRS)))
ifneq ($(SAN),)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS)

FORMAT_SRC := $(wildcard format/*.c)
CAPTURE_SRC := $(filter-out capture/main.c,$(wildcard capture/*.c))
ANALYZE_SRC := $(filter-out analyze/cmd/main.c,$(wildcard analyze/*/*.c))
TEST_SRC := $(wildcard tests/test_*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))
FORMAT_OBJ := $(call obj,$(FORMAT_SRC))
CAPTURE_OBJ := $(call obj,$(CAPTURE_SRC))
ANALYZE_OBJ := $(call obj,$(ANALYZE_SRC))
TEST_BIN := $(patsubst tests/%.c,$(O)/tests/%,$(TEST_SRC))
# tools the tests run (not tests themselves): capcut cuts captures at frames
TEST_TOOLS := $(O)/tests/capcut

# the reader decodes the next frame on a thread of its own (format/inflate.c)
FORMAT_LIBS := -lzstd -pthread
CAPTURE_LIBS := $(FORMAT_LIBS)
ANALYZE_LIBS := -ljansson $(FORMAT_LIBS) -lm

# What each test links: the code it tests and what that code calls, so a
# test of the format does not need the analyzer to build.  A new test not
# listed here links everything.
dir_obj = $(call obj,$(wildcard $(addsuffix /*.c,$(1))))
test_format := $(FORMAT_OBJ)
test_capture_e2e := $(FORMAT_OBJ)
test_capture_sampling := $(FORMAT_OBJ)
test_samples :=
test_capture_parse := $(CAPTURE_OBJ) $(FORMAT_OBJ)
test_capture_tasks := $(CAPTURE_OBJ) $(FORMAT_OBJ)
test_capture_tasks_live := $(FORMAT_OBJ)
test_capture_totals := $(CAPTURE_OBJ) $(FORMAT_OBJ)
test_ring := $(CAPTURE_OBJ) $(FORMAT_OBJ)
KDUMP_OBJ := $(call dir_obj,analyze/common analyze/kdump)
test_kdump_blocked := $(KDUMP_OBJ)
test_kdump_cpus := $(KDUMP_OBJ)
test_kdump_forms := $(KDUMP_OBJ)
test_kdump_render := $(KDUMP_OBJ) $(call obj,analyze/render/render_stacks.c)
test_analyze := $(ANALYZE_OBJ) $(FORMAT_OBJ)
test_sick := $(ANALYZE_OBJ) $(FORMAT_OBJ)
test_cli := $(ANALYZE_OBJ) $(FORMAT_OBJ)
test_robust := $(ANALYZE_OBJ) $(CAPTURE_OBJ) $(FORMAT_OBJ)
test_obj = $(if $(filter undefined,$(origin $(1))),$(ANALYZE_OBJ) $(CAPTURE_OBJ) $(FORMAT_OBJ),$($(1)))
TEST_LIBS := -lcmocka $(ANALYZE_LIBS)

.PHONY: all deps demo check test bench clean
.SECONDARY:

all: $(O)/capture $(O)/analyze

deps:
	$(Q)sh scripts/deps.sh check

# -MMD -MP: each object depends on the headers it includes, as the
# compiler saw them (the .d files beside the objects).
$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(call src_inc,$<) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
# An object built before the .d files existed knows no headers and would
# survive a header change (.SECONDARY: a missing object is not rebuilt while
# its binary is newer than its source): drop such objects and what links
# them, once.
nodeps := $(strip $(foreach o,$(wildcard $(O)/obj/*/*.o $(O)/obj/*/*/*.o),$(if $(wildcard $(o:.o=.d)),,$(o))))
ifneq ($(nodeps),)
$(shell rm -rf $(nodeps) $(O)/capture $(O)/analyze $(O)/tests)
endif

$(O)/capture: $(call obj,capture/main.c) $(CAPTURE_OBJ) $(FORMAT_OBJ)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CAPTURE_LIBS)

$(O)/analyze: $(call obj,analyze/cmd/main.c) $(ANALYZE_OBJ) $(FORMAT_OBJ)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ANALYZE_LIBS)

$(O)/tests/capcut: $(O)/obj/tests/capcut.o $(FORMAT_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(FORMAT_LIBS)

.SECONDEXPANSION:
$(O)/tests/%: $(O)/obj/tests/%.o $$(call test_obj,$$*)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# Unit tests (cmocka) first, then the end-to-end scripts; every one runs
# even after a failure, and the last line counts them.
test: $(O)/capture $(O)/analyze $(TEST_BIN) $(TEST_TOOLS)
	$(Q)sh tests/run.sh $(O) $(TEST_BIN)

check: deps
	$(Q)$(MAKE) --no-print-directory test

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/demo.sh $(O)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/run.sh $(O)

clean:
	rm -rf build

-include $(wildcard $(O)/obj/*/*.d $(O)/obj/*/*/*.d)

# Targets kept in their own files: fuzzing, the browser check, install,
# QEMU guests, static and cross builds, valgrind.
include mk/fuzz.mk mk/html.mk mk/install.mk mk/qemu.mk mk/static.mk mk/valgrind.mk
