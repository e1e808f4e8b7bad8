# vectors/build.mk - the test-vector generator.
#
#   make vectors   regenerate vectors/v1, vectors/records (protocol 1), vectors/v2,
#                  vectors/records-v2 (protocol 2) and vectors/records-beacon (the
#                  NIST beacon rule, from the real pulses in ../shared) from the
#                  committed TEST-ONLY keys
#                  (deterministic: the same bytes every time)

GEN_VECTORS := $(BUILD)/vectors/gen-vectors
CHECK_EXTRA_BUILD += $(GEN_VECTORS)

GEN_VECTORS_OBJ := $(call obj,vectors/gen-vectors.c vectors/gen-beacon.c)
NIST_PULSES := ../shared/data/nist-beacon/chain2-pulses-1862118-1862119.json

$(GEN_VECTORS): $(GEN_VECTORS_OBJ) $(LIB_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $(GEN_VECTORS_OBJ) $(LIB_CORE) $(CORE_LIBS)

.PHONY: vectors
vectors: $(GEN_VECTORS)
	rm -rf vectors/v1 vectors/records vectors/v2 vectors/records-v2 vectors/records-beacon
	$(GEN_VECTORS) vectors/keys/TEST-ONLY-signing-key.pem vectors/keys/TEST-ONLY-public-key.pem vectors \
		$(NIST_PULSES)
