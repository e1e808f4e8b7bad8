#!/usr/bin/env python3
"""live_beacon.py - a live local HTTPS NIST beacon for the draw service's tests.

    live_beacon.py CERT KEY BEACON_KEY BEACON_CERT PORTFILE [--period-ms MS] [--chain C]

Serves, over TLS on 127.0.0.1 (a free port, written to PORTFILE once
listening), a chain of TEST-signed NIST Randomness Beacon 2.0 pulses whose
timeStamps follow the wall clock: pulse N is published at
START + (N - FIRST) * PERIOD, where START is a multiple of the period ten
periods before the server started and FIRST is 1000.  The paths are NIST's,
under any prefix (the tests use BASE=https://127.0.0.1:PORT/beacon/2.0):

    BASE/chain/C/pulse/N      pulse N of chain C once its time has come; else 404
    BASE/chain/C/pulse/last   the newest pulse published

Each answer is {"pulse": {...}} as NIST serves it, made with
tests/lib/mkpulse.py (serialize, output_value, certificate_id, sign_pulse):
signed by BEACON_KEY under BEACON_CERT, chained (previous = the
predecessor's outputValue, precommitmentValue = SHA-512 of the next
pulse's localRandomValue), the same bytes every time it is asked for.
"""
import argparse
import hashlib
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpulse  # noqa: E402
import tls_serve  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("cert")
ap.add_argument("key")
ap.add_argument("beacon_key")
ap.add_argument("beacon_cert")
ap.add_argument("portfile")
ap.add_argument("--period-ms", type=int, default=2000)
ap.add_argument("--chain", type=int, default=2)
args = ap.parse_args()

FIRST = 1000
PERIOD = args.period_ms
START = (int(time.time() * 1000) // PERIOD) * PERIOD - 10 * PERIOD
SEED = hashlib.sha512(b"live beacon %d %d" % (START, os.getpid())).digest()
lock = threading.Lock()
made = {}  # index -> the served bytes
outputs = {}  # index -> outputValue


def rnd(*parts):
    return hashlib.sha512(SEED + repr(parts).encode()).hexdigest().upper()


def time_of(index):
    return START + (index - FIRST) * PERIOD


def make(index):
    """The bytes of pulse index (and of every earlier one not made yet)."""
    for i in range(FIRST, index + 1):
        if i in made:
            continue
        prev = outputs.get(i - 1, rnd("previous", i - 1))
        p = {
            "uri": mkpulse.BASE_URI % (args.chain, i), "version": "2.0", "cipherSuite": 0,
            "period": PERIOD, "certificateId": "", "chainIndex": args.chain,
            "pulseIndex": i, "timeStamp": mkpulse.fmt_time(time_of(i)),
            "localRandomValue": rnd("local", i),
            "external": {"sourceId": "00" * 64, "statusCode": 0, "value": "00" * 64},
            "listValues": [{"type": "previous", "uri": mkpulse.BASE_URI % (args.chain, i - 1), "value": prev}]
            + [{"type": k, "uri": mkpulse.BASE_URI % (args.chain, FIRST), "value": rnd(k, i)}
               for k in ("hour", "day", "month", "year")],
            "precommitmentValue": hashlib.sha512(bytes.fromhex(rnd("local", i + 1))).hexdigest().upper(),
            "statusCode": 0, "signatureValue": "", "outputValue": "",
        }
        mkpulse.sign_pulse(p, args.beacon_key, args.beacon_cert)
        outputs[i] = p["outputValue"]
        made[i] = (json.dumps({"pulse": p}, indent=2) + "\n").encode()
    return made[index]


def published():
    """The newest index whose time has come."""
    return FIRST + (int(time.time() * 1000) - START) // PERIOD


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        sys.stderr.write("%s %s\n" % (self.requestline, fmt % a))

    def do_GET(self):
        parts = self.path.split("?")[0].rstrip("/").split("/")
        try:
            if len(parts) < 5 or parts[-4] != "chain" or parts[-2] != "pulse" or int(parts[-3]) != args.chain:
                raise ValueError
            last = published()
            index = last if parts[-1] == "last" else int(parts[-1])
        except ValueError:
            self.send_error(404)
            return
        if index < FIRST or index > last:
            self.send_error(404)
            return
        with lock:
            body = make(index)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass


with lock:
    make(published())  # the history up to now, before the first request
tls_serve.serve(Handler, args.cert, args.key, args.portfile)
