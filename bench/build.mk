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

# The transparency log (issue #10): appends, publish, the monitor, one inclusion check.
BENCH_LOG_RECORDS ?= 1000000
$(BUILD)/bench/gen-log: $(call obj,bench/log/gen_log.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)
$(BUILD)/bench/inclusion-bench: $(call obj,bench/log/inclusion_bench.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)
CHECK_EXTRA_BUILD += $(BUILD)/bench/gen-log $(BUILD)/bench/inclusion-bench

.PHONY: bench-log
bench-log: all $(BUILD)/bench/gen-log $(BUILD)/bench/inclusion-bench
	BUILD=$(abspath $(BUILD)) bench/log/run.sh $(BENCH_LOG_RECORDS)
bench: bench-log

# The browser verifier (issue #15): alot-verify.wasm in node and in headless
# chromium beside the native binary, on 10,000 records and a 100,000-entry ledger.
BENCH_WEB_RECORDS ?= 10000
BENCH_WEB_ENTRIES ?= 100000
$(BUILD)/bench/gen-ledger: $(call obj,bench/web/gen_ledger.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)
CHECK_EXTRA_BUILD += $(BUILD)/bench/gen-ledger

.PHONY: bench-web
bench-web: all web $(BUILD)/bench/gen-bundle $(BUILD)/bench/gen-ledger
	BUILD=$(abspath $(BUILD)) bench/web/run.sh $(BENCH_WEB_RECORDS) $(BENCH_WEB_ENTRIES)
bench: bench-web
