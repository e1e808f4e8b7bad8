#!/usr/bin/env bash
# test_serve.sh - "alot-witness serve": the HTTP front end answers POST
# /add-checkpoint exactly as add-checkpoint does (200 with a cosignature
# that verifies, 409 with the size as text/x.tlog.size, 422, 400, 404 for
# an unknown log), refuses other paths, methods and bodies without a
# length, survives a client that sends garbage, and exits 0 after
# --max-requests.  Requests come from tests/witness/mklog.py (independent
# of the C code), over curl.
set -euo pipefail

witness="$BUILD/alot-witness"
mklog="$ALOT_SRC/tests/witness/mklog.py"
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$ALOT_SRC/tests/verify/cli-lib.sh"
command -v curl >/dev/null || fail "curl is not installed"

origin=example.com/log
name=witness.example/w2
mk() { python3 "$mklog" "$@"; }
req() { local f=$1; shift; mk request "$tmp/log.pem" "$origin" "$@" >"$tmp/$f"; }

"$witness" keygen --secret "$tmp/w.key" --public "$tmp/w.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$tmp/log.pem" 2>/dev/null
chmod 600 "$tmp/log.pem"
mk vkey "$tmp/log.pem" "$origin" >"$tmp/log.vkey"

port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
url="http://127.0.0.1:$port"
requests=11
"$witness" serve --listen "127.0.0.1:$port" --state "$tmp/state" --key "$tmp/w.key" \
	--name "$name" --log "$tmp/log.vkey" --max-requests $requests 2>"$tmp/serve.err" &
pid=$!
for _ in $(seq 100); do
	grep -q "listening on 127.0.0.1:$port" "$tmp/serve.err" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || fail "serve exited: $(cat "$tmp/serve.err")"
	sleep 0.1
done
grep -q "listening on" "$tmp/serve.err" || fail "serve did not start: $(cat "$tmp/serve.err")"

post() { # NAME FILE [curl options]: POST a request body, status into NAME.code
	local n=$1 f=$2
	shift 2
	curl -s -o "$tmp/$n.body" -D "$tmp/$n.head" -w '%{http_code}' --data-binary "@$tmp/$f" \
		-H 'Content-Type: text/plain' "$@" "$url/add-checkpoint" >"$tmp/$n.code" || true
}
status_is() { # NAME CODE [BODY]
	[ "$(cat "$tmp/$1.code")" = "$2" ] || fail "$1: HTTP $(cat "$tmp/$1.code"), expected $2: $(cat "$tmp/$1.body")"
	if [ $# -gt 2 ]; then
		[ "$(cat "$tmp/$1.body")" = "$3" ] || fail "$1: body \"$(cat "$tmp/$1.body")\", expected \"$3\""
	fi
}

req r5 5 0
post first r5                                          # 1
status_is first 200
grep -q "^— $name " "$tmp/first.body" || fail "first: not a cosignature line: $(cat "$tmp/first.body")"
[ "$(wc -l <"$tmp/first.body")" = 1 ] || fail "first: more than one line"
mk cosig "$tmp/w.pub" "$name" "$tmp/r5" "$tmp/first.body" >/dev/null || fail "first: the cosignature does not verify"

req r9 9 5
post grow r9                                           # 2
status_is grow 200
post conflict r5                                       # 3: old 0, stored 9
status_is conflict 409 9
grep -qi '^content-type: text/x.tlog.size' "$tmp/conflict.head" || fail "conflict: $(cat "$tmp/conflict.head")"
req fork 9 9 --seed b
post fork fork                                         # 4
status_is fork 422
grep -q "another root" "$tmp/fork.body" || fail "fork: body $(cat "$tmp/fork.body")"
printf 'old 09\n\n' >"$tmp/bad"
post bad bad                                           # 5
status_is bad 400
mk request "$tmp/log.pem" unknown.example/log 3 0 >"$tmp/unknown"
post unknown unknown                                   # 6
status_is unknown 404

curl -s -o /dev/null -w '%{http_code}' "$url/add-checkpoint" >"$tmp/get.code" || true   # 7
status_is get 405
curl -s -o /dev/null -w '%{http_code}' --data-binary "@$tmp/r9" "$url/other" >"$tmp/path.code" || true  # 8
status_is path 404
post chunked r9 -H 'Transfer-Encoding: chunked'        # 9
status_is chunked 411
printf 'garbage\r\n\r\n' | python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port)); s.sendall(sys.stdin.buffer.read())
print(s.recv(100).split(b'\r\n')[0].decode())" >"$tmp/garbage.line"                  # 10
[ "$(cat "$tmp/garbage.line")" = "HTTP/1.1 400 Bad Request" ] || fail "garbage: $(cat "$tmp/garbage.line")"
req r9same 9 9
post same r9same                                       # 11: the last one
status_is same 200

wait "$pid" || fail "serve exited $? after $requests requests: $(cat "$tmp/serve.err")"
pid=
grep -q "old size 0 is not 9" "$tmp/serve.err" || fail "serve did not log the 409: $(cat "$tmp/serve.err")"
[ "$("$witness" status --state "$tmp/state" | cut -f2)" = 9 ] || fail "state is not at size 9"

run serve-nolisten "$witness" serve --state "$tmp/state" --key "$tmp/w.key" --name "$name" --log "$tmp/log.vkey"
expect serve-nolisten 2
has serve-nolisten err "give --listen HOST:PORT"
run serve-bad "$witness" serve --listen nonsense --state "$tmp/state" --key "$tmp/w.key" --name "$name" --log "$tmp/log.vkey"
expect serve-bad 2
has serve-bad err "is not HOST:PORT"
echo "test_serve: ok"
