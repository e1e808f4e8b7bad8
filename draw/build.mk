# draw/build.mk - alot-draw's test build, with its crash points.
#
#   $(BUILD)/test-bin/alot-draw-hooks   the same sources with -DALOT_TEST_HOOKS:
#                                       ALOT_RUN_CRASH_AT=freeze|checkpoint|witness|publish|draw|export
#                                       makes "alot-draw run" raise(SIGKILL) right after that step
#                                       completes (done or already)
#
# Test hooks never ship: the release $(BUILD)/alot-draw is built without
# the define (tests/draw/test_run.sh checks that it holds no hook).

DRAW_HOOKS     := $(BUILD)/test-bin/alot-draw-hooks
DRAW_HOOKS_OBJ := $(patsubst %.c,$(BUILD)/hooks/%.o,$(call tool_src,draw))

$(BUILD)/hooks/draw/%.o: draw/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DALOT_TEST_HOOKS -MMD -MP -c -o $@ $<

$(DRAW_HOOKS): $(DRAW_HOOKS_OBJ) $(LIB_NET) $(LIB_STATIC) $(LIB_CLI)
	@mkdir -p $(dir $@)
	$(CC) $(LINKFLAGS) -o $@ $(DRAW_HOOKS_OBJ) $(TOOL_LIBS_draw)

CHECK_EXTRA_BUILD += $(DRAW_HOOKS)
-include $(DRAW_HOOKS_OBJ:.o=.d)
