#!/usr/bin/env python3
"""https_server.py - a local HTTPS server for alot-verify-net's tests.

    https_server.py CERT KEY ROOT PORTFILE

Serves ROOT over TLS on 127.0.0.1 (a free port, written to PORTFILE once
listening) with a few misbehaving paths; see test_verify_net.sh:

    /files/NAME        ROOT/NAME as it is
    /stall/NAME        the answer never comes (the client's time limit must hit)
    /stall-body/NAME   headers and half the body, then nothing
    /truncated/NAME    claims the full length, sends half, closes
    /status/CODE/NAME  answers HTTP CODE (404, 500 ...)
    /big/NAME          300 KiB of padding, with a Content-Length
    /endless/NAME      an endless body without a Content-Length
    /redirect-https/NAME, /redirect-http/NAME   a 302 to /files/NAME over https or plain http
"""
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tls_serve  # noqa: E402

cert, key, root, portfile = sys.argv[1:5]
never = threading.Event()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.requestline, fmt % args))

    def body_of(self, name):
        path = os.path.join(root, os.path.basename(name))
        with open(path, "rb") as f:
            return f.read()

    def head(self, code, length=None):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self):
        parts = self.path.split("/", 2)
        kind, name = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        try:
            if kind == "files":
                body = self.body_of(name)
                self.head(200, len(body))
                self.wfile.write(body)
            elif kind == "stall":
                never.wait()
            elif kind == "stall-body":
                body = self.body_of(name)
                self.head(200, len(body))
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                never.wait()
            elif kind == "truncated":
                body = self.body_of(name)
                self.head(200, len(body))
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
            elif kind == "status":
                code, _, _ = name.partition("/")
                self.send_error(int(code))
            elif kind == "big":
                body = b" " * (300 * 1024) + self.body_of(name)
                self.head(200, len(body))
                self.wfile.write(body)
            elif kind == "endless":
                self.head(200)
                chunk = b" " * 65536
                while True:
                    self.wfile.write(chunk)
            elif kind in ("redirect-https", "redirect-http"):
                scheme = "https" if kind == "redirect-https" else "http"
                self.send_response(302)
                self.send_header("Location", "%s://127.0.0.1:%d/files/%s" % (scheme, self.server.server_address[1], name))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, FileNotFoundError) as e:
            if isinstance(e, FileNotFoundError):
                self.send_error(404)


tls_serve.serve(Handler, cert, key, portfile)
