"""tls_serve.py - what the tests' local HTTPS servers share (imported, not run).

serve(handler, cert, key, portfile): serve handler's requests over TLS on
127.0.0.1, on a free port written to portfile (atomically, by a rename)
once the server listens, until the process is killed.  Each server
(tests/verify/https_server.py, tests/lib/beacon_server.py,
tests/lib/live_beacon.py) only says what it answers.
"""
import os
import ssl
from http.server import ThreadingHTTPServer


def serve(handler, cert, key, portfile):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
