# vectors/build.mk - the test-vector generator.
#
#   make vectors   regenerate vectors/v1, vectors/records (protocol 1), vectors/v2 and
#                  vectors/records-v2 (protocol 2) from the committed TEST-ONLY key
#                  (deterministic: the same bytes every time)

GEN_VECTORS := $(BUILD)/vectors/gen-vectors
CHECK_EXTRA_BUILD += $(GEN_VECTORS)

$(GEN_VECTORS): $(call obj,vectors/gen-vectors.c) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $< $(LIB_CORE) $(CORE_LIBS)

.PHONY: vectors
vectors: $(GEN_VECTORS)
	rm -rf vectors/v1 vectors/records vectors/v2 vectors/records-v2
	$(GEN_VECTORS) vectors/keys/TEST-ONLY-signing-key.pem vectors/keys/TEST-ONLY-public-key.pem vectors
