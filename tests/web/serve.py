#!/usr/bin/env python3
"""serve.py - a static file server for the browser tests: serves ROOT on
127.0.0.1 at a free port (port 0), prints that port on its first line of
stdout, and answers with the right MIME type for .wasm, .js and .mjs and
no caching, so every test run loads the files it built.

    python3 tests/web/serve.py ROOT [EXTRA_ROOT...]

Files are looked up in ROOT, then in each EXTRA_ROOT under its own name:
/_/NAME/... is EXTRA_ROOT NAME (its folder's base name), so a test can
serve its vectors beside the page.  Every request is logged to stderr."""

import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".jsonl": "application/x-ndjson",
        ".pem": "application/x-pem-file",
        "": "text/plain",
    }
    extra = {}

    def translate_path(self, path):
        parts = path.split("?", 1)[0].split("#", 1)[0].split("/")
        if len(parts) > 3 and parts[1] == "_" and parts[2] in self.extra:
            base = self.extra[parts[2]]
            rest = [p for p in parts[3:] if p not in ("", ".", "..")]
            return os.path.join(base, *rest)
        return super().translate_path(path)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("serve: " + (fmt % args) + "\n")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: serve.py ROOT [EXTRA_ROOT...]")
    root = os.path.abspath(sys.argv[1])
    Handler.extra = {os.path.basename(os.path.abspath(p)): os.path.abspath(p) for p in sys.argv[2:]}
    handler = lambda *a, **kw: Handler(*a, directory=root, **kw)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
