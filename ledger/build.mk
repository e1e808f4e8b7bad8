# ledger/build.mk - alot-ledger's test build, with its nomination probe.
#
#   $(BUILD)/test-bin/alot-ledger-hooks   the same sources with -DALOT_TEST_HOOKS:
#                                         ALOT_LEDGER_TEST_DROPS=1 confirms each nominated
#                                         key in a query of its own and reports, on stderr,
#                                         every one whose confirmation found nothing
#
# Test hooks never ship: the release $(BUILD)/alot-ledger is built without
# the define (tests/ledger/test_ledger.sh checks that it holds no hook).

LEDGER_HOOKS     := $(BUILD)/test-bin/alot-ledger-hooks
LEDGER_HOOKS_OBJ := $(patsubst %.c,$(BUILD)/hooks/%.o,$(call tool_src,ledger))

$(BUILD)/hooks/ledger/%.o: ledger/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DALOT_TEST_HOOKS -MMD -MP -c -o $@ $<

$(LEDGER_HOOKS): $(LEDGER_HOOKS_OBJ) $(LIB_STATIC) $(LIB_CLI)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $(LEDGER_HOOKS_OBJ) $(TOOL_LIBS_ledger)

CHECK_EXTRA_BUILD += $(LEDGER_HOOKS)
-include $(LEDGER_HOOKS_OBJ:.o=.d)
