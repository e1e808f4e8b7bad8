# witness/build.mk - alot-witness's test build, with its crash points.
#
#   $(BUILD)/test-bin/alot-witness-hooks   the same sources with -DALOT_TEST_HOOKS:
#                                          ALOT_WITNESS_CRASH_AT=after-temp|after-rename|after-cosignature
#                                          makes it _exit(99) at that step of an update
#
# Test hooks never ship: the release $(BUILD)/alot-witness is built without
# the define (tests/witness/test_witness.sh checks that it holds no hook).

WITNESS_HOOKS     := $(BUILD)/test-bin/alot-witness-hooks
WITNESS_HOOKS_OBJ := $(patsubst %.c,$(BUILD)/hooks/%.o,$(call tool_src,witness))

$(BUILD)/hooks/witness/%.o: witness/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DALOT_TEST_HOOKS -MMD -MP -c -o $@ $<

$(WITNESS_HOOKS): $(WITNESS_HOOKS_OBJ) $(LIB_CORE) $(LIB_CLI)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $(WITNESS_HOOKS_OBJ) $(TOOL_LIBS_witness)

CHECK_EXTRA_BUILD += $(WITNESS_HOOKS)
-include $(WITNESS_HOOKS_OBJ:.o=.d)
