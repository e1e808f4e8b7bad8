#!/usr/bin/env bash
# bench/verify/run.sh - verify a bundle of RECORDS draw records (default
# 100,000) and print records per second beside the Ed25519 verifications per
# second that "openssl speed ed25519" reaches on this machine, and the peak
# memory, which stays flat while the bundle streams.
# A benchmark, not a test: "make bench-verify [BENCH_RECORDS=n]".
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$src/build}
records=${1:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== generating a bundle of $records signed draw records"
"$build/bench/gen-bundle" "$records" "$tmp" >"$tmp/bundle.jsonl"
echo "   $(du -h "$tmp/bundle.jsonl" | cut -f1) of JSON lines"
head -n $((records / 10 > 0 ? records / 10 : 1)) "$tmp/bundle.jsonl" >"$tmp/small.jsonl"
measure() { # prints seconds and peak RSS in KiB of one verifier run
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:])
elapsed = time.monotonic() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{elapsed:.3f} {peak} {rc}")
PY
}
read -r secs peak rc < <(measure "$build/alot-verify" --quiet --pubkey "$tmp/pub.pem" "$tmp/bundle.jsonl")
[ "$rc" = 0 ] || { echo "the bundle did not verify (exit $rc)"; exit 1; }
read -r _ small_peak _ < <(measure "$build/alot-verify" --quiet --pubkey "$tmp/pub.pem" "$tmp/small.jsonl")
speed=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ && /EdDSA/ { v = $NF } END { print v }')
awk -v n="$records" -v s="$secs" -v v="$speed" 'BEGIN {
	r = n / s
	printf "alot-verify: %d records in %.2f s: %.0f records/s (one core)\n", n, s, r
	printf "floor: openssl speed ed25519 verifications/s (one core): %.0f\n", v
	printf "ratio: %.2fx the Ed25519 verification rate (goal: at least 0.8x)\n", r / v
}'
echo "peak memory: ${peak} KiB for $records records, ${small_peak} KiB for $((records / 10)): bounded while streaming"
