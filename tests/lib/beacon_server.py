#!/usr/bin/env python3
"""beacon_server.py - a local HTTPS NIST beacon for alot-draw beacon's tests.

    beacon_server.py CERT KEY ROOT PORTFILE [--slow SECONDS] [--late-ms MS]

Serves the pulse files of ROOT over TLS on 127.0.0.1 (a free port, written
to PORTFILE once listening), the way NIST's beacon API does, under a base
URL https://127.0.0.1:PORT/MODE/NAME with NAME a folder of ROOT that holds
pulse-<index>.json files (each {"pulse": {...}}, as tests/lib/mkpulse.py
writes them, served byte for byte):

    BASE/chain/C/pulse/N      pulse N of chain C, once published; else 404
    BASE/chain/C/pulse/last   the newest published pulse of chain C

A pulse is published at its timeStamp, like NIST's (a file that does not
parse as a pulse is always published: the malformed pulses of the tests).
MODE changes how:

    files      as said
    late       each pulse published --late-ms (default 1500) after its timeStamp
    slow       every answer waits --slow seconds (default 30) first
    flaky      the first request in this mode is answered 503, then as files
    cutonce    the first request in this mode claims its full length, sends half
               and closes; then as files
"""
import argparse
import calendar
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tls_serve  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("cert")
ap.add_argument("key")
ap.add_argument("root")
ap.add_argument("portfile")
ap.add_argument("--slow", type=float, default=30.0)
ap.add_argument("--late-ms", type=int, default=1500)
args = ap.parse_args()
once_lock = threading.Lock()
once_done = set()  # the modes whose first request was answered


def parse_time(text):
    base, _, frac = text.rstrip("Z").partition(".")
    secs = calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S"))
    return secs * 1000 + (int(frac.ljust(3, "0")[:3]) if frac else 0)


def pulses(folder):
    """{index: (bytes, chain or None, published-at ms)} of a folder's pulse files."""
    out = {}
    for name in os.listdir(folder):
        if not (name.startswith("pulse-") and name.endswith(".json")):
            continue
        try:
            index = int(name[len("pulse-"):-len(".json")])
        except ValueError:
            continue
        with open(os.path.join(folder, name), "rb") as f:
            body = f.read()
        try:
            p = json.loads(body)["pulse"]
            chain, at = int(p["chainIndex"]), parse_time(p["timeStamp"])
        except (ValueError, KeyError, TypeError, AttributeError):
            chain, at = None, 0
        out[index] = (body, chain, at)
    return out


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        sys.stderr.write("%s %s\n" % (self.requestline, fmt % a))

    def answer(self, mode, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "cutonce":
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        else:
            self.wfile.write(body)

    def find(self, mode, name, chain, which):
        folder = os.path.join(args.root, os.path.basename(name))
        if not os.path.isdir(folder):
            return None
        now = time.time() * 1000
        late = args.late_ms if mode == "late" else 0
        published = {i: b for i, (b, c, at) in pulses(folder).items()
                     if (c is None or c == chain) and at + late <= now}
        if which == "last":
            return published[max(published)] if published else None
        return published.get(int(which))

    def do_GET(self):
        # /MODE/NAME/chain/C/pulse/WHICH
        parts = self.path.split("/")
        try:
            if len(parts) != 7 or parts[3] != "chain" or parts[5] != "pulse":
                raise ValueError(self.path)
            mode, name, chain, which = parts[1], parts[2], int(parts[4]), parts[6]
            if mode not in ("files", "late", "slow", "flaky", "cutonce"):
                raise ValueError(mode)
            if which != "last":
                int(which)
        except ValueError:
            self.send_error(404)
            return
        try:
            if mode == "slow":
                time.sleep(args.slow)
            with once_lock:
                first = mode not in once_done
                once_done.add(mode)
            if mode == "flaky" and first:
                self.send_error(503)
                return
            body = self.find(mode, name, chain, which)
            if body is None:
                self.send_error(404)
            else:
                self.answer(mode if mode != "cutonce" or first else "files", body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass


tls_serve.serve(Handler, args.cert, args.key, args.portfile)
