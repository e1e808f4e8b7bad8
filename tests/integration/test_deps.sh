#!/usr/bin/env bash
# test_deps.sh - README.md lists exactly the Debian packages that
# scripts/ensure-deps.sh installs (its --list), in the same order.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
script=$("$ALOT_SRC/scripts/ensure-deps.sh" --list | tr '\n' ' ')
[ -n "$script" ] || fail "scripts/ensure-deps.sh --list prints no package"
readme=$(sed -n '/^<!-- packages: /,/^<!-- \/packages -->/p' "$ALOT_SRC/README.md" | sed '1d;$d' |
	grep -o '`[^`]*`' | tr -d '`' | tr '\n' ' ')
[ -n "$readme" ] || fail "README.md has no package list between <!-- packages: ... --> and <!-- /packages -->"
[ "$readme" = "$script" ] || fail "README.md lists \"$readme\", scripts/ensure-deps.sh installs \"$script\""
echo "deps ok: $(wc -w <<<"$script") packages, the same in README.md and scripts/ensure-deps.sh"
