# web/build.mk - the browser verifier (docs/verifier.md): alot-verify's own
# sources and lib/core compiled to WebAssembly with emscripten, and the
# static page around them.
#
#   make web              build/web/: index.html, app.js, style.css,
#                         alot-verify.js and .wasm, BUILDINFO, SHA256SUMS
#
# jansson and libcrypto for wasm come from Debian's source packages, built
# once per version by scripts/web-deps.sh into WEB_CACHE.  The outputs hold
# no path of this machine: sources are compiled by relative path, the
# libraries use a placeholder prefix, and nothing carries debug info, so two
# builds from two clones give the same bytes (tests/web/test_web_build.sh).

WEB_DIR    := $(BUILD)/web
WEB_OBJDIR := $(BUILD)/web-obj
WEB_CACHE  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/alot-web
WEB_PAGE   := $(sort $(wildcard web/page/*))
WEB_SRC    := web/main.c $(call tool_src,verify) $(CORE_SRC) $(CLI_SRC)
WEB_OBJ    := $(patsubst %.c,$(WEB_OBJDIR)/%.o,$(WEB_SRC))
WEB_LIBS_FILE := $(WEB_OBJDIR)/libs

# "jansson=DIR" and "openssl=DIR" lines; read when a recipe runs, after
# web-deps.sh wrote them.
web_lib_dir = $(shell sed -n 's/^$(1)=//p' $(WEB_LIBS_FILE))
WEB_CFLAGS = -std=c11 -D_GNU_SOURCE -DALOT_VERSION='"$(VERSION)"' -O2 -Iinclude -Ilib -Iverify \
             $(WARNFLAGS) -ffile-prefix-map=$(CURDIR)=. \
             -I$(call web_lib_dir,jansson)/include -I$(call web_lib_dir,openssl)/include
# The module is created afresh for each run (MODULARIZE), from one compiled
# WebAssembly.Module: main() keeps no state between runs that way.
# No eval (DYNAMIC_EXECUTION=0), for the page's Content-Security-Policy.
WEB_LDFLAGS = -O2 -sMODULARIZE=1 -sEXPORT_NAME=createAlotVerify -sINVOKE_RUN=0 -sEXIT_RUNTIME=1 \
              -sEXPORTED_RUNTIME_METHODS=callMain,FS -sALLOW_MEMORY_GROWTH=1 \
              -sINITIAL_MEMORY=33554432 -sENVIRONMENT=web,node -sDYNAMIC_EXECUTION=0 \
              -sTOTAL_STACK=1048576

.PHONY: web
web: $(WEB_DIR)/SHA256SUMS

$(WEB_LIBS_FILE): scripts/web-deps.sh
	@mkdir -p $(dir $@)
	@command -v emcc >/dev/null || { echo "web: emcc not found (scripts/ensure-deps.sh installs emscripten)" >&2; exit 2; }
	scripts/web-deps.sh $(WEB_CACHE) >$@.tmp
	mv $@.tmp $@

$(WEB_OBJDIR)/%.o: %.c | $(WEB_LIBS_FILE)
	@mkdir -p $(dir $@)
	emcc $(WEB_CFLAGS) -MMD -MP -c -o $@ $<

# verify/main.c's main() becomes alot_verify_main(), which web/main.c calls.
$(WEB_OBJDIR)/verify/main.o: verify/main.c | $(WEB_LIBS_FILE)
	@mkdir -p $(dir $@)
	emcc $(WEB_CFLAGS) -Dmain=alot_verify_main -include web/entry.h -MMD -MP -c -o $@ $<

# emcc's optimizer runs under node and needs Debian's acorn (node-acorn),
# which a node not from Debian does not look for.
$(WEB_OBJDIR)/alot-verify.js: export NODE_PATH = /usr/share/nodejs
$(WEB_OBJDIR)/alot-verify.js: $(WEB_OBJ) $(WEB_LIBS_FILE)
	emcc $(WEB_LDFLAGS) -o $@ $(WEB_OBJ) \
		$(call web_lib_dir,jansson)/lib/libjansson.a $(call web_lib_dir,openssl)/lib/libcrypto.a

# BUILDINFO: what the module was built from, so that anyone can rebuild it.
$(WEB_DIR)/SHA256SUMS: $(WEB_OBJDIR)/alot-verify.js $(WEB_PAGE)
	@rm -rf $(WEB_DIR) && mkdir -p $(WEB_DIR)
	cp $(WEB_PAGE) $(WEB_OBJDIR)/alot-verify.js $(WEB_OBJDIR)/alot-verify.wasm $(WEB_DIR)/
	{ echo "alot-verify $(VERSION) for the web"; \
	  echo "emscripten $$(emcc --version | sed -n '1s/.*) \([0-9.]*\).*/\1/p')"; \
	  for l in jansson openssl; do sed -n 's/^\(package\|version\|dsc\|sha256\) /  \1 /p' \
	    $$(sed -n "s/^$$l=//p" $(WEB_LIBS_FILE))/SOURCE; done; } >$(WEB_DIR)/BUILDINFO
	cd $(WEB_DIR) && sha256sum $$(ls | grep -v '^SHA256SUMS$$') >SHA256SUMS

CHECK_EXTRA_BUILD += web

-include $(WEB_OBJ:.o=.d)
