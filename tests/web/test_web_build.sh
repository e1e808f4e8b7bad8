#!/usr/bin/env bash
# test_web_build.sh - the browser verifier builds reproducibly and carries no
# path of the machine that built it: the source tree under test, copied into
# two different folders and built there with "make web", gives the same
# bytes in every file of web/ (diff -r, and the same SHA256SUMS), which
# checks against itself, and no output file names either folder, $HOME, the
# library cache, /tmp/, /work/ or /root/.  (web/build.mk explains how.)
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
# Both builds share the wasm libraries, built once per version (web/build.mk's default).
cache=${WEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/alot-web}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The source tree, as it is: a clone when everything is committed, else a
# copy of every file git knows or would (or, outside git, of the tree
# without its build folders).
copy_source() { # DEST
	if ! git -C "$ALOT_SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mkdir -p "$1"
		(cd "$ALOT_SRC" && tar -c --exclude='./build' --exclude='./build-*' --exclude='./.git' .) | tar -x -C "$1"
	elif [ -z "$(git -C "$ALOT_SRC" status --porcelain)" ]; then
		git clone -q "$ALOT_SRC" "$1"
	else
		mkdir -p "$1"
		(cd "$ALOT_SRC" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
			xargs -0 cp --parents -a -t "$1")
	fi
	[ -f "$1/Makefile" ] && [ -f "$1/web/build.mk" ] || fail "could not copy $ALOT_SRC into $1"
}

# Two folders whose paths differ, in length too.
one="$tmp/one"
two="$tmp/second-clone-of-the-source"
for d in "$one" "$two"; do
	copy_source "$d/src"
	make -C "$d/src" -s BUILD="$d/b" WEB_CACHE="$cache" web >"$d/build.log" 2>&1 ||
		{ tail -n 30 "$d/build.log"; fail "make web in $d"; }
	[ -s "$d/b/web/alot-verify.wasm" ] && [ -s "$d/b/web/alot-verify.js" ] || fail "$d: no module built"
done
echo "ok: built twice, in $one and $two"

diff -r "$one/b/web" "$two/b/web" || fail "the two builds differ"
cmp "$one/b/web/SHA256SUMS" "$two/b/web/SHA256SUMS" || fail "the two SHA256SUMS differ"
files=$(ls "$one/b/web" | wc -l)
[ "$files" -ge 5 ] || fail "only $files files in web/"
echo "ok: the two builds' $files files are identical, byte for byte"

(cd "$one/b/web" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not check"
# Every file but SHA256SUMS itself is in it.
[ "$(wc -l <"$one/b/web/SHA256SUMS")" = $((files - 1)) ] || fail "SHA256SUMS does not list every file: $(cat "$one/b/web/SHA256SUMS")"
echo "ok: sha256sum -c SHA256SUMS passes, and it lists every file"

# The one /tmp/ allowed: musl's tmpfile() template, a constant of the C
# library (verify/source.c reads a pipe into a tmpfile()), no path of ours.
allowed=/tmp/tmpfile_XXXXXX
for d in "$one" "$two"; do
	for path in "$d" "$HOME" "$cache" /tmp/ /work/ /root/; do
		for f in "$d/b/web"/*; do
			if grep -aoF -e "$allowed" -e "$path" "$f" | grep -qvxF "$allowed"; then
				fail "$f names \"$path\""
			fi
		done
	done
done
echo "ok: no output file names a build folder, \$HOME ($HOME), the cache ($cache), /tmp/, /work/ or /root/"
