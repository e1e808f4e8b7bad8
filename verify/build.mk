# verify/build.mk - alot-verify's other builds: the downloadable static
# binary, the --url build, and the fuzzer.
#
#   $(BUILD)/alot-verify-net                          the same sources with -DALOT_WITH_CURL:
#                                                     can fetch over HTTPS (links lib/net, libcurl)
#   $(BUILD)/dist/alot-verify-VERSION-linux-x86_64   fully static, offline build
#   $(BUILD)/dist/SHA256SUMS                          its checksum, to publish beside it
#   make fuzz-verify FUZZ_SECONDS=600                 a longer libFuzzer run
#
# The static binary is compiled from its own objects without sanitizers
# (a static binary cannot carry ASan), so it builds the same way under
# SANITIZE=1; it links only the core of libalot, libcrypto and jansson.

STATIC_DIR    := $(BUILD)/static
DIST_DIR      := $(BUILD)/dist
VERIFY_STATIC := $(DIST_DIR)/alot-verify-$(VERSION)-linux-x86_64
STATIC_SRC    := $(call tool_src,verify) $(CORE_SRC) $(CLI_SRC)
STATIC_OBJ    := $(patsubst %.c,$(STATIC_DIR)/%.o,$(STATIC_SRC))
STATIC_CFLAGS  = -std=c11 -D_GNU_SOURCE -DALOT_VERSION='"$(VERSION)"' -O2 -Iinclude -Ilib \
                 $(WARNFLAGS) $(CORE_CFLAGS)

$(STATIC_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(STATIC_CFLAGS) -MMD -MP -c -o $@ $<

$(VERIFY_STATIC): $(STATIC_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $(STATIC_OBJ) -l:libjansson.a -l:libcrypto.a -lpthread 2>$(STATIC_DIR)/link.log || \
		{ cat $(STATIC_DIR)/link.log; exit 1; }
	strip $@

$(DIST_DIR)/SHA256SUMS: $(VERIFY_STATIC)
	cd $(DIST_DIR) && sha256sum $(notdir $(VERIFY_STATIC)) > SHA256SUMS

tools: $(DIST_DIR)/SHA256SUMS

# ---- the --url build ---------------------------------------------------
# The offline alot-verify never links libcurl nor the network layer (lib/net);
# this one does, and nothing else differs.
VERIFY_NET     := $(BUILD)/alot-verify-net
VERIFY_NET_OBJ := $(patsubst %.c,$(BUILD)/net/%.o,$(call tool_src,verify))

$(BUILD)/net/verify/%.o: verify/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DALOT_WITH_CURL -MMD -MP -c -o $@ $<

$(VERIFY_NET): $(VERIFY_NET_OBJ) $(LIB_NET) $(LIB_CORE) $(LIB_CLI)
	$(CC) $(LINKFLAGS) -o $@ $(VERIFY_NET_OBJ) $(LIB_NET) $(LIB_CORE) $(LIB_CLI) $(CURL_LIBS) $(CORE_LIBS)

tools: $(VERIFY_NET)
-include $(VERIFY_NET_OBJ:.o=.d) $(STATIC_OBJ:.o=.d)

# ---- libFuzzer --------------------------------------------------------
FUZZ_BIN     := $(BUILD)/fuzz/fuzz-records
FUZZ_SECONDS ?= 600
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE \
                -DALOT_VERSION='"$(VERSION)"' -Iinclude -Ilib

$(FUZZ_BIN): tests/verify/fuzz_records.c $(CORE_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) $(CORE_CFLAGS) -o $@ tests/verify/fuzz_records.c $(CORE_SRC) $(CORE_LIBS)

CHECK_EXTRA_BUILD += $(FUZZ_BIN)

.PHONY: fuzz-verify
fuzz-verify: $(FUZZ_BIN)
	mkdir -p $(BUILD)/fuzz/corpus
	for d in valid invalid; do for f in vectors/records/$$d/*; do cp $$f $(BUILD)/fuzz/corpus/$$d-$$(basename $$f); done; done
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=8192 $(BUILD)/fuzz/corpus

