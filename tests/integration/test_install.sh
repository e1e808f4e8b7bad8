#!/usr/bin/env bash
# test_install.sh - "make install PREFIX=... DESTDIR=..." installs the tools
# under their names, the libraries and the public headers, the static
# verifier with its SHA256SUMS, the man pages, the bash completion and the
# docs; the installed tools run, the installed completion loads and
# completes (and knows every option of each --help); "make uninstall"
# leaves no file behind.
set -euo pipefail
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s -C "$ALOT_SRC" install BUILD="$BUILD" SANITIZE="${SANITIZE:-0}" PREFIX=/opt/alot DESTDIR="$dest" >/dev/null
for tool in alot-draw alot-verify alot-verify-net alot-ledger alot-witness; do
	[ -x "$dest/opt/alot/bin/$tool" ] || { echo "FAIL: $tool not installed"; exit 1; }
	grep -q "^$tool (ALOT!) " <<<"$("$dest/opt/alot/bin/$tool" --version)" || { echo "FAIL: installed $tool does not run"; exit 1; }
done
version=$(sed -n 's/^VERSION *:= *//p' "$ALOT_SRC/Makefile")
files=(lib/libalot.a lib/libalot-core.a lib/libalot.so.1 lib/libalot.so include/alot/record.h include/alot/model.h
       "share/alot/alot-verify-$version-linux-x86_64" share/alot/SHA256SUMS
       share/man/man1/alot-draw.1 share/man/man1/alot-verify.1 share/man/man1/alot-verify-net.1
       share/man/man1/alot-ledger.1 share/man/man1/alot-witness.1
       share/bash-completion/completions/alot-draw share/bash-completion/completions/alot-verify
       share/bash-completion/completions/alot-verify-net share/bash-completion/completions/alot-ledger
       share/bash-completion/completions/alot-witness share/doc/alot/README.md)
for d in "$ALOT_SRC"/docs/*.md; do files+=("share/doc/alot/$(basename "$d")"); done
for f in "${files[@]}"; do
	[ -e "$dest/opt/alot/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
for f in alot-draw.1 alot-verify.1 alot-ledger.1; do
	cmp -s "$dest/opt/alot/share/man/man1/$f" "$ALOT_SRC/man/$f" || { echo "FAIL: installed $f differs from man/$f"; exit 1; }
done
# The static verifier and its checksum, as published.
(cd "$dest/opt/alot/share/alot" && sha256sum -c --quiet SHA256SUMS) || { echo "FAIL: the installed SHA256SUMS does not check"; exit 1; }
"$dest/opt/alot/share/alot/alot-verify-$version-linux-x86_64" --version | grep -q "^alot-verify (ALOT!) $version" ||
	{ echo "FAIL: the installed static verifier does not run"; exit 1; }

# ---- the installed bash completion ------------------------------------------
comp="$dest/opt/alot/share/bash-completion/completions"
# complete_words FILE WORD...: the completions bash offers for the last WORD.
complete_words() {
	local file=$1
	shift
	bash --norc --noprofile -c '
		set -u
		. "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || { echo "no completion function for $1" >&2; exit 1; }
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]:-}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$file" "$@"
}
for tool in alot-draw alot-verify alot-verify-net alot-ledger alot-witness; do
	err=$(bash --norc --noprofile -c '. "$1" && complete -p "$2"' bash "$comp/$tool" "$tool" 2>&1 >/dev/null)
	[ -z "$err" ] || { echo "FAIL: the completion for $tool does not load cleanly: $err"; exit 1; }
	bash --norc --noprofile -c '. "$1" && complete -p "$2"' bash "$comp/$tool" "$tool" | grep -q -- "-F " ||
		{ echo "FAIL: no completion function for $tool"; exit 1; }
done
got=$(complete_words "$comp/alot-draw" alot-draw fr)
[ "$got" = freeze ] || { echo "FAIL: \"alot-draw fr\" completes to \"$got\", not freeze"; exit 1; }
got=$(complete_words "$comp/alot-draw" alot-draw ex | tr '\n' ' ')
[ "$got" = "execute export " ] || { echo "FAIL: \"alot-draw ex\" completes to \"$got\""; exit 1; }
got=$(complete_words "$comp/alot-draw" alot-draw export --o)
[ "$got" = --output ] || { echo "FAIL: \"alot-draw export --o\" completes to \"$got\""; exit 1; }
# File options complete files; --output folders only.
mkdir -p "$dest/files/keys.d"
: >"$dest/files/key.pem"
got=$(cd "$dest/files" && complete_words "$comp/alot-draw" alot-draw commit --signing-key k | sort | tr '\n' ' ')
[ "$got" = "key.pem keys.d " ] || { echo "FAIL: --signing-key completes to \"$got\", not the files"; exit 1; }
got=$(cd "$dest/files" && complete_words "$comp/alot-draw" alot-draw export -o k)
[ "$got" = keys.d ] || { echo "FAIL: export -o completes to \"$got\", not the folder"; exit 1; }
got=$(cd "$dest/files" && complete_words "$comp/alot-verify" alot-verify --pubkey=k | sort | tr '\n' ' ')
[ "$got" = "key.pem keys.d " ] || { echo "FAIL: --pubkey= completes to \"$got\""; exit 1; }
got=$(complete_words "$comp/alot-ledger" alot-ledger --engine s)
[ "$got" = "scan sql" ] || [ "$(echo $got)" = "scan sql" ] || { echo "FAIL: --engine completes to \"$got\""; exit 1; }
# Every long option of each --help is completed.
options_of() { "$@" --help | grep -o -- '^ *\(-.,\)\? *--[a-z][a-z0-9-]*' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u | tr '\n' ' '; }
bin="$dest/opt/alot/bin"
for cmd in keygen commit freeze execute export status; do
	want=$(options_of "$bin/alot-draw" "$cmd")
	got=" $(complete_words "$comp/alot-draw" alot-draw "$cmd" -- | tr '\n' ' ')"
	for o in $want; do
		[[ "$got" == *" $o "* ]] || { echo "FAIL: alot-draw $cmd does not complete $o (it completes$got)"; exit 1; }
	done
done
for sub in checkpoint vkey witness publish consistency; do
	want=$(options_of "$bin/alot-draw" log "$sub")
	got=" $(complete_words "$comp/alot-draw" alot-draw log "$sub" -- | tr '\n' ' ')"
	for o in $want; do
		[[ "$got" == *" $o "* ]] || { echo "FAIL: alot-draw log $sub does not complete $o (it completes$got)"; exit 1; }
	done
done
got=$(complete_words "$comp/alot-draw" alot-draw log pu)
[ "$got" = publish ] || { echo "FAIL: \"alot-draw log pu\" completes to \"$got\""; exit 1; }
for cmd in add-checkpoint vkey keygen status serve; do
	want=$(options_of "$bin/alot-witness" "$cmd")
	got=" $(complete_words "$comp/alot-witness" alot-witness "$cmd" -- | tr '\n' ' ')"
	for o in $want; do
		[[ "$got" == *" $o "* ]] || { echo "FAIL: alot-witness $cmd does not complete $o (it completes$got)"; exit 1; }
	done
done
got=$(complete_words "$comp/alot-witness" alot-witness add)
[ "$got" = add-checkpoint ] || { echo "FAIL: \"alot-witness add\" completes to \"$got\""; exit 1; }
for tool in alot-verify alot-verify-net alot-ledger; do
	want=$(options_of "$bin/$tool")
	got=" $(complete_words "$comp/$tool" "$tool" -- | tr '\n' ' ')"
	for o in $want; do
		[[ "$got" == *" $o "* ]] || { echo "FAIL: $tool does not complete $o (it completes$got)"; exit 1; }
	done
done
# A program built against the installed library and headers links and runs.
cat >"$dest/use.c" <<'C'
#include <stdio.h>
#include <alot/protocol.h>
int main(void) { alot_uuid u; return alot_uuid_parse("6f1e0a52-3f4c-4c1b-9a7e-2d1c0b9a8f71", &u, NULL) == ALOT_OK ? 0 : 1; }
C
san=()
[ "${SANITIZE:-0}" = 1 ] && san=(-fsanitize=address,undefined)
cc "${san[@]}" -I"$dest/opt/alot/include" -o "$dest/use" "$dest/use.c" "$dest/opt/alot/lib/libalot-core.a" -lcrypto -ljansson
"$dest/use"
installed=$(cd "$dest/opt/alot" && find . -type f -o -type l | wc -l)

# ---- uninstall leaves nothing ------------------------------------------------
make -s -C "$ALOT_SRC" uninstall BUILD="$BUILD" SANITIZE="${SANITIZE:-0}" PREFIX=/opt/alot DESTDIR="$dest" >/dev/null
left=$(cd "$dest/opt/alot" && find . -type f -o -type l)
[ -z "$left" ] || { echo "FAIL: make uninstall left $(echo $left)"; exit 1; }
for d in share/alot share/doc/alot include/alot; do
	[ ! -e "$dest/opt/alot/$d" ] || { echo "FAIL: make uninstall left the folder $d"; exit 1; }
done

# ---- "make demo" prints the demo, not the build --------------------------------
# (The demo itself is replaced by "true": this is about the build before it.)
demo() { make --no-print-directory -C "$ALOT_SRC" demo SANITIZE="${SANITIZE:-0}" DEMO_SCRIPT=true "$@"; }
out=$(demo BUILD="$BUILD" 2>&1)
[ "$out" = "demo: building (compiler output in $BUILD/demo-build.log)" ] ||
	{ echo "FAIL: make demo printed more than the demo: $out"; exit 1; }
[ -s "$BUILD/demo-build.log" ] || { echo "FAIL: make demo wrote no build log"; exit 1; }
# A build that fails: the log's tail is shown, and make demo fails.
if demo BUILD="$dest/build-fail" CC=false >"$dest/demo.out" 2>"$dest/demo.err"; then
	echo "FAIL: make demo succeeded though the build failed"; exit 1
fi
[ "$(cat "$dest/demo.out")" = "demo: building (compiler output in $dest/build-fail/demo-build.log)" ] ||
	{ echo "FAIL: a failed make demo printed on stdout: $(cat "$dest/demo.out")"; exit 1; }
grep -q "the build failed; the end of $dest/build-fail/demo-build.log" "$dest/demo.err" &&
	grep -q "^false .* -c -o " "$dest/demo.err" || { echo "FAIL: a failed make demo did not show the log's tail: $(cat "$dest/demo.err")"; exit 1; }
grep -q "^false .* -c -o " "$dest/build-fail/demo-build.log" || { echo "FAIL: the compiler lines are not in the log"; exit 1; }
echo "install ok: $installed files and links; uninstall removed them all; make demo prints only the demo"
