#!/usr/bin/env bash
# web-deps.sh - jansson and libcrypto built for WebAssembly, from Debian's
# own source packages, for the browser verifier (make web; docs/verifier.md).
#
#   scripts/web-deps.sh CACHE     build what is missing; print the prefix
#                                 of each library, one "name=dir" a line
#
# The sources come through a private apt configuration under CACHE (its own
# sources list with deb-src entries, its own lists), so /etc is untouched.
# apt checks each file against the signed Sources index; the version is the
# one that index offers for bookworm, and it names the cache folder:
# CACHE/jansson-2.14-4/, CACHE/openssl-3.0.x-y/, each holding lib/ and
# include/ and a SOURCE file with the version and the .dsc's SHA-256.  A
# library whose folder exists is not rebuilt, so a rebuild takes seconds.
#
# The libraries are configured with a placeholder prefix (/alot-web): no
# path of this machine ends up in them.
set -euo pipefail

cache=${1:?usage: web-deps.sh CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
log() { echo "web-deps: $*" >&2; }

# ---- the private apt configuration ------------------------------------------
apt_dir=$cache/apt
apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::Cache=$apt_dir/cache"
	-o "Dir::State::status=/var/lib/dpkg/status"
	-o "APT::Sandbox::User=root"
)

apt_setup() {
	mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	# bookworm main only: the security suite's source files have been
	# withdrawn from the mirror while its index still named them.
	cat >"$apt_dir/sources.list" <<-'EOF'
	deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
	EOF
	if [ ! -e "$apt_dir/updated" ]; then
		log "reading the Debian Sources index"
		apt-get "${apt_opts[@]}" -qq update >&2
		touch "$apt_dir/updated"
	fi
}

# The version of source package $1 that the index offers.
src_version() {
	apt-cache "${apt_opts[@]}" showsrc "$1" | awk '/^Version:/ { print $2; exit }'
}

# Fetch and unpack source package $1 at version $2 into $3; record its .dsc.
fetch_source() {
	local pkg=$1 ver=$2 dir=$3 work dsc
	work=$(mktemp -d "$cache/src.XXXXXX")
	(cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$ver" >&2)
	dsc=$(ls "$work"/*.dsc)
	# apt checked every file against the signed index; the .dsc's own
	# signature is a maintainer's, whose keyring this machine need not have.
	(cd "$work" && dpkg-source --no-check -x "$(basename "$dsc")" src >/dev/null)
	mv "$work/src" "$dir"
	printf 'package %s\nversion %s\ndsc %s\nsha256 %s\n' "$pkg" "$ver" "$(basename "$dsc")" \
		"$(sha256sum "$dsc" | cut -d' ' -f1)" >"$dir.SOURCE"
	rm -rf "$work"
}

# Same flags everywhere: no debug info, no path of this machine.
wasm_cflags() {
	echo "-O2 -ffile-prefix-map=$1=."
}

# Each builder compiles the unpacked source $2 (version $1) and installs
# into $3, which has lib/ and include/.
build_jansson() {
	local ver=$1 src=$2 out=$3
	log "building jansson $ver for wasm"
	(
		cd "$src"
		# CMake would need the host's cmake; jansson's own autotools build
		# needs autoreconf.  Its sources are few: compile them directly, with
		# the config headers it would generate.
		cat >jansson_private_config.h <<-'EOF'
		#define HAVE_STDINT_H 1
		#define HAVE_INTTYPES_H 1
		#define HAVE_UNISTD_H 1
		#define HAVE_SYS_TYPES_H 1
		#define HAVE_SYS_STAT_H 1
		#define HAVE_FCNTL_H 1
		#define HAVE_SYS_TIME_H 1
		#define HAVE_STRTOLL 1
		#define HAVE_LOCALECONV 1
		#define HAVE_ATOMIC_BUILTINS 1
		#define HAVE_SYNC_BUILTINS 1
		#define INITIAL_HASHTABLE_ORDER 3
		#define USE_URANDOM 1
		EOF
		sed -e 's/@json_inline@/inline/' -e 's/@json_have_[a-z_]*@/1/' \
			src/jansson_config.h.in >src/jansson_config.h
		if grep -q '@json_[a-z_]*@' src/jansson_config.h; then
			echo "web-deps: jansson_config.h.in has a setting this script does not know" >&2
			exit 2
		fi
		mkdir -p obj
		for c in src/*.c; do
			emcc $(wasm_cflags "$src") -DHAVE_CONFIG_H -I. -Isrc -c "$c" -o "obj/$(basename "${c%.c}").o"
		done
		emar rcs libjansson.a obj/*.o
	) >&2
	cp "$src/libjansson.a" "$out/lib/"
	cp "$src/src/jansson.h" "$src/src/jansson_config.h" "$out/include/"
}

build_openssl() {
	local ver=$1 src=$2 out=$3
	log "building libcrypto $ver for wasm (a few minutes)"
	(
		cd "$src"
		# Debian's patches are applied by dpkg-source.  Only libcrypto, no
		# assembler, threads, engines, sockets or config loading.  emconfigure
		# would set CROSS_COMPILE=em, which OpenSSL prepends to emcc.
		CC=emcc AR=emar RANLIB=emranlib CROSS_COMPILE= CFLAGS="$(wasm_cflags "$src")" \
			./Configure linux-generic32 --prefix=/alot-web --openssldir=/alot-web/ssl \
			no-asm no-threads no-shared no-dso no-engine no-async no-sock no-afalgeng \
			no-ui-console no-tests no-secure-memory no-autoload-config \
			-DOPENSSL_NO_SECURE_MEMORY >/dev/null
		make -s -j"$jobs" build_generated >/dev/null
		make -s -j"$jobs" libcrypto.a >/dev/null
	) >&2
	cp "$src/libcrypto.a" "$out/lib/"
	cp -r "$src/include/openssl" "$out/include/"
}

ensure() {
	local pkg=$1 builder=$2 ver out
	ver=$(src_version "$pkg")
	[ -n "$ver" ] || { log "the Sources index offers no $pkg"; exit 2; }
	out=$cache/$pkg-$ver
	if [ ! -d "$out" ]; then
		# Built aside and renamed at the end: an interrupted build leaves
		# no folder that looks complete.
		local work
		work=$(mktemp -d "$cache/build.XXXXXX")
		fetch_source "$pkg" "$ver" "$work/src"
		mkdir -p "$work/out/lib" "$work/out/include"
		"$builder" "$ver" "$work/src" "$work/out"
		mv "$work/src.SOURCE" "$work/out/SOURCE"
		rm -rf "$out.tmp"
		mv "$work/out" "$out"
		rm -rf "$work"
	fi
	echo "$pkg=$out"
}

apt_setup
ensure jansson build_jansson
ensure openssl build_openssl
