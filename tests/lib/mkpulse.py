#!/usr/bin/env python3
"""tests/lib/mkpulse.py - TEST-signed NIST Randomness Beacon 2.0 pulses.

Makes pulses in the exact format NIST's beacon serves (NISTIR 8213, cipher
suite 0), signed by a test key that only tests trust.  Python 3 stdlib and
the `openssl` command only.  Everything is deterministic for given
arguments: random values are derived from a hash of the arguments, and RSA
PKCS#1 v1.5 signatures are deterministic.

  mkpulse.py cert DIR
      DIR/beacon-test.key and DIR/beacon-test.pem (self-signed RSA-2048,
      CN=TEST ONLY beacon); prints its certificateId (SHA-512 of the DER).

  mkpulse.py chain --key K --cert C --chain 2 --start-index I
      --start-time 2026-07-16T13:49:00.000Z --count N [--period-ms 60000]
      [--status-at IDX=CODE ...] [--gap-at IDX=MS ...]
      [--new-cert-at IDX --key2 K2 --cert2 C2] --out DIR
      DIR/pulse-<index>.json, each {"pulse": {...}} as NIST serves it:
      previous = the predecessor's outputValue, precommitmentValue =
      SHA-512 of the next pulse's localRandomValue, hour/day/month/year
      the first pulse of that period (when it is one of these pulses).
      --gap-at IDX=MS: pulse IDX comes MS milliseconds after its
      predecessor (status 2 unless --status-at says otherwise).
      --new-cert-at IDX: pulses from IDX on are signed with K2/C2 (status 4).

  mkpulse.py tamper FILE FIELD VALUE [--resign KEY --cert C]
      FILE with FIELD (a dotted path: external.statusCode, listValues.0.value)
      set to VALUE (JSON if it parses as JSON, else a string), on stdout.
      With --resign, certificateId, signatureValue and outputValue are
      made anew with KEY/C, so only the change itself is wrong.

As a module: serialize(pulse) -> bytes, output_value(pulse) -> hex,
certificate_id(pem_path) -> hex, sign_pulse(pulse, key, cert) -> None.
"""
import argparse
import calendar
import hashlib
import json
import os
import struct
import subprocess
import sys
import time

LIST_TYPES = ["previous", "hour", "day", "month", "year"]
BASE_URI = "https://beacon.nist.gov/beacon/2.0/chain/%d/pulse/%d"


def lp(data):
    return struct.pack(">I", len(data)) + data


def serialize(p):
    """The bytes the signature covers (NISTIR 8213, cipher suite 0)."""
    h = bytes.fromhex
    ext = p["external"]
    lists = {v["type"]: v["value"] for v in p["listValues"]}
    out = lp(p["uri"].encode()) + lp(p["version"].encode())
    out += struct.pack(">II", p["cipherSuite"], p["period"])
    out += lp(h(p["certificateId"]))
    out += struct.pack(">QQ", p["chainIndex"], p["pulseIndex"])
    out += lp(p["timeStamp"].encode()) + lp(h(p["localRandomValue"]))
    out += lp(h(ext["sourceId"])) + struct.pack(">I", ext["statusCode"]) + lp(h(ext["value"]))
    for t in LIST_TYPES:
        out += lp(h(lists[t]))
    out += lp(h(p["precommitmentValue"])) + struct.pack(">I", p["statusCode"])
    return out


def output_value(p):
    """SHA-512(serialization || signatureValue): no length prefix (as the real pulses show)."""
    return hashlib.sha512(serialize(p) + bytes.fromhex(p["signatureValue"])).hexdigest().upper()


def run(args, data=None):
    r = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("mkpulse.py: %s failed: %s" % (" ".join(args[:2]), r.stderr.decode(errors="replace")))
    return r.stdout


def certificate_id(pem_path):
    return hashlib.sha512(run(["openssl", "x509", "-in", pem_path, "-outform", "DER"])).hexdigest()


def sign(key, data):
    return run(["openssl", "dgst", "-sha512", "-sign", key], data)


def sign_pulse(p, key, cert):
    """Sets certificateId, signatureValue and outputValue of p."""
    p["certificateId"] = certificate_id(cert)
    p["signatureValue"] = sign(key, serialize(p)).hex().upper()
    p["outputValue"] = output_value(p)


def fmt_time(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def parse_time(text):
    base, _, frac = text.rstrip("Z").partition(".")
    secs = calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S"))
    return secs * 1000 + (int(frac.ljust(3, "0")[:3]) if frac else 0)


def period_start(ms, kind):
    t = time.gmtime(ms // 1000)
    if kind == "hour":
        f = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour)
    elif kind == "day":
        f = (t.tm_year, t.tm_mon, t.tm_mday, 0)
    elif kind == "month":
        f = (t.tm_year, t.tm_mon, 1, 0)
    else:
        f = (t.tm_year, 1, 1, 0)
    return calendar.timegm(f + (0, 0)) * 1000


def cmd_cert(a):
    os.makedirs(a.dir, exist_ok=True)
    key = os.path.join(a.dir, "beacon-test.key")
    pem = os.path.join(a.dir, "beacon-test.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "36500",
         "-subj", "/CN=TEST ONLY beacon", "-keyout", key, "-out", pem])
    os.chmod(key, 0o600)
    print(certificate_id(pem))


def pairs(items):
    return {int(k): int(v) for k, v in (i.split("=", 1) for i in items)}


def first_at(a, times, start, upto):
    """The index of the first pulse at or after start, among the pulses up to upto;
    extrapolated at the period before the first pulse made (never below 1)."""
    first = min(times)
    later = [j for j in range(first, upto + 1) if times[j] >= start]
    if later and later[0] > first:
        return later[0]
    return max(1, first - (times[first] - start) // a.period_ms)


def first_of_period(a, times, i, kind):
    """The first pulse of pulse i's hour (day, month, year), or of the period before
    when pulse i is that first pulse itself."""
    start = period_start(times[i], kind)
    idx = first_at(a, times, start, i)
    if idx == i:
        idx = first_at(a, times, period_start(start - 1, kind), i - 1)
    return idx


def cmd_chain(a):
    shape = [a.chain, a.start_index, a.start_time, a.count, a.period_ms, sorted(a.status_at),
             sorted(a.gap_at), a.new_cert_at]  # not the paths: the same chain wherever it goes
    seed = hashlib.sha512(json.dumps(shape).encode()).digest()
    rnd = lambda *parts: hashlib.sha512(seed + repr(parts).encode()).hexdigest().upper()
    status, gaps = pairs(a.status_at), pairs(a.gap_at)
    first, last = a.start_index, a.start_index + a.count - 1
    times, t = {}, parse_time(a.start_time)
    for i in range(first, last + 1):
        t += gaps.get(i, a.period_ms) if i > first else 0
        times[i] = t
    pulses, prev_out = {}, rnd("previous", first - 1)
    for i in range(first, last + 1):
        p = {
            "uri": BASE_URI % (a.chain, i), "version": "2.0", "cipherSuite": 0,
            "period": a.period_ms, "certificateId": "", "chainIndex": a.chain,
            "pulseIndex": i, "timeStamp": fmt_time(times[i]),
            "localRandomValue": rnd("local", i),
            "external": {"sourceId": "00" * 64, "statusCode": 0, "value": "00" * 64},
            "listValues": [],
            "precommitmentValue": hashlib.sha512(bytes.fromhex(rnd("local", i + 1))).hexdigest().upper(),
            "statusCode": status.get(i, (2 if i in gaps else 0) |
                                     (4 if a.new_cert_at is not None and i == a.new_cert_at else 0)),
            "signatureValue": "", "outputValue": "",
        }
        for kind in LIST_TYPES:
            idx = i - 1 if kind == "previous" else first_of_period(a, times, i, kind)
            val = prev_out if kind == "previous" else (
                pulses[idx]["outputValue"] if idx in pulses else rnd(kind, idx))
            p["listValues"].append({"type": kind, "uri": BASE_URI % (a.chain, idx), "value": val})
        newkey = a.new_cert_at is not None and i >= a.new_cert_at
        sign_pulse(p, a.key2 if newkey else a.key, a.cert2 if newkey else a.cert)
        pulses[i], prev_out = p, p["outputValue"]
    os.makedirs(a.out, exist_ok=True)
    for i, p in pulses.items():
        with open(os.path.join(a.out, "pulse-%d.json" % i), "w") as f:
            json.dump({"pulse": p}, f, indent=2)
            f.write("\n")


def cmd_tamper(a):
    with open(a.file) as f:
        doc = json.load(f)
    try:
        value = json.loads(a.value)
    except ValueError:
        value = a.value
    node, path = doc["pulse"], a.field.split(".")
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(path[-1])] = value
    else:
        node[path[-1]] = value
    if a.resign:
        sign_pulse(doc["pulse"], a.resign, a.cert)
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


def main():
    ap = argparse.ArgumentParser(description="TEST-signed NIST beacon 2.0 pulses")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cert")
    c.add_argument("dir")
    ch = sub.add_parser("chain")
    ch.add_argument("--key", required=True)
    ch.add_argument("--cert", required=True)
    ch.add_argument("--chain", type=int, default=2)
    ch.add_argument("--start-index", type=int, required=True)
    ch.add_argument("--start-time", required=True)
    ch.add_argument("--count", type=int, required=True)
    ch.add_argument("--period-ms", type=int, default=60000)
    ch.add_argument("--status-at", action="append", default=[])
    ch.add_argument("--gap-at", action="append", default=[])
    ch.add_argument("--new-cert-at", type=int)
    ch.add_argument("--key2")
    ch.add_argument("--cert2")
    ch.add_argument("--out", required=True)
    t = sub.add_parser("tamper")
    t.add_argument("file")
    t.add_argument("field")
    t.add_argument("value")
    t.add_argument("--resign")
    t.add_argument("--cert")
    a = ap.parse_args()
    if a.cmd == "chain" and a.new_cert_at is not None and not (a.key2 and a.cert2):
        ap.error("--new-cert-at needs --key2 and --cert2")
    if a.cmd == "tamper" and a.resign and not a.cert:
        ap.error("--resign needs --cert")
    {"cert": cmd_cert, "chain": cmd_chain, "tamper": cmd_tamper}[a.cmd](a)


if __name__ == "__main__":
    main()
