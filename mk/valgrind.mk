# make valgrind: every cmocka test binary, then capture and analyze on a
# few real inputs, under valgrind memcheck (leaks included); the first
# error fails the run.  Not with SAN=1: the sanitizers and valgrind exclude
# each other.
.PHONY: valgrind
valgrind: deps
	$(Q)$(if $(SAN),echo "make valgrind: not with SAN=1" >&2; exit 2,:)
	$(Q)$(MAKE) --no-print-directory $(O)/capture $(O)/analyze $(TEST_BIN)
	$(Q)BUILD=$(O) TEST_DATA=tests/data sh scripts/valgrind.sh $(TEST_BIN)
