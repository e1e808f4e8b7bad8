# bench/build.mk - the benchmarks: never part of "make check".
#
#   make bench-draw   [BENCH_ENTRIES=1000000]   draw a room of a million entries
#   make bench-verify [BENCH_RECORDS=100000]    verify a bundle of 100,000 records
#   make bench                                  both

BENCH_ENTRIES ?= 1000000
BENCH_RECORDS ?= 100000

$(BUILD)/bench/merkle-bench: $(call obj,bench/draw/merkle_bench.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)

$(BUILD)/bench/gen-bundle: $(call obj,bench/verify/gen_bundle.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)

CHECK_EXTRA_BUILD += $(BUILD)/bench/merkle-bench $(BUILD)/bench/gen-bundle

.PHONY: bench bench-draw bench-verify
bench-draw: all $(BUILD)/bench/merkle-bench
	BUILD=$(abspath $(BUILD)) bench/draw/run.sh $(BENCH_ENTRIES)
bench-verify: all $(BUILD)/bench/gen-bundle
	BUILD=$(abspath $(BUILD)) bench/verify/run.sh $(BENCH_RECORDS)
bench: bench-draw bench-verify

BENCH_SCALE ?= 1
.PHONY: bench-ledger
bench-ledger: all
	BUILD=$(abspath $(BUILD)) bench/ledger/run.sh $(BENCH_SCALE)
bench: bench-ledger
