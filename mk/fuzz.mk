# make fuzz FUZZ_SECONDS=N: build every fuzz/fuzz_*.c with libFuzzer and run
# each for N seconds on seeds from the samples and the corpus.
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	$(Q)sh scripts/fuzz.sh $(FUZZ_SECONDS) $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
