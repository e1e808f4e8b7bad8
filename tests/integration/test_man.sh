#!/usr/bin/env bash
# test_man.sh - the man pages in man/: each renders without a warning, has
# the sections a man page needs, and documents every long option the
# tools' --help prints (alot-draw: each command's options in the command's
# own subsection), so an option added without documentation fails here.
set -euo pipefail
man="$ALOT_SRC/man"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v groff >/dev/null || fail "groff is not installed (scripts/ensure-deps.sh installs it)"

pages=(alot-draw.1 alot-verify.1 alot-ledger.1 alot-witness.1)
for p in "${pages[@]}"; do
	[ -s "$man/$p" ] || fail "man/$p is missing"
	warnings=$(groff -man -Tutf8 -ww -z "$man/$p" 2>&1 >/dev/null)
	[ -z "$warnings" ] || fail "man/$p renders with warnings: $warnings"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS '"?EXIT STATUS"?' EXAMPLES '"?SEE ALSO"?'; do
		grep -Eq "^\.SH $s\$" "$man/$p" || fail "man/$p has no section $s"
	done
	title=$(basename "$p" .1 | tr 'a-z' 'A-Z')
	grep -q "^\.TH $title 1 " "$man/$p" || fail "man/$p: no .TH $title 1"
done
for v in ALOT_SIGNING_KEY ALOT_SEAL_KEY PGDATABASE; do
	grep -q "^\.B $v\$\|$v" "$man/alot-draw.1" || fail "alot-draw(1) does not document $v"
done
grep -q PGDATABASE "$man/alot-ledger.1" || fail "alot-ledger(1) does not document the PG* variables"
grep -q alot-verify-net "$man/alot-verify.1" || fail "alot-verify(1) does not cover alot-verify-net"

# long_options: the long options a --help text mentions.
long_options() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
# plain FILE [SUBSECTION]: the page's source with \- as -, only SUBSECTION's lines when given.
plain() {
	if [ $# -gt 1 ]; then
		awk -v ss="$2" '/^\.S[SH] / { on = ($0 == ".SS " ss) } on' "$1"
	else
		cat "$1"
	fi | sed 's/\\-/-/g; s/\\%//g'
}
# missing TEXT OPTIONS...: the options TEXT does not mention, each as a word.
missing() {
	local text=$1 o
	shift
	for o in "$@"; do
		grep -Eq -- "(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" <<<"$text" || echo "$o"
	done
}
# check PAGE SUBSECTION HELP-COMMAND...: every long option of the help is in the page.
check() {
	local page=$1 ss=$2 text gone
	shift 2
	local opts
	opts=$("$@" --help | long_options)
	[ -n "$opts" ] || fail "$* --help prints no long option"
	if [ -n "$ss" ]; then text=$(plain "$man/$page" "$ss"); else text=$(plain "$man/$page"); fi
	gone=$(missing "$text" $opts)
	[ -z "$gone" ] || fail "$page${ss:+ (section $ss)} does not document $(echo $gone) of \"$* --help\""
}

check alot-draw.1 "" "$BUILD/alot-draw"
commands=$("$BUILD/alot-draw" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
[ "$(echo $commands)" = "keygen commit freeze execute export status log" ] || echo "note: alot-draw commands are now: $(echo $commands)"
for c in $commands; do
	grep -q "^\.SS $c\$" "$man/alot-draw.1" || fail "alot-draw(1) has no subsection for the command $c"
	check alot-draw.1 "$c" "$BUILD/alot-draw" "$c"
	grep -q "^\.B alot-draw $c\$" "$man/alot-draw.1" || fail "alot-draw(1): $c is not in the SYNOPSIS"
done
for c in checkpoint vkey witness publish consistency; do
	check alot-draw.1 log "$BUILD/alot-draw" log "$c"
done
check alot-verify.1 "" "$BUILD/alot-verify"
check alot-verify.1 "" "$BUILD/alot-verify-net"
check alot-ledger.1 "" "$BUILD/alot-ledger"
check alot-witness.1 "" "$BUILD/alot-witness"
for c in $("$BUILD/alot-witness" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
	check alot-witness.1 "" "$BUILD/alot-witness" "$c"
done

# The check itself catches an undocumented option.
text=$(plain "$man/alot-draw.1" export | grep -v 'since')
[ "$(missing "$text" --room --since)" = "--since" ] || fail "the option check misses an undocumented option"
echo "man ok: ${pages[*]}, $(echo $commands | wc -w) alot-draw commands"
