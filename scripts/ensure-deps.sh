#!/usr/bin/env bash
# ensure-deps.sh - install the Debian packages the build, the tests and the
# demo need, when any is missing.  Runs apt-get as root (directly, or through
# sudo when available); does nothing when everything is already installed.
# "ensure-deps.sh --list" prints the packages, one a line: README.md lists
# exactly these (tests/integration/test_deps.sh compares them).
set -euo pipefail

packages=(
	postgresql libpq-dev libssl-dev libjansson-dev libcurl4-openssl-dev
	libcmocka-dev pkg-config make gcc clang libclang-rt-dev python3 procps
	util-linux openssl groff-base
	emscripten dpkg-dev chromium
)
# Node.js runs emscripten's optimizer and the web tests: any node will do, so
# Debian's is installed only when there is none (a node from elsewhere
# brings its own npm, which Debian's npm would conflict with).
node_packages=(nodejs npm)
if [ "${1:-}" = --list ]; then
	printf '%s\n' "${packages[@]}"
	exit 0
fi

missing=()
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	packages+=("${node_packages[@]}")
fi
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ensure-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo)
else
	echo "ensure-deps: missing packages ${missing[*]} and not root" >&2
	echo "ensure-deps: hint: run \"apt-get install ${missing[*]}\" as root" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
