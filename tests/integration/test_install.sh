#!/usr/bin/env bash
# test_install.sh - "make install PREFIX=... DESTDIR=..." installs the tools
# under their names, the libraries and the public headers, and the
# installed tools run.
set -euo pipefail
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s -C "$ALOT_SRC" install BUILD="$BUILD" SANITIZE="${SANITIZE:-0}" PREFIX=/opt/alot DESTDIR="$dest" >/dev/null
for tool in alot-draw alot-verify; do
	[ -x "$dest/opt/alot/bin/$tool" ] || { echo "FAIL: $tool not installed"; exit 1; }
	grep -q "^$tool (ALOT!) " <<<"$("$dest/opt/alot/bin/$tool" --version)" || { echo "FAIL: installed $tool does not run"; exit 1; }
done
for f in lib/libalot.a lib/libalot-core.a lib/libalot.so.1 lib/libalot.so include/alot/record.h include/alot/model.h; do
	[ -e "$dest/opt/alot/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
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
echo "install ok: $(ls "$dest/opt/alot/bin" | tr '\n' ' ')"
