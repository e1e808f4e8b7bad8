# Makefile - builds libalot, the tools and the tests of the ALOT! suite.
#
#   make                    libalot (static and shared) and every tool, into build/
#   make check              install missing Debian packages, build, run every test
#   make check SANITIZE=1   the same, built and run under ASan and UBSan (build-san/)
#   make demo               the main job on a throwaway PostgreSQL cluster
#   make web                the browser verifier's static files, into build/web/
#   make install PREFIX=/usr/local DESTDIR=
#                           the tools, libalot and its headers, the static
#                           verifier with its SHA256SUMS (share/alot/), the
#                           man pages, the bash completion and the docs
#   make uninstall          removes all of that again
#
# Sources are found by convention, so adding a file needs no edit here:
#   lib/core/*.c   the core of libalot (OpenSSL, jansson; never libpq or libcurl)
#   lib/db/*.c     the database part of libalot (libpq)
#   lib/cli/*.c    diagnostics shared by the tools (not part of libalot)
#   lib/net/*.c    the network layer (libcurl; not part of libalot): alot-draw and alot-verify-net
#   TOOL/*.c       alot-TOOL, for TOOL in draw verify ledger witness, once TOOL/main.c exists;
#   */build.mk     an area's own rules (a tool's extra builds, the vector generator ...)
#   tests/**/test_*.c   cmocka test programs; tests/**/test_*.sh   shell tests

VERSION   := 1.0.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
DOCDIR    ?= $(DATADIR)/doc/alot
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR   ?=
SANITIZE  ?= 0
CC        ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
BUILD     ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD     ?= build
SANFLAGS  :=
endif

# pkg-config runs lazily (recursive '='), so that "make check" can install the
# -dev packages before anything asks for their flags.
CORE_PKGS  = libcrypto jansson
DB_PKGS    = libpq
CORE_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS))
CORE_LIBS   = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS))
DB_CFLAGS   = $(shell $(PKG_CONFIG) --cflags $(DB_PKGS))
DB_LIBS     = $(shell $(PKG_CONFIG) --libs $(DB_PKGS))
CURL_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcurl)
CURL_LIBS   = $(shell $(PKG_CONFIG) --libs libcurl)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wvla
BASEFLAGS := -std=c11 -D_GNU_SOURCE -DALOT_VERSION='"$(VERSION)"' -O2 -g -fPIC \
             -Iinclude -Ilib $(WARNFLAGS) $(SANFLAGS)
ALL_CFLAGS = $(BASEFLAGS) $(CORE_CFLAGS) $(DB_CFLAGS) $(CURL_CFLAGS) $(CFLAGS)
LINKFLAGS  = $(SANFLAGS) $(LDFLAGS)

CORE_SRC := $(sort $(wildcard lib/core/*.c))
DB_SRC   := $(sort $(wildcard lib/db/*.c))
CLI_SRC  := $(sort $(wildcard lib/cli/*.c))
NET_SRC  := $(sort $(wildcard lib/net/*.c))
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

CORE_OBJ := $(call obj,$(CORE_SRC))
DB_OBJ   := $(call obj,$(DB_SRC))
CLI_OBJ  := $(call obj,$(CLI_SRC))
NET_OBJ  := $(call obj,$(NET_SRC))

LIB_CORE   := $(BUILD)/libalot-core.a
LIB_STATIC := $(BUILD)/libalot.a
LIB_SHARED := $(BUILD)/libalot.so
LIB_CLI    := $(BUILD)/libalot-cli.a
LIB_NET    := $(BUILD)/libalot-net.a

# Tools whose main.c exists.  Each links libalot statically; TOOL_LIBS_<tool>
# names its external libraries (alot-verify overrides this in verify/build.mk
# so that it never links libpq).
TOOLS := $(foreach t,draw verify ledger witness,$(if $(wildcard $(t)/main.c),$(t)))
TOOL_BINS := $(foreach t,$(TOOLS),$(BUILD)/alot-$(t))
tool_src = $(sort $(wildcard $(1)/*.c))
tool_obj = $(call obj,$(call tool_src,$(1)))
# A tool's objects but its main(), for the tool's own test programs.
tool_lib_obj = $(filter-out $(BUILD)/obj/$(1)/main.o,$(call tool_obj,$(1)))
# alot-draw fetches beacon pulses: the network layer (before libalot, which it uses) and libcurl.
TOOL_LIBS_draw   = $(LIB_NET) $(LIB_STATIC) $(LIB_CLI) $(DB_LIBS) $(CURL_LIBS) $(CORE_LIBS)
$(BUILD)/alot-draw: $(LIB_NET)
TOOL_LIBS_verify = $(LIB_CORE) $(LIB_CLI) $(CORE_LIBS)
TOOL_LIBS_ledger = $(LIB_STATIC) $(LIB_CLI) $(DB_LIBS) $(CORE_LIBS)
# alot-witness is offline like alot-verify: the core only.
TOOL_LIBS_witness = $(LIB_CORE) $(LIB_CLI) $(CORE_LIBS)

# Test programs: tests/**/test_*.c, linked with all of libalot; those under
# tests/TOOL/ also link alot-TOOL's objects except its main().
TEST_C_SRC := $(sort $(shell find tests -name 'test_*.c' 2>/dev/null))
TEST_BINS  := $(patsubst %.c,$(BUILD)/%,$(TEST_C_SRC))
TEST_LIBS   = $(LIB_NET) $(LIB_STATIC) $(LIB_CLI) $(DB_LIBS) $(CURL_LIBS) $(CORE_LIBS) $(CMOCKA_LIBS)

.PHONY: all libs tools check check-build check-run demo deps install uninstall clean
.DEFAULT_GOAL := all

all: libs tools

libs: $(LIB_CORE) $(LIB_STATIC) $(LIB_SHARED) $(LIB_CLI) $(LIB_NET)
tools: $(TOOL_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_CORE): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_STATIC): $(CORE_OBJ) $(DB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_CLI): $(CLI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_NET): $(NET_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_SHARED): $(CORE_OBJ) $(DB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libalot.so.1 $(LINKFLAGS) -o $@ $^ $(DB_LIBS) $(CORE_LIBS)

define tool_rules
$(BUILD)/alot-$(1): $(call tool_obj,$(1)) $(LIB_STATIC) $(LIB_CORE) $(LIB_CLI)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LINKFLAGS) -o $$@ $(call tool_obj,$(1)) $$(TOOL_LIBS_$(1))
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

# Test programs.
test_tool = $(firstword $(filter draw verify ledger witness,$(subst /, ,$(patsubst tests/%,%,$(1)))))
define test_rules
$(BUILD)/$(basename $(1)): $(call obj,$(1)) $(LIB_NET) $(LIB_STATIC) $(LIB_CLI) $(if $(call test_tool,$(1)),$(call tool_lib_obj,$(call test_tool,$(1))))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LINKFLAGS) -o $$@ $(call obj,$(1)) $(if $(call test_tool,$(1)),$(call tool_lib_obj,$(call test_tool,$(1)))) $$(TEST_LIBS)
endef
$(foreach t,$(TEST_C_SRC),$(eval $(call test_rules,$(t))))

# Each area may add its own rules (generators, static builds, fuzzers) in a
# build.mk of its own; CHECK_EXTRA_BUILD lists what "make check" must build.
-include $(sort $(wildcard */build.mk) $(wildcard tests/*/build.mk))

deps:
	@scripts/ensure-deps.sh

# "make check": packages first, then a fresh make (pkg-config needs them).
check: deps
	@$(MAKE) --no-print-directory check-build
	@$(MAKE) --no-print-directory check-run

check-build: all $(TEST_BINS) $(CHECK_EXTRA_BUILD)

check-run:
	@BUILD=$(abspath $(BUILD)) SANITIZE=$(SANITIZE) tests/pg-harness.sh tests/run-tests.sh

# "make demo" prints the demo only: the build's compiler lines go to a log
# (on a failure, its tail is shown).  DEMO_SCRIPT is for the tests.
DEMO_BUILD_LOG = $(BUILD)/demo-build.log
DEMO_SCRIPT   ?= scripts/demo.sh

demo: deps
	@mkdir -p $(BUILD)
	@echo "demo: building (compiler output in $(DEMO_BUILD_LOG))"
	@$(MAKE) --no-print-directory all web >$(DEMO_BUILD_LOG) 2>&1 || \
		{ echo "demo: the build failed; the end of $(DEMO_BUILD_LOG):" >&2; \
		  tail -n 30 $(DEMO_BUILD_LOG) >&2; exit 1; }
	@BUILD=$(abspath $(BUILD)) $(DEMO_SCRIPT)

# What "make install" puts where, beside the tools and the library.
MAN_PAGES   := $(sort $(wildcard man/*.1))
DOC_FILES   := README.md $(sort $(wildcard docs/*.md))
# alot-verify-net(1) is alot-verify(1); the completion file serves every tool.
MAN_LINKS   := alot-verify-net.1
COMP_LINKS  := alot-verify alot-verify-net alot-ledger alot-witness
ALOT_DATADIR = $(DATADIR)/alot

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/alot
	$(foreach b,$(TOOL_BINS) $(VERIFY_NET),install -m 0755 $(b) $(DESTDIR)$(BINDIR)/$(notdir $(b)) &&) true
	install -m 0644 $(LIB_STATIC) $(LIB_CORE) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(LIB_SHARED) $(DESTDIR)$(LIBDIR)/libalot.so.1
	ln -sf libalot.so.1 $(DESTDIR)$(LIBDIR)/libalot.so
	install -m 0644 include/alot/*.h $(DESTDIR)$(INCDIR)/alot/
	install -d $(DESTDIR)$(ALOT_DATADIR)
	install -m 0755 $(VERIFY_STATIC) $(DESTDIR)$(ALOT_DATADIR)/
	install -m 0644 $(DIST_DIR)/SHA256SUMS $(DESTDIR)$(ALOT_DATADIR)/
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	$(foreach l,$(MAN_LINKS),ln -sf alot-verify.1 $(DESTDIR)$(MANDIR)/man1/$(l) &&) true
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 completion/alot.bash $(DESTDIR)$(BASHCOMPDIR)/alot-draw
	$(foreach l,$(COMP_LINKS),ln -sf alot-draw $(DESTDIR)$(BASHCOMPDIR)/$(l) &&) true
	install -d $(DESTDIR)$(DOCDIR)
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(foreach t,draw verify verify-net ledger witness,$(DESTDIR)$(BINDIR)/alot-$(t))
	rm -f $(DESTDIR)$(LIBDIR)/libalot.a $(DESTDIR)$(LIBDIR)/libalot-core.a
	rm -f $(DESTDIR)$(LIBDIR)/libalot.so $(DESTDIR)$(LIBDIR)/libalot.so.1
	rm -rf $(DESTDIR)$(INCDIR)/alot $(DESTDIR)$(ALOT_DATADIR) $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES)) $(MAN_LINKS))
	rm -f $(addprefix $(DESTDIR)$(BASHCOMPDIR)/,alot-draw $(COMP_LINKS))

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
