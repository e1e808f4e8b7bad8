# testca.sh - TLS scaffolding for the shell tests that talk HTTPS to a
# local server (sourced, not run; after tests/verify/cli-lib.sh, for fail):
# a throwaway test CA with a certificate for 127.0.0.1, and starting such a
# server in the background and waiting until it listens.  The sourcing test
# sets tmp to its scratch folder and calls stop_servers in its cleanup.
#
#   test_ca         $tmp/ca.pem (the CA, for --cacert; key $tmp/ca.key) and
#                   $tmp/server.pem, $tmp/server.key (IP 127.0.0.1, serverAuth)
#   start_server WHAT PORTFILE LOG COMMAND...
#                   run COMMAND in the background, its stderr into LOG, its
#                   pid in $server_pid; fail "WHAT did not start" unless it
#                   writes PORTFILE (its port) within 30 s
#   stop_servers    kill and reap every server start_server started

server_pid=
server_pids=()

# ossl ARG...: openssl, its messages into $tmp/openssl.log, shown on failure (exit 2).
ossl() { openssl "$@" 2>>"$tmp/openssl.log" || { cat "$tmp/openssl.log" >&2; exit 2; }; }

test_ca() {
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=ALOT test CA" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
	ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=127.0.0.1" -keyout "$tmp/server.key" -out "$tmp/server.csr"
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$tmp/server.ext"
	ossl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
		-days 2 -extfile "$tmp/server.ext" -out "$tmp/server.pem"
}

start_server() {
	local what=$1 port=$2 log=$3
	shift 3
	"$@" 2>"$log" &
	server_pid=$!
	server_pids+=("$server_pid")
	for _ in $(seq 300); do [ -s "$port" ] && break; kill -0 "$server_pid" || break; sleep 0.1; done
	[ -s "$port" ] || fail "$what did not start: $(cat "$log")"
}

stop_servers() {
	local p
	for p in "${server_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
