# qemu.mk - capture's sysrq path on real Debian 12 kernels, in QEMU guests.
#
#   make qemu-check                    amd64, armhf and arm64, one after another
#   make qemu-check QEMU_ARCHES=armhf  one arch
#
# Each arch boots the kernel Debian's linux-image-<flavour> points at, drives
# the guest into page-cache thrash (a leaking logd, no swap, global reclaim)
# and checks that the static capture fired sysrq l/w and recorded the
# kernel's answer (tests/qemu/run.sh; docs/qemu.md).  ~1-1.5 min per arch on
# two cores; downloads are cached in build/qemu/cache.

QEMU_ARCHES ?= amd64 armhf arm64
QEMU_CROSS := $(filter armhf arm64,$(QEMU_ARCHES))

.PHONY: qemu-check

qemu-check:
	$(Q)sh scripts/deps.sh build qemu
	$(Q)$(MAKE) --no-print-directory $(O)/analyze
	$(Q)$(if $(filter amd64,$(QEMU_ARCHES)),$(MAKE) --no-print-directory static,:)
	$(Q)$(if $(QEMU_CROSS),$(MAKE) --no-print-directory cross ARCH="$(QEMU_CROSS)",:)
	$(Q)p=0; f=0; failed=; for a in $(QEMU_ARCHES); do \
		if ANALYZE=$(O)/analyze bash tests/qemu/run.sh $$a; then p=$$((p + 1)); \
		else f=$$((f + 1)); failed="$$failed $$a"; fi; done; \
	for a in $(QEMU_ARCHES); do s=build/qemu/out/$$a/summary.txt; \
		[ -f $$s ] && sed -n '1,3p' $$s | tr '\n' ' ' && echo; done; \
	[ -z "$$failed" ] || echo "qemu-check: failed:$$failed (see build/qemu/out/ARCH/)"; \
	echo "qemu-check: $$p passed, $$f failed"; [ $$f = 0 ]
