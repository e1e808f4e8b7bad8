#!/usr/bin/env python3
# reimpl.py - an independent second implementation of the ALOT! draw protocol
# (versions 1 and 2, and the NIST beacon rule), written from docs/protocol.md
# ONLY: it shares no code with libalot and was written without reading it.
# Python 3 standard library only (Ed25519 verification is implemented below
# after RFC 8032 section 6), plus the `openssl` command-line tool for the one
# RSA operation (a NIST pulse's PKCS#1 v1.5 SHA-512 signature, section 12.3).
#
#   python3 tests/vectors/reimpl.py [VECTORS_DIR]      (default: <repo>/vectors)
#
# It recomputes every expected value of vectors/v1/*.json and vectors/v2/*.json
# from their inputs, checks their embedded signed records, and runs a verifier
# of published records (docs/protocol.md section 8) over every entry of
# vectors/records*/{valid,invalid}/index.json: valid entries must pass every
# check (none skipped); invalid ones must fail `format` if so labelled, else
# fail exactly the labelled check and no other.  Under a NIST beacon rule
# (vectors/records-beacon/, sections 11 and 12) that includes the form of the
# evidence fields (12.5), the `beacon` check and the seven beacon checks of
# 12.6: the witness policy and its hash; the freeze's log time from its
# tlog-proof (RFC 9162 inclusion of the freeze record's published bytes, the
# signed-note checkpoint signed by the log key, a cosignature/v1 of every
# policy witness, T = the K-th earliest); the pulses' certificates (trusted:
# NIST's, certificate_pem of <VECTORS_DIR>/../../shared/data/nist-beacon/
# chain2-pulses-1862118-1862119.json, plus each entry's "beacon_cert" files),
# serialization, signature and outputValue; their chain and link; the timing
# Q <= T < P; and the value.  A check that lacks what another could not
# establish is SKIP (not a failure).  One line per mismatch, then a summary
# line; exit 0 only if everything agreed (and something was checked).
#
# Functions are named after the sections of docs/protocol.md they implement.

import base64
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

# ----------------------------------------------------------------------------
# Ed25519 signature verification (RFC 8032 section 5.1.7, after the section 6
# reference code).  Verification only: no secret ever enters this file.
# ----------------------------------------------------------------------------

ED_P = 2 ** 255 - 19
ED_Q = 2 ** 252 + 27742317777372353535851937790883648493   # the group order L
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)


def _ed_add(P, Q):
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % ED_P
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % ED_P
    C = 2 * P[3] * Q[3] * ED_D % ED_P
    D = 2 * P[2] * Q[2] % ED_P
    E, F, G, Hh = B - A, D - C, D + C, B + A
    return (E * F % ED_P, G * Hh % ED_P, F * G % ED_P, E * Hh % ED_P)


def _ed_mul(s, P):
    Q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            Q = _ed_add(Q, P)
        P = _ed_add(P, P)
        s >>= 1
    return Q


def _ed_equal(P, Q):
    return ((P[0] * Q[2] - Q[0] * P[2]) % ED_P == 0 and
            (P[1] * Q[2] - Q[1] * P[2]) % ED_P == 0)


def _ed_recover_x(y, sign):
    if y >= ED_P:
        return None
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, ED_P - 2, ED_P) % ED_P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P != 0:
        x = x * ED_SQRT_M1 % ED_P
    if (x * x - x2) % ED_P != 0:
        return None
    if (x & 1) != sign:
        x = ED_P - x
    return x


def _ed_decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _ed_recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % ED_P)


_ED_GY = 4 * pow(5, ED_P - 2, ED_P) % ED_P
_ED_GX = _ed_recover_x(_ED_GY, 0)
ED_B = (_ED_GX, _ED_GY, 1, _ED_GX * _ED_GY % ED_P)
_ed_cache = {}


def ed25519_verify(public, message, signature):
    """RFC 8032 5.1.7: [S]B == R + [k]A, with S < L and R, A valid points."""
    key = (public, message, signature)
    if key in _ed_cache:
        return _ed_cache[key]
    ok = False
    if len(public) == 32 and len(signature) == 64:
        A = _ed_decompress(public)
        R = _ed_decompress(signature[:32])
        s = int.from_bytes(signature[32:], "little")
        if A is not None and R is not None and s < ED_Q:
            k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(),
                               "little") % ED_Q
            ok = _ed_equal(_ed_mul(s, ED_B), _ed_add(R, _ed_mul(k, A)))
    _ed_cache[key] = ok
    return ok


# The DER prefix of an Ed25519 SubjectPublicKeyInfo (OID 1.3.101.112), then 32 bytes.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def read_public_key(path):
    """A PEM SubjectPublicKeyInfo: base64 DER whose last 32 bytes are the raw key."""
    with open(path, "rb") as f:
        lines = f.read().decode("ascii").split("\n")
    body = "".join(l.strip() for l in lines if l.strip() and not l.startswith("-----"))
    der = base64.b64decode(body, validate=True)
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        raise ValueError("%s: not an Ed25519 public key" % path)
    return der[-32:]


# ----------------------------------------------------------------------------
# Section 2. Encoding
# ----------------------------------------------------------------------------

U31_MAX = 2 ** 31 - 1
U32_MAX = 2 ** 32 - 1
U53_MAX = 2 ** 53 - 1


def u32(x):
    return x.to_bytes(4, "big")


def u64(x):
    return x.to_bytes(8, "big")


def LP(b):
    return u32(len(b)) + b


def H(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def tag(name):
    return LP(name.encode("ascii"))


def uuid_bytes(text):
    """A UUID enters hashes as its 16 raw bytes, in the order of its text form."""
    return bytes.fromhex(text.replace("-", ""))


def ascii_bytes(text):
    return text.encode("ascii")


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{6}Z")


def is_leap_year(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def is_timestamp(text):
    """Section 2: YYYY-MM-DDTHH:MM:SS.ffffffZ, a real proleptic Gregorian UTC time."""
    m = TIMESTAMP_RE.fullmatch(text)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups())
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return False
    days = [31, 29 if is_leap_year(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= day <= days[month - 1] and hour <= 23 and minute <= 59 and second <= 59


def is_hex(text, nbytes):
    return re.fullmatch("[0-9a-f]{%d}" % (2 * nbytes), text) is not None


# ----------------------------------------------------------------------------
# Section 3. The server seed and its commitment
# ----------------------------------------------------------------------------

def commitment_v1(room_id, server_seed):
    """3.1"""
    return H(tag("ALOT-v1/commitment"), LP(uuid_bytes(room_id)), LP(server_seed))


def entry_bundles_hash(bundles):
    """3.2: bundles are (amount_cents, tickets) pairs, in the room's order."""
    body = b"".join(u64(cents) + u32(tickets) for cents, tickets in bundles)
    return H(tag("ALOT-v2/entry-bundles"), u32(len(bundles)), body)


def lot_hash(lot):
    """3.2: lot is a dict of the seven terms (entry_bundles_hash as hex)."""
    return H(tag("ALOT-v2/lot"),
             LP(uuid_bytes(lot["room_id"])),
             LP(uuid_bytes(lot["product_class_id"])),
             LP(u64(lot["funding_target_cents"])),
             LP(ascii_bytes(lot["deadline"])),
             LP(ascii_bytes(lot["lot_type"])),
             LP(bytes.fromhex(lot["entry_bundles_hash"])),
             LP(ascii_bytes(lot["beacon_rule"])))


def commitment_v2(lot_h, server_seed):
    """3.2"""
    return H(tag("ALOT-v2/commitment"), LP(lot_h), LP(server_seed))


LOT_TERMS_V2 = ("room_id", "product_class_id", "funding_target_cents", "deadline",
                "lot_type", "entry_bundles_hash", "beacon_rule")


def lot_of(record):
    return {k: record[k] for k in LOT_TERMS_V2}


# ----------------------------------------------------------------------------
# Section 4. The ticket ledger and its Merkle root (RFC 9162 section 2.1)
# ----------------------------------------------------------------------------

def leaf_hash(entry_id, user_id, tickets_start, tickets_end):
    leaf_bytes = uuid_bytes(entry_id) + uuid_bytes(user_id) + u32(tickets_start) + u32(tickets_end)
    return H(b"\x00", leaf_bytes)


def node_hash(left, right):
    return H(b"\x01", left, right)


def entry_leaf_hash(e):
    return leaf_hash(e["entry_id"], e["user_id"], e["tickets_start"], e["tickets_end"])


def _split(n):
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def merkle_tree_hash(leaves):
    """MTH over leaf hashes (the ledger is never empty; MTH({}) = H() per RFC 9162)."""
    n = len(leaves)
    if n == 0:
        return H(b"")
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(merkle_tree_hash(leaves[:k]), merkle_tree_hash(leaves[k:]))


def audit_path(m, leaves):
    """RFC 9162 2.1.3.1 PATH(m, D[n])."""
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return audit_path(m, leaves[:k]) + [merkle_tree_hash(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [merkle_tree_hash(leaves[:k])]


def verify_inclusion(leaf, leaf_index, tree_size, path, root):
    """RFC 9162 2.1.3.2."""
    if len(path) > 64 or leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not (fn & 1 or fn == 0):
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def ledger_shape_problems(entries):
    """Section 4: sorted by tickets_start, covers 1..N exactly, N <= 2^31-1, ids unique."""
    problems, seen, expect = [], set(), 1
    if not entries:
        problems.append("the ledger has no entry")
    for i, e in enumerate(entries):
        if e["tickets_start"] != expect:
            problems.append("entry %d (%s) starts at %d, not %d (%s)" % (
                i, e["entry_id"], e["tickets_start"], expect,
                "gap" if e["tickets_start"] > expect else "overlap"))
        if e["tickets_start"] > e["tickets_end"]:
            problems.append("entry %d (%s) ends before it starts" % (i, e["entry_id"]))
        if e["entry_id"] in seen:
            problems.append("entry id %s repeats (entry %d)" % (e["entry_id"], i))
        seen.add(e["entry_id"])
        expect = e["tickets_end"] + 1
    if entries and entries[-1]["tickets_end"] > U31_MAX:
        problems.append("N = %d exceeds 2^31-1" % entries[-1]["tickets_end"])
    return problems


# ----------------------------------------------------------------------------
# Section 5. The client seed
# ----------------------------------------------------------------------------

BEACON_RULE_RE = re.compile(r"[a-z0-9:=+._-]{1,128}")


NIST_RULE_RE = re.compile(r"nist-beacon-2\.0:chain=(0|[1-9][0-9]*):after=freeze:policy=([0-9a-f]{64})")
U64_MAX = 2 ** 64 - 1


def parse_beacon_rule(rule):
    """5.1 / 12.1: ("none",), ("nist", chain C, policy hash P as bytes), or None (unknown)."""
    if rule == "none":
        return ("none",)
    m = NIST_RULE_RE.fullmatch(rule)
    if m and int(m.group(1)) <= U64_MAX:
        return ("nist", int(m.group(1)), bytes.fromhex(m.group(2)))
    return None


def client_seed_v1(room_id, product_class_id, funding_target_cents, n, entry_count,
                   ledger_root, beacon_rule, beacon_value):
    """5.2"""
    return H(tag("ALOT-v1/client-seed"),
             LP(uuid_bytes(room_id)), LP(uuid_bytes(product_class_id)),
             LP(u64(funding_target_cents)),
             LP(u32(n)), LP(u32(entry_count)),
             LP(ledger_root),
             LP(ascii_bytes(beacon_rule)), LP(beacon_value))


def client_seed_v2(lot_h, n, entry_count, ledger_root, beacon_value):
    """5.3"""
    return H(tag("ALOT-v2/client-seed"), LP(lot_h),
             LP(u32(n)), LP(u32(entry_count)),
             LP(ledger_root), LP(beacon_value))


# ----------------------------------------------------------------------------
# Section 6. The combined seed and the winning ticket
# ----------------------------------------------------------------------------

MAX_TRIES = 1024


def combined_seed(version, server_seed, client_seed, nonce):
    return H(tag("ALOT-v%d/combined-seed" % version), LP(server_seed), LP(client_seed), u32(nonce))


def rejection_limit(n):
    return 2 ** 32 - (2 ** 32 % n)


class DrawFailed(Exception):
    pass


def draw_ticket(version, server_seed, client_seed, n):
    """Section 6: returns (attempts, nonce, combined seed, winning ticket)."""
    if not 1 <= n <= U31_MAX:
        raise DrawFailed("N = %d is not within 1..2^31-1" % n)
    limit = rejection_limit(n)
    attempts = []
    for nonce in range(MAX_TRIES):
        seed = combined_seed(version, server_seed, client_seed, nonce)
        value = int.from_bytes(seed[:4], "big")
        accepted = value < limit
        attempts.append({"accepted": accepted, "combined_seed": seed.hex(),
                         "nonce": nonce, "value": value})
        if accepted:
            return attempts, nonce, seed, value % n + 1
    raise DrawFailed("all %d tries rejected" % MAX_TRIES)


def winner_index(entries, ticket):
    for i, e in enumerate(entries):
        if e["tickets_start"] <= ticket <= e["tickets_end"]:
            return i
    return None


# ----------------------------------------------------------------------------
# Section 7.1. Form, signatures and record hashes
# ----------------------------------------------------------------------------

RECORD_LIMIT = 262144      # bytes of published form, without the "\n"
LEDGER_LINE_LIMIT = 512


class Malformed(Exception):
    """The `format` check fails: section 7.1 and the field forms of 7.2-7.6."""


def published_form(obj):
    """Keys sorted by their bytes, no whitespace, shortest integers, no escapes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _reject_float(text):
    raise Malformed("a float: %s" % text)


def _reject_constant(text):
    raise Malformed("a non-JSON constant: %s" % text)


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise Malformed("key %r appears twice" % k)
        obj[k] = v
    return obj


def parse_published(data, limit=RECORD_LIMIT):
    """Parse bytes that must be exactly the published form of a JSON value."""
    if len(data) > limit:
        raise Malformed("%d bytes, over the limit of %d" % (len(data), limit))
    try:
        text = data.decode("ascii")
        obj = json.loads(text, parse_float=_reject_float, parse_constant=_reject_constant,
                         object_pairs_hook=_no_duplicate_keys)
    except Malformed:
        raise
    except (UnicodeDecodeError, ValueError) as e:
        raise Malformed("not JSON: %s" % e)
    if published_form(obj) != data:
        raise Malformed("not in published form (whitespace, key order, escapes or number form)")
    return obj


def strip_one_newline(data):
    """A record file is the published form plus one "\\n" (which the last line may omit)."""
    return data[:-1] if data.endswith(b"\n") else data


# Field forms.  Each is a function value -> None (fine) or a problem.
def _is_int(v):
    return type(v) is int


def f_uint(maximum):
    def check(v):
        if not _is_int(v):
            return "not an integer"
        if not 0 <= v <= maximum:
            return "integer %d out of 0..%d" % (v, maximum)
        return None
    return check


def f_hex(nbytes):
    def check(v):
        if type(v) is not str or not is_hex(v, nbytes):
            return "not %d lowercase hex digits" % (2 * nbytes)
        return None
    return check


def f_uuid(v):
    return None if type(v) is str and UUID_RE.fullmatch(v) else "not a lowercase canonical UUID"


def f_timestamp(v):
    return None if type(v) is str and is_timestamp(v) else "not a timestamp of section 2"


def f_beacon_rule(v):
    return None if type(v) is str and BEACON_RULE_RE.fullmatch(v) else "not a beacon rule text (5.1)"


def f_beacon_value(v):
    if type(v) is not str or re.fullmatch(r"(?:[0-9a-f]{2}){0,64}", v) is None:
        return "not lowercase hex of 0 to 64 bytes"
    return None


def f_lot_type(v):
    return None if v in ("known", "mystery") and type(v) is str else "lot type not known or mystery"


def f_const(value):
    def check(v):
        return None if type(v) is type(value) and v == value else "must be %r" % (value,)
    return check


def b64_strict(text):
    """Standard base64 with padding (RFC 4648 section 4), in its one canonical spelling."""
    if type(text) is not str or re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) is None or len(text) % 4:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


EVIDENCE_LIMIT, POLICY_LIMIT = 16384, 4096


def f_base64(limit):
    def check(v):
        data = b64_strict(v)
        if data is None:
            return "not strict standard base64 (with padding)"
        if len(data) > limit:
            return "decodes to %d bytes, over %d" % (len(data), limit)
        return None
    return check


def f_hash_list(v):
    if type(v) is not list:
        return "not an array"
    if len(v) > 64:
        return "more than 64 hashes"
    for h in v:
        if f_hex(32)(h):
            return "an element is not a hash"
    return None


F_U32, F_U53 = f_uint(U32_MAX), f_uint(U53_MAX)
F_HASH, F_SEED, F_KEY_ID, F_SIG = f_hex(32), f_hex(32), f_hex(8), f_hex(64)

ATTEMPT_FIELDS = {"accepted": lambda v: None if type(v) is bool else "not a boolean",
                  "combined_seed": F_HASH, "nonce": F_U32, "value": F_U32}


def f_attempts(v):
    if type(v) is not list or not 1 <= len(v) <= MAX_TRIES:
        return "not an array of 1 to 1024 tries"
    for a in v:
        p = fields_problem(a, ATTEMPT_FIELDS)
        if p:
            return "a try: " + p
    return None


class Optional:
    """A field a record may omit (the beacon evidence of 12.5); its form when present."""

    def __init__(self, check):
        self.check = check


def fields_problem(obj, schema):
    if type(obj) is not dict:
        return "not an object"
    missing = sorted(k for k in schema if k not in obj and not isinstance(schema[k], Optional))
    unknown = sorted(set(obj) - set(schema))
    if missing:
        return "missing field(s) %s" % ", ".join(missing)
    if unknown:
        return "unknown field(s) %s" % ", ".join(unknown)
    for k in sorted(schema):
        if k not in obj:
            continue
        check = schema[k].check if isinstance(schema[k], Optional) else schema[k]
        p = check(obj[k])
        if p:
            return "%s: %s" % (k, p)
    return None


SIGNED = {"key_id": F_KEY_ID, "signature": F_SIG}
LOT_V2 = {"product_class_id": f_uuid, "funding_target_cents": F_U53, "deadline": f_timestamp,
          "lot_type": f_lot_type, "entry_bundles_hash": F_HASH}

# 7.2
COMMITMENT_V1 = dict(SIGNED, room_id=f_uuid, commitment=F_HASH, beacon_rule=f_beacon_rule,
                     committed_at=f_timestamp)
COMMITMENT_V2 = dict(COMMITMENT_V1, **LOT_V2)
# 7.3
DRAW_V1 = dict(SIGNED, room_id=f_uuid, product_class_id=f_uuid, funding_target_cents=F_U53,
               total_tickets=F_U32, entry_count=F_U32, ledger_root=F_HASH,
               beacon_rule=f_beacon_rule, beacon_value=f_beacon_value, commitment=F_HASH,
               server_seed=F_SEED, client_seed=F_HASH, attempts=f_attempts, nonce=F_U32,
               combined_seed=F_HASH, winning_ticket=F_U32, winner_entry_id=f_uuid,
               winner_user_id=f_uuid, winner_tickets_start=F_U32, winner_tickets_end=F_U32,
               winner_leaf_index=F_U32, winner_proof=f_hash_list, committed_at=f_timestamp,
               funded_at=f_timestamp, drawn_at=f_timestamp)
DRAW_V2 = dict(DRAW_V1, deadline=f_timestamp, lot_type=f_lot_type, entry_bundles_hash=F_HASH,
               frozen_at=f_timestamp, freeze_record_hash=F_HASH,
               # 12.5: present exactly under a NIST rule (the `beacon` check's), strict base64
               beacon_pulse=Optional(f_base64(EVIDENCE_LIMIT)),
               beacon_previous_pulse=Optional(f_base64(EVIDENCE_LIMIT)),
               freeze_log_proof=Optional(f_base64(EVIDENCE_LIMIT)),
               witness_policy=Optional(f_base64(POLICY_LIMIT)))
# 7.4
FREEZE_V2 = dict(SIGNED, **LOT_V2, room_id=f_uuid, beacon_rule=f_beacon_rule, commitment=F_HASH,
                 total_tickets=F_U32, entry_count=F_U32, ledger_root=F_HASH,
                 committed_at=f_timestamp, funded_at=f_timestamp, frozen_at=f_timestamp)

RECORD_SCHEMAS = {("alot.commitment", 1): COMMITMENT_V1, ("alot.commitment", 2): COMMITMENT_V2,
                  ("alot.draw", 1): DRAW_V1, ("alot.draw", 2): DRAW_V2,
                  ("alot.freeze", 2): FREEZE_V2}
# 7.5, 7.6
LEDGER_ENTRY = {"entry_id": f_uuid, "tickets_end": F_U32, "tickets_start": F_U32, "user_id": f_uuid}
VERSIONS = {1, 2}


def typed_schema(obj, schemas):
    """Dispatch on "type" and "version": unknown ones are malformed."""
    if type(obj) is not dict:
        raise Malformed("not an object")
    t, v = obj.get("type"), obj.get("version")
    if "type" not in obj or "version" not in obj:
        raise Malformed("no %s field" % ("type" if "type" not in obj else "version"))
    if type(t) is not str or type(v) is not int:
        raise Malformed("type or version of the wrong JSON type")
    schema = schemas.get((t, v))
    if schema is None:
        raise Malformed("unknown type/version %r/%r" % (t, v))
    schema = dict(schema, type=f_const(t), version=f_const(v))
    p = fields_problem(obj, schema)
    if p:
        raise Malformed(p)
    return obj


def parse_record(data):
    """The `format` check of a record file's bytes: returns (record, published bytes)."""
    published = strip_one_newline(data)
    rec = typed_schema(parse_published(published), RECORD_SCHEMAS)
    return rec, published


def parse_ledger_file(data):
    """7.5: returns (header, entries); every line in published form, 512 bytes at most."""
    lines = strip_one_newline(data).split(b"\n")
    header_schemas = {("alot.ledger", v): {"entry_count": F_U32, "ledger_root": F_HASH,
                                           "room_id": f_uuid, "total_tickets": F_U32}
                      for v in VERSIONS}
    header = typed_schema(parse_published(lines[0], LEDGER_LINE_LIMIT), header_schemas)
    entries = []
    for i, line in enumerate(lines[1:], 1):
        try:
            e = parse_published(line, LEDGER_LINE_LIMIT)
        except Malformed as err:
            raise Malformed("line %d: %s" % (i + 1, err))
        p = fields_problem(e, LEDGER_ENTRY)
        if p:
            raise Malformed("line %d: %s" % (i + 1, p))
        entries.append(e)
    return header, entries


def parse_proof_file(data):
    """7.6"""
    schemas = {("alot.inclusion-proof", v): dict(LEDGER_ENTRY, audit_path=f_hash_list,
                                                 entry_count=F_U32, leaf_index=F_U32,
                                                 ledger_root=F_HASH, room_id=f_uuid)
               for v in VERSIONS}
    return typed_schema(parse_published(strip_one_newline(data)), schemas)


def canonical_form(record):
    """The published form without the signature field."""
    return published_form({k: v for k, v in record.items() if k != "signature"})


def signed_message(record):
    return tag("ALOT-v%d/record-signature" % record["version"]) + canonical_form(record)


def key_id(public_key):
    return H(tag("ALOT-v1/key-id"), LP(public_key))[:8].hex()


def record_hash(published):
    return H(tag("ALOT-v2/record"), published)


def is_validly_signed(record, public_key):
    return (record["key_id"] == key_id(public_key) and
            ed25519_verify(public_key, signed_message(record), bytes.fromhex(record["signature"])))


# ----------------------------------------------------------------------------
# Section 8. Verification
# ----------------------------------------------------------------------------

class Given:
    """What a verifier is given besides the record: the key, companion files (bytes) and
    the beacon certificates it trusts ({certificateId: DER}, section 12.6)."""

    def __init__(self, key, commitment=None, freeze=None, ledger=None, proof=None,
                 entry=None, others=(), beacon_certs=None):
        self.key, self.commitment, self.freeze = key, commitment, freeze
        self.ledger, self.proof, self.entry, self.others = ledger, proof, entry, list(others)
        self.beacon_certs = dict(beacon_certs or {})


class Skip:
    """A check that could not run: what it needs, another check could not establish (12.6)."""

    def __init__(self, reason):
        self.reason = reason


BEACON_EVIDENCE = ("beacon_pulse", "beacon_previous_pulse", "freeze_log_proof", "witness_policy")


def check_beacon(r, g):
    """Section 8 and 12.6: the rule is known, the value fits it, the evidence is there
    exactly under a NIST rule (draw records: only they carry a value)."""
    rule = parse_beacon_rule(r["beacon_rule"])
    if rule is None:
        return ["unknown beacon rule %r" % r["beacon_rule"]]
    if rule[0] == "nist" and r["version"] != 2:
        return ["beacon rule %r is of protocol 2 only" % r["beacon_rule"]]
    if r["type"] != "alot.draw":
        return []
    out, value = [], bytes.fromhex(r["beacon_value"])
    present = [f for f in BEACON_EVIDENCE if f in r]
    if rule[0] == "none":
        if value:
            out.append("rule none takes an empty beacon value, not %d bytes" % len(value))
        if present:
            out.append("rule none, yet the record has %s" % ", ".join(present))
    else:
        if len(value) != 64:
            out.append("a NIST rule's beacon value is 64 bytes, not %d" % len(value))
        missing = [f for f in BEACON_EVIDENCE if f not in r]
        if missing:
            out.append("a NIST rule, and no %s" % ", ".join(missing))
    return out


def check_signature(r, g):
    out = []
    if r["key_id"] != key_id(g.key):
        out.append("key_id %s is not the given key's (%s)" % (r["key_id"], key_id(g.key)))
    elif not ed25519_verify(g.key, signed_message(r), bytes.fromhex(r["signature"])):
        out.append("the signature does not verify over the canonical form")
    return out


def record_lot_hash(r):
    return lot_hash(lot_of(r))


def check_commitment(r, g):
    seed = bytes.fromhex(r["server_seed"])
    if r["version"] == 1:
        c = commitment_v1(r["room_id"], seed)
    else:
        c = commitment_v2(record_lot_hash(r), seed)
    return [] if c.hex() == r["commitment"] else ["recomputed %s, record has %s" % (c.hex(), r["commitment"])]


def recomputed_client_seed(r):
    root, beacon = bytes.fromhex(r["ledger_root"]), bytes.fromhex(r["beacon_value"])
    if r["version"] == 1:
        return client_seed_v1(r["room_id"], r["product_class_id"], r["funding_target_cents"],
                              r["total_tickets"], r["entry_count"], root, r["beacon_rule"], beacon)
    return client_seed_v2(record_lot_hash(r), r["total_tickets"], r["entry_count"], root, beacon)


def check_client_seed(r, g):
    cs = recomputed_client_seed(r).hex()
    return [] if cs == r["client_seed"] else ["recomputed %s, record has %s" % (cs, r["client_seed"])]


def check_combined_seed(r, g):
    out, seed, cs = [], bytes.fromhex(r["server_seed"]), recomputed_client_seed(r)
    for i, a in enumerate(r["attempts"]):
        if a["nonce"] != i:
            out.append("try %d has nonce %d" % (i, a["nonce"]))
        want = combined_seed(r["version"], seed, cs, i).hex()
        if a["combined_seed"] != want:
            out.append("try %d: combined seed %s, recomputed %s" % (i, a["combined_seed"], want))
    if r["combined_seed"] != r["attempts"][-1]["combined_seed"]:
        out.append("combined_seed %s is not the last try's %s" % (
            r["combined_seed"], r["attempts"][-1]["combined_seed"]))
    return out


def check_rejection_sampling(r, g):
    n = r["total_tickets"]
    if not 1 <= n <= U31_MAX:
        return ["N = %d is not within 1..2^31-1" % n]
    out, limit, attempts = [], rejection_limit(n), r["attempts"]
    for i, a in enumerate(attempts):
        value = int.from_bytes(bytes.fromhex(a["combined_seed"])[:4], "big")
        if a["value"] != value:
            out.append("try %d: value %d, its seed gives %d" % (i, a["value"], value))
        if a["accepted"] != (a["value"] < limit):
            out.append("try %d: verdict %s, but value %d %s limit %d" % (
                i, a["accepted"], a["value"], "<" if a["value"] < limit else ">=", limit))
        if a["accepted"] and i != len(attempts) - 1:
            out.append("try %d is accepted but not the last" % i)
    if not attempts[-1]["accepted"]:
        out.append("the last try is not accepted")
    rejections = sum(1 for a in attempts if not a["accepted"])
    if r["nonce"] != rejections:
        out.append("nonce %d, but %d rejection(s)" % (r["nonce"], rejections))
    return out


def check_winning_ticket(r, g):
    try:
        _, _, _, ticket = draw_ticket(r["version"], bytes.fromhex(r["server_seed"]),
                                      recomputed_client_seed(r), r["total_tickets"])
    except DrawFailed as e:
        return [str(e)]
    return [] if ticket == r["winning_ticket"] else [
        "drawn afresh: %d, record has %d" % (ticket, r["winning_ticket"])]


def check_winner_inclusion(r, g):
    out, t = [], r["winning_ticket"]
    if not 1 <= t <= r["total_tickets"]:
        out.append("winning ticket %d is not within 1..%d" % (t, r["total_tickets"]))
    if not r["winner_tickets_start"] <= t <= r["winner_tickets_end"]:
        out.append("the winner's range %d..%d does not hold %d" % (
            r["winner_tickets_start"], r["winner_tickets_end"], t))
    leaf = leaf_hash(r["winner_entry_id"], r["winner_user_id"],
                     r["winner_tickets_start"], r["winner_tickets_end"])
    path = [bytes.fromhex(h) for h in r["winner_proof"]]
    if not verify_inclusion(leaf, r["winner_leaf_index"], r["entry_count"], path,
                            bytes.fromhex(r["ledger_root"])):
        out.append("the winner's leaf and audit path do not lead to ledger_root")
    return out


def check_ledger_shape(r, g):
    if 1 <= r["entry_count"] <= r["total_tickets"] <= U31_MAX:
        return []
    return ["not 1 <= entry_count (%d) <= total_tickets (%d) <= 2^31-1" % (
        r["entry_count"], r["total_tickets"])]


TIMESTAMP_ORDER = ("committed_at", "funded_at", "frozen_at", "drawn_at")


def check_timestamps(r, g):
    present = [k for k in TIMESTAMP_ORDER if k in r]
    return ["%s %s is after %s %s" % (a, r[a], b, r[b])
            for a, b in zip(present, present[1:]) if r[a] > r[b]]


def companion_problems(data, g, what):
    """A companion record 'verifies': it is well-formed and passes its own checks."""
    try:
        rec, published = parse_record(data)
    except Malformed as e:
        return None, None, ["the %s record is malformed: %s" % (what, e)]
    inner = Given(g.key, commitment=g.commitment if what == "freeze" else None)
    failed = failed_checks(verify_record(data, inner))
    return rec, published, ["the %s record fails %s" % (what, ", ".join(failed))] if failed else []


def same_fields(a, b, names, what):
    return ["%s: %s has %r, the record %r" % (k, what, b[k], a[k]) for k in names if a.get(k) != b.get(k)]


def check_commitment_record(r, g):
    c, _, out = companion_problems(g.commitment, g, "commitment")
    if c is None:
        return out
    if c["type"] != "alot.commitment":
        return out + ["the given commitment record is a %s" % c["type"]]
    lot = ("room_id", "beacon_rule") if r["version"] == 1 else LOT_TERMS_V2
    names = ("version",) + lot + ("commitment", "committed_at", "key_id")
    return out + same_fields(r, c, names, "the commitment record")


def check_freeze_record(r, g):
    f, published, out = companion_problems(g.freeze, g, "freeze")
    if f is None:
        return out
    if f["type"] != "alot.freeze":
        return out + ["the given freeze record is a %s" % f["type"]]
    h = record_hash(published).hex()
    if h != r["freeze_record_hash"]:
        out.append("its record hash is %s, freeze_record_hash %s" % (h, r["freeze_record_hash"]))
    names = LOT_TERMS_V2 + ("commitment", "total_tickets", "entry_count", "ledger_root",
                            "committed_at", "funded_at", "frozen_at", "key_id")
    return out + same_fields(r, f, names, "the freeze record")


def check_ledger(r, g):
    try:
        header, entries = parse_ledger_file(g.ledger)
    except Malformed as e:
        return ["the ledger file is malformed: %s" % e]
    out = same_fields(r, header, ("version", "entry_count", "ledger_root", "room_id", "total_tickets"),
                      "the ledger header")
    out += ledger_shape_problems(entries)
    n = r["total_tickets"]
    if entries and entries[-1]["tickets_end"] != n:
        out.append("the ledger covers 1..%d, not 1..%d" % (entries[-1]["tickets_end"], n))
    if len(entries) != r["entry_count"]:
        out.append("%d entries, entry_count %d" % (len(entries), r["entry_count"]))
    root = merkle_tree_hash([entry_leaf_hash(e) for e in entries]).hex()
    if root != r["ledger_root"]:
        out.append("the ledger hashes to %s, not ledger_root %s" % (root, r["ledger_root"]))
    i = r["winner_leaf_index"]
    winner = {"entry_id": r["winner_entry_id"], "user_id": r["winner_user_id"],
              "tickets_start": r["winner_tickets_start"], "tickets_end": r["winner_tickets_end"]}
    if i >= len(entries) or entries[i] != winner:
        out.append("the ledger does not hold the winning entry at index %d" % i)
    return out


def check_proof(r, g):
    try:
        p = parse_proof_file(g.proof)
    except Malformed as e:
        return ["the proof file is malformed: %s" % e]
    out = same_fields(r, p, ("version", "room_id", "ledger_root", "entry_count"), "the proof")
    if p["entry_id"] != g.entry:
        out.append("the proof is of entry %s, not %s" % (p["entry_id"], g.entry))
    if not 1 <= p["tickets_start"] <= p["tickets_end"] <= r["total_tickets"]:
        out.append("tickets %d..%d do not lie within 1..%d" % (
            p["tickets_start"], p["tickets_end"], r["total_tickets"]))
    if not verify_inclusion(entry_leaf_hash(p), p["leaf_index"], r["entry_count"],
                            [bytes.fromhex(h) for h in p["audit_path"]], bytes.fromhex(r["ledger_root"])):
        out.append("the proof's path does not lead to ledger_root")
    return out


def check_equivocation(r, published, g):
    out = []
    for data in g.others:
        try:
            o, o_published = parse_record(data)
        except Malformed:
            continue
        if (o["type"] == r["type"] and o["room_id"] == r["room_id"] and o_published != published
                and is_validly_signed(o, g.key)):
            out.append("another validly signed %s record of room %s" % (r["type"], r["room_id"]))
    return out


# ----------------------------------------------------------------------------
# Section 11. The transparency log: signed notes, checkpoints, cosignatures and
# tlog-proofs (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature, tlog-proof)
# ----------------------------------------------------------------------------

DECIMAL_RE = re.compile(r"0|[1-9][0-9]*")
NOTE_KEY_NAME_RE = re.compile(r"[!-*,-~]+")     # printable ASCII, no space, no "+"
SIG_ED25519, SIG_COSIGNATURE_V1 = 0x01, 0x04


def note_key_id(name, sig_type, public):
    """signed-note: SHA-256(key name || 0x0A || signature type || public key)[:4]."""
    return hashlib.sha256(name.encode("ascii") + b"\n" + bytes([sig_type]) + public).digest()[:4]


def parse_vkey(text, sig_type):
    """signed-note verifier key <name>+<hex key id>+<base64(type || key)>: (name, id, key)."""
    parts = text.split("+")
    if len(parts) != 3:
        raise Malformed("vkey %r is not name+id+key" % text)
    name, kid, material = parts[0], parts[1], b64_strict(parts[2])
    if not NOTE_KEY_NAME_RE.fullmatch(name):
        raise Malformed("vkey %r: key name not allowed" % text)
    if re.fullmatch(r"[0-9a-f]{8}", kid) is None:
        raise Malformed("vkey %r: key id is not 8 lowercase hex digits" % text)
    if material is None or len(material) != 33 or material[0] != sig_type:
        raise Malformed("vkey %r: not a type 0x%02x Ed25519 key" % (text, sig_type))
    public = material[1:]
    if note_key_id(name, sig_type, public).hex() != kid:
        raise Malformed("vkey %r: key id is not SHA-256(name || LF || type || key)[:4]" % text)
    return name, bytes.fromhex(kid), public


def parse_tlog_proof(data):
    """tlog-proof@v1 without an extra line: (index, [hashes], checkpoint note text,
    [(key name, signature bytes)]); the checkpoint has no extension lines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the proof is not UTF-8")
    if re.search(r"[\x00-\x09\x0b-\x1f]", text):
        raise Malformed("the proof holds a control character")
    if not text.endswith("\n"):
        raise Malformed("the proof does not end with a newline")
    lines = text[:-1].split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Malformed("the first line is not c2sp.org/tlog-proof@v1")
    if len(lines) < 2 or not lines[1].startswith("index ") or not DECIMAL_RE.fullmatch(lines[1][6:]):
        raise Malformed("no index line right after the header (an extra line is not allowed)")
    index, i, path = int(lines[1][6:]), 2, []
    while i < len(lines) and lines[i] != "":
        h = b64_strict(lines[i])
        if h is None or len(h) != 32:
            raise Malformed("inclusion proof line %r is not a base64 SHA-256 hash" % lines[i])
        path.append(h)
        i += 1
    if len(path) > 64:
        raise Malformed("an inclusion proof of more than 64 hashes")
    ckpt = lines[i + 1:]
    if i >= len(lines) or len(ckpt) < 5:
        raise Malformed("no checkpoint after the inclusion proof and an empty line")
    origin, size, root_b64, blank, sig_lines = ckpt[0], ckpt[1], ckpt[2], ckpt[3], ckpt[4:]
    if origin == "" or blank != "":
        raise Malformed("the checkpoint is not origin, size, root, an empty line, signatures "
                        "(no extension lines)")
    if not DECIMAL_RE.fullmatch(size) or int(size) > U64_MAX:
        raise Malformed("checkpoint tree size %r is not a decimal" % size)
    root = b64_strict(root_b64)
    if root is None or len(root) != 32:
        raise Malformed("checkpoint root %r is not a base64 SHA-256 hash" % root_b64)
    sigs = []
    for line in sig_lines:
        m = re.fullmatch("\u2014 ([^ +]+) ([A-Za-z0-9+/=]+)", line)
        sig = b64_strict(m.group(2)) if m else None
        if sig is None or len(sig) < 4:
            raise Malformed("signature line %r is not '\u2014 name base64'" % line)
        sigs.append((m.group(1), sig))
    note_text = "%s\n%s\n%s\n" % (origin, size, root_b64)
    return index, path, {"origin": origin, "size": int(size), "root": root,
                         "text": note_text.encode("utf-8")}, sigs


# ----------------------------------------------------------------------------
# Section 12. The beacon rule: NIST Randomness Beacon 2.0
# ----------------------------------------------------------------------------

def parse_witness_policy(data):
    """12.1: {"log": (name, id, key), "witnesses": [...], "quorum": K}, or Malformed."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise Malformed("the policy is not ASCII")
    if not text.endswith("\n"):
        raise Malformed("the policy does not end with a LF after quorum")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0].startswith("log ") or not lines[-1].startswith("quorum "):
        raise Malformed("the policy is not a log line, witness lines and a quorum line")
    log = parse_vkey(lines[0][4:], SIG_ED25519)
    witnesses = []
    for line in lines[1:-1]:
        if not line.startswith("witness "):
            raise Malformed("policy line %r is not a witness line" % line)
        witnesses.append(parse_vkey(line[8:], SIG_COSIGNATURE_V1))
    if not 1 <= len(witnesses) <= 16:
        raise Malformed("%d witnesses, not 1 to 16" % len(witnesses))
    keys = [log] + witnesses
    if len({k[0] for k in keys}) != len(keys) or len({k[2] for k in keys}) != len(keys):
        raise Malformed("a key or a name appears twice")
    q = lines[-1][7:]
    if not DECIMAL_RE.fullmatch(q) or not 1 <= int(q) <= len(witnesses):
        raise Malformed("quorum %r is not 1 to %d" % (q, len(witnesses)))
    return {"log": log, "witnesses": witnesses, "quorum": int(q)}


def witness_policy_hash(text):
    """12.1: P = H( LP("ALOT-v2/witness-policy") || LP(policy text) )."""
    return H(tag("ALOT-v2/witness-policy"), LP(text))


PULSE_TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,3}))?Z")
PULSE_LIST_TYPES = ("previous", "hour", "day", "month", "year")
_EPOCH_ORDINAL = 719163    # date(1970, 1, 1).toordinal()


def pulse_time_ms(text):
    """A pulse timeStamp, YYYY-MM-DDTHH:MM:SS.sssZ (UTC), in milliseconds since the epoch."""
    m = PULSE_TIME_RE.fullmatch(text)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(x) for x in m.groups()[:6])
    fraction = m.group(7) or ""
    ms = int((fraction + "00")[:3]) if fraction else 0
    try:
        day = datetime.date(y, mo, d).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    if h > 23 or mi > 59 or sec > 59:
        return None
    return ((day * 24 + h) * 60 + mi) * 60000 + sec * 1000 + ms


def _hex_bytes(v, what, nbytes=None):
    if type(v) is not str or re.fullmatch(r"(?:[0-9a-fA-F]{2})+", v) is None:
        raise Malformed("%s is not hex" % what)
    b = bytes.fromhex(v)
    if nbytes is not None and len(b) != nbytes:
        raise Malformed("%s is %d bytes, not %d" % (what, len(b), nbytes))
    return b


def _uint(v, what, maximum):
    if type(v) is not int or not 0 <= v <= maximum:
        raise Malformed("%s is not an integer of 0..%d" % (what, maximum))
    return v


def _text(v, what):
    if type(v) is not str:
        raise Malformed("%s is not a string" % what)
    return v


PULSE_KEYS = {"uri", "version", "cipherSuite", "period", "certificateId", "chainIndex", "pulseIndex",
              "timeStamp", "localRandomValue", "external", "listValues", "precommitmentValue",
              "statusCode", "signatureValue", "outputValue"}


def parse_pulse(data):
    """12.3 / NISTIR 8213: a pulse as NIST's API serves it, {"pulse": {...}}, into its fields
    and its serialization; Malformed if it is not a well-formed 2.0 pulse object."""
    try:
        obj = json.loads(data.decode("utf-8"), parse_float=_reject_float,
                         parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except Malformed:
        raise
    except (UnicodeDecodeError, ValueError) as e:
        raise Malformed("not JSON: %s" % e)
    if type(obj) is not dict or set(obj) != {"pulse"} or type(obj["pulse"]) is not dict:
        raise Malformed('not {"pulse": {...}}')
    p = obj["pulse"]
    # 12.3: every field of the format; others are ignored (NIST may add some).
    if not PULSE_KEYS <= set(p):
        raise Malformed("pulse fields: missing %s" % sorted(PULSE_KEYS - set(p)))
    ext = p["external"]
    if type(ext) is not dict or set(ext) != {"sourceId", "statusCode", "value"}:
        raise Malformed("external is not {sourceId, statusCode, value}")
    lv = p["listValues"]
    if (type(lv) is not list or len(lv) != 5 or any(type(x) is not dict or set(x) != {"type", "uri", "value"}
                                                    for x in lv)):
        raise Malformed("listValues is not five {type, uri, value}")
    by_type = {x["type"]: x["value"] for x in lv if type(x["type"]) is str}
    if sorted(by_type) != sorted(PULSE_LIST_TYPES):
        raise Malformed("listValues types are not previous, hour, day, month, year once each")
    f = {"uri": _text(p["uri"], "uri"), "version": _text(p["version"], "version"),
         "cipherSuite": _uint(p["cipherSuite"], "cipherSuite", U32_MAX),
         "period": _uint(p["period"], "period", U32_MAX),
         "certificateId": _hex_bytes(p["certificateId"], "certificateId", 64),
         "chainIndex": _uint(p["chainIndex"], "chainIndex", 2 ** 63 - 1),
         "pulseIndex": _uint(p["pulseIndex"], "pulseIndex", 2 ** 63 - 1),
         "timeStamp": _text(p["timeStamp"], "timeStamp"),
         "localRandomValue": _hex_bytes(p["localRandomValue"], "localRandomValue", 64),
         "external.sourceId": _hex_bytes(ext["sourceId"], "external.sourceId", 64),
         "external.statusCode": _uint(ext["statusCode"], "external.statusCode", U32_MAX),
         "external.value": _hex_bytes(ext["value"], "external.value", 64),
         "list": [_hex_bytes(by_type[t], "listValues %s" % t, 64) for t in PULSE_LIST_TYPES],
         "precommitmentValue": _hex_bytes(p["precommitmentValue"], "precommitmentValue", 64),
         "statusCode": _uint(p["statusCode"], "statusCode", U32_MAX),
         "signatureValue": _hex_bytes(p["signatureValue"], "signatureValue"),
         "outputValue": _hex_bytes(p["outputValue"], "outputValue", 64)}
    if len(f["signatureValue"]) > 1024:
        raise Malformed("signatureValue is over 1,024 bytes")
    f["time_ms"] = pulse_time_ms(f["timeStamp"])
    if f["time_ms"] is None:
        raise Malformed("timeStamp %r is not a UTC time to the millisecond" % f["timeStamp"])
    f["serialization"] = b"".join([
        LP(f["uri"].encode("utf-8")), LP(f["version"].encode("utf-8")),
        u32(f["cipherSuite"]), u32(f["period"]), LP(f["certificateId"]),
        u64(f["chainIndex"]), u64(f["pulseIndex"]), LP(f["timeStamp"].encode("utf-8")),
        LP(f["localRandomValue"]), LP(f["external.sourceId"]), u32(f["external.statusCode"]),
        LP(f["external.value"])] + [LP(v) for v in f["list"]] + [
        LP(f["precommitmentValue"]), u32(f["statusCode"])])
    return f


def certificates_of_pem(data):
    """The DER bytes of every CERTIFICATE block of a PEM text."""
    text = data.decode("ascii") if isinstance(data, bytes) else data
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)
    return [base64.b64decode("".join(b.split()), validate=True) for b in blocks]


def certificate_id(der):
    """12.3: certificateId = SHA-512 of the certificate's DER bytes."""
    return hashlib.sha512(der).digest()


_rsa_key_cache, _rsa_verify_cache = {}, {}


def _openssl(args, stdin=None):
    try:
        return subprocess.run(["openssl"] + args, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as e:
        raise RuntimeError("cannot run the openssl command-line tool: %s" % e)


def rsa_sha512_verify(cert_der, message, signature):
    """PKCS#1 v1.5 with SHA-512 by the certificate's key, with the openssl command-line tool."""
    key = (cert_der, message, signature)
    if key in _rsa_verify_cache:
        return _rsa_verify_cache[key]
    if cert_der not in _rsa_key_cache:
        res = _openssl(["x509", "-inform", "DER", "-pubkey", "-noout"], stdin=cert_der)
        if res.returncode != 0:
            raise RuntimeError("openssl x509 cannot read a trusted certificate: %s" %
                               res.stderr.decode(errors="replace").strip())
        _rsa_key_cache[cert_der] = res.stdout
    with tempfile.TemporaryDirectory(prefix="reimpl-") as tmp:
        paths = {}
        for name, content in (("key.pem", _rsa_key_cache[cert_der]), ("msg", message), ("sig", signature)):
            paths[name] = os.path.join(tmp, name)
            with open(paths[name], "wb") as f:
                f.write(content)
        res = _openssl(["dgst", "-sha512", "-verify", paths["key.pem"], "-signature", paths["sig"],
                        paths["msg"]])
    ok = res.returncode == 0 and b"Verified OK" in res.stdout
    _rsa_verify_cache[key] = ok
    return ok


class BeaconEvidence:
    """What the beacon checks of one draw record share: the rule, the decoded evidence and
    what each check establishes for the others (computed once per record)."""

    def __init__(self, r, g):
        rule = parse_beacon_rule(r["beacon_rule"])
        self.chain, self.policy_hash = rule[1], rule[2]
        self.raw = {k: b64_strict(r[k]) if k in r else None for k in BEACON_EVIDENCE}
        self.pulses, self.pulse_problems = {}, {}
        for k, what in (("beacon_pulse", "P"), ("beacon_previous_pulse", "Q")):
            if self.raw[k] is None:
                continue
            try:
                self.pulses[what] = parse_pulse(self.raw[k])
            except Malformed as e:
                self.pulse_problems[what] = "%s (%s) is not a well-formed pulse: %s" % (what, k, e)
        self.policy, self.policy_problem = None, None
        if self.raw["witness_policy"] is not None:
            try:
                self.policy = parse_witness_policy(self.raw["witness_policy"])
            except Malformed as e:
                self.policy_problem = "witness_policy is malformed: %s" % e
        self.policy_ok = (self.policy is not None and
                          witness_policy_hash(self.raw["witness_policy"]) == self.policy_hash)
        self.log_time, self.log_time_problems = None, None

    def need_pulses(self):
        """None if both pulses are well-formed, else why the check cannot run."""
        missing = [k for k in ("beacon_pulse", "beacon_previous_pulse") if self.raw[k] is None]
        if missing:
            return Skip("the record has no %s (beacon)" % ", ".join(missing))
        if self.pulse_problems:
            return Skip("the pulses are not well-formed (beacon-pulse)")
        return None


def beacon_evidence(r, g):
    if getattr(g, "_beacon_for", None) is not r:
        g._beacon_for, g._beacon = r, BeaconEvidence(r, g)
    return g._beacon


def check_beacon_policy(r, g):
    """12.6 beacon-policy: a well-formed policy whose hash is the rule's P."""
    e = beacon_evidence(r, g)
    if e.raw["witness_policy"] is None:
        return Skip("the record has no witness_policy (beacon)")
    if e.policy_problem:
        return [e.policy_problem]
    h = witness_policy_hash(e.raw["witness_policy"])
    if h != e.policy_hash:
        return ["the policy hashes to %s, the rule names %s" % (h.hex(), e.policy_hash.hex())]
    return []


def freeze_log_time(r, g, e):
    """12.2: (T, []) or (None, problems) or a Skip."""
    if g.freeze is None:
        return None, ["the room's freeze record is not given: the freeze has no log time"]
    freeze = strip_one_newline(g.freeze)
    if record_hash(freeze).hex() != r["freeze_record_hash"]:
        return Skip("the given freeze record is not the one freeze_record_hash names (freeze-record)"), None
    if e.raw["freeze_log_proof"] is None:
        return Skip("the record has no freeze_log_proof (beacon)"), None
    if not e.policy_ok:
        return Skip("no witness policy whose hash is the rule's P (beacon-policy)"), None
    if len(freeze) > 65535:
        return None, ["the freeze record is over 65,535 bytes: no log entry"]
    try:
        index, path, ckpt, sigs = parse_tlog_proof(e.raw["freeze_log_proof"])
    except Malformed as err:
        return None, ["freeze_log_proof is not a tlog-proof: %s" % err]
    out = []
    if ckpt["size"] != index + 1:
        out.append("the checkpoint is of size %d, not index + 1 = %d (the beacon checkpoint)" % (
            ckpt["size"], index + 1))
    leaf = H(b"\x00", freeze)
    if not verify_inclusion(leaf, index, ckpt["size"], path, ckpt["root"]):
        out.append("the inclusion proof does not show the freeze record at index %d of the "
                   "checkpoint's tree" % index)
    log_name, log_id, log_key = e.policy["log"]
    if ckpt["origin"] != log_name:
        out.append("the checkpoint's origin %r is not the log key's name %r" % (ckpt["origin"], log_name))
    log_sigs = [s for n, s in sigs if n == log_name and s[:4] == log_id]
    if not log_sigs:
        out.append("the checkpoint has no signature by the log key")
    elif not all(len(s) == 68 and ed25519_verify(log_key, ckpt["text"], s[4:]) for s in log_sigs):
        out.append("the log key's signature on the checkpoint does not verify")
    times = []
    for name, kid, key in e.policy["witnesses"]:
        lines = [s for n, s in sigs if n == name and s[:4] == kid]
        if not lines:
            out.append("witness %s did not cosign the checkpoint" % name)
            continue
        if len(lines) > 1:
            out.append("witness %s cosigned the checkpoint %d times" % (name, len(lines)))
            continue
        s = lines[0]
        t = int.from_bytes(s[4:12], "big") if len(s) == 76 else None
        msg = b"cosignature/v1\ntime %d\n" % t + ckpt["text"] if t is not None else b""
        if t is None or t > 2 ** 63 - 1 or not ed25519_verify(key, msg, s[12:]):
            out.append("witness %s's cosignature does not verify" % name)
            continue
        times.append(t)
    if out:
        return None, out
    return sorted(times)[e.policy["quorum"] - 1], []


def check_beacon_log_time(r, g):
    """12.6 beacon-log-time, and T for beacon-timing."""
    e = beacon_evidence(r, g)
    t, problems = freeze_log_time(r, g, e)
    if isinstance(t, Skip):
        return t
    e.log_time = t
    return problems


def check_beacon_certificate(r, g):
    """12.6 beacon-certificate: both pulses name a trusted certificate."""
    e = beacon_evidence(r, g)
    skip = e.need_pulses()
    if skip:
        return skip
    return ["%s names certificate %s…, which the verifier does not trust" % (
        w, e.pulses[w]["certificateId"].hex()[:16]) for w in ("Q", "P")
        if e.pulses[w]["certificateId"] not in g.beacon_certs]


def check_beacon_pulse(r, g):
    """12.6 beacon-pulse: version 2.0, cipher suite 0, signature and outputValue right."""
    e = beacon_evidence(r, g)
    missing = [k for k in ("beacon_pulse", "beacon_previous_pulse") if e.raw[k] is None]
    if missing:
        return Skip("the record has no %s (beacon)" % ", ".join(missing))
    out, untrusted = [e.pulse_problems[w] for w in ("Q", "P") if w in e.pulse_problems], []
    for w in ("Q", "P"):
        p = e.pulses.get(w)
        if p is None:
            continue
        if p["version"] != "2.0":
            out.append("%s is of version %r, not 2.0" % (w, p["version"]))
        if p["cipherSuite"] != 0:
            out.append("%s is of cipher suite %d, not 0" % (w, p["cipherSuite"]))
        if hashlib.sha512(p["serialization"] + p["signatureValue"]).digest() != p["outputValue"]:
            out.append("%s's outputValue is not SHA-512(serialization || signatureValue)" % w)
        cert = g.beacon_certs.get(p["certificateId"])
        if cert is None:
            untrusted.append(w)
        elif not rsa_sha512_verify(cert, p["serialization"], p["signatureValue"]):
            out.append("%s's signature does not verify with its certificate" % w)
    if not out and untrusted:
        return Skip("the certificate of %s is not trusted (beacon-certificate)" % " and ".join(untrusted))
    return out


def check_beacon_chain(r, g):
    """12.6 beacon-chain: both pulses of chain C, and linked (12.3)."""
    e = beacon_evidence(r, g)
    skip = e.need_pulses()
    if skip:
        return skip
    q, p, out = e.pulses["Q"], e.pulses["P"], []
    for w, x in (("Q", q), ("P", p)):
        if x["chainIndex"] != e.chain:
            out.append("%s is of chain %d, the rule names chain %d" % (w, x["chainIndex"], e.chain))
    if p["pulseIndex"] != q["pulseIndex"] + 1:
        out.append("P's pulseIndex %d is not Q's %d plus one" % (p["pulseIndex"], q["pulseIndex"]))
    if not p["time_ms"] > q["time_ms"]:
        out.append("P's timeStamp %s is not after Q's %s" % (p["timeStamp"], q["timeStamp"]))
    if p["list"][0] != q["outputValue"]:
        out.append("P's previous value is not Q's outputValue")
    if q["precommitmentValue"] != hashlib.sha512(p["localRandomValue"]).digest():
        out.append("Q's precommitmentValue is not SHA-512(P's localRandomValue)")
    if p["statusCode"] & 1:
        out.append("P's statusCode %d marks the start of a chain" % p["statusCode"])
    return out


def check_beacon_timing(r, g):
    """12.6 beacon-timing: Q.timeStamp <= T < P.timeStamp (T from beacon-log-time)."""
    e = beacon_evidence(r, g)
    skip = e.need_pulses()
    if skip:
        return skip
    if e.log_time is None:
        return Skip("the freeze has no log time (beacon-log-time)")
    q, p, t = e.pulses["Q"], e.pulses["P"], e.log_time * 1000
    out = []
    if not q["time_ms"] <= t:
        out.append("Q's timeStamp %s is after the freeze's log time T = %d: P is not the first "
                   "pulse after T" % (q["timeStamp"], e.log_time))
    if not t < p["time_ms"]:
        out.append("P's timeStamp %s is not after the freeze's log time T = %d" % (
            p["timeStamp"], e.log_time))
    return out


def check_beacon_value(r, g):
    """12.6 beacon-value: beacon_value is P's outputValue."""
    e = beacon_evidence(r, g)
    if e.raw["beacon_pulse"] is None:
        return Skip("the record has no beacon_pulse (beacon)")
    if "P" not in e.pulses:
        return Skip("P is not a well-formed pulse (beacon-pulse)")
    if len(r["beacon_value"]) != 128:
        return Skip("the beacon value is not 64 bytes (beacon)")
    if bytes.fromhex(r["beacon_value"]) != e.pulses["P"]["outputValue"]:
        return ["beacon_value is not P's outputValue %s" % e.pulses["P"]["outputValue"].hex()]
    return []


BEACON_CHECKS = (("beacon-policy", check_beacon_policy), ("beacon-log-time", check_beacon_log_time),
                 ("beacon-certificate", check_beacon_certificate), ("beacon-pulse", check_beacon_pulse),
                 ("beacon-chain", check_beacon_chain), ("beacon-timing", check_beacon_timing),
                 ("beacon-value", check_beacon_value))


DRAW_CHECKS = (("beacon", check_beacon), ("signature", check_signature),
               ("commitment", check_commitment), ("client-seed", check_client_seed),
               ("combined-seed", check_combined_seed), ("rejection-sampling", check_rejection_sampling),
               ("winning-ticket", check_winning_ticket), ("winner-inclusion", check_winner_inclusion),
               ("timestamps", check_timestamps))
FREEZE_CHECKS = (("beacon", check_beacon), ("signature", check_signature),
                 ("ledger-shape", check_ledger_shape), ("timestamps", check_timestamps))
COMMITMENT_CHECKS = (("beacon", check_beacon), ("signature", check_signature),
                     ("timestamps", check_timestamps))


def verify_record(data, g):
    """Section 8: {check name: [problems]}; a malformed record fails `format` only."""
    try:
        r, published = parse_record(data)
    except Malformed as e:
        return {"format": [str(e)]}
    result = {"format": []}
    checks = {"alot.draw": DRAW_CHECKS, "alot.freeze": FREEZE_CHECKS,
              "alot.commitment": COMMITMENT_CHECKS}[r["type"]]
    for name, fn in checks:
        result[name] = fn(r, g)
    if r["type"] == "alot.draw" and (parse_beacon_rule(r["beacon_rule"]) or ("",))[0] == "nist":
        for name, fn in BEACON_CHECKS:
            result[name] = fn(r, g)
    if r["type"] in ("alot.draw", "alot.freeze") and g.commitment is not None:
        result["commitment-record"] = check_commitment_record(r, g)
    if r["type"] == "alot.draw" and r["version"] == 2 and g.freeze is not None:
        result["freeze-record"] = check_freeze_record(r, g)
    if r["type"] == "alot.draw" and g.ledger is not None:
        result["ledger"] = check_ledger(r, g)
    if r["type"] == "alot.draw" and g.proof is not None:
        result["proof"] = check_proof(r, g)
    result["equivocation"] = check_equivocation(r, published, g)
    return result


def failed_checks(result):
    return sorted(c for c, problems in result.items() if isinstance(problems, list) and problems)


def skipped_checks(result):
    return sorted(c for c, problems in result.items() if isinstance(problems, Skip))


# ----------------------------------------------------------------------------
# The records of vectors/records*/: index.json entries
# ----------------------------------------------------------------------------

def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def show(result):
    """The failed checks with their problems, then the skipped ones with why."""
    failed = ["%s: %s" % (c, " / ".join(result[c])) for c in failed_checks(result)]
    skipped = ["%s: SKIP: %s" % (c, result[c].reason) for c in skipped_checks(result)]
    return "; ".join(failed or ["none"]) + ("" if not skipped else " (%s)" % "; ".join(skipped))


def run_record_entry(folder, entry, expect_valid, key, report, trusted=None):
    def load(name):
        return read_bytes(os.path.join(folder, entry[name])) if name in entry else None

    main, commitment, freeze = load("record"), load("commitment"), load("freeze")
    given_records = [main] + [x for x in (commitment, freeze) if x is not None] + [
        read_bytes(os.path.join(folder, w)) for w in entry.get("with", [])]
    certs = dict(trusted or {})
    for path in entry.get("beacon_cert", []):
        for der in certificates_of_pem(read_bytes(os.path.join(folder, path))):
            certs[certificate_id(der)] = der

    def given_for(data):
        others = [o for o in given_records if o is not data]
        return Given(key, commitment=commitment if data is not commitment else None,
                     freeze=freeze if data is main else None,
                     ledger=load("ledger") if data is main else None,
                     proof=load("proof") if data is main else None,
                     entry=entry.get("entry"), others=others, beacon_certs=certs)

    name = "%s/%s" % (os.path.basename(folder), entry["record"])
    result = verify_record(main, given_for(main))
    failed = failed_checks(result)
    if expect_valid:
        if failed or skipped_checks(result):
            report("%s: expected to pass every check, failed: %s" % (name, show(result)))
        for label, data in (("commitment", commitment), ("freeze", freeze)):
            if data is not None:
                res = verify_record(data, given_for(data))
                if failed_checks(res) or skipped_checks(res):
                    report("%s: its %s record %s fails: %s" % (name, label, entry[label], show(res)))
        return
    label = entry["check"]
    if label == "format":
        if failed != ["format"]:
            report("%s: expected to be rejected as malformed (format), failed: %s" % (name, show(result)))
    elif failed != [label]:
        report("%s: expected to fail %s and nothing else, failed: %s" % (name, label, show(result)))


NIST_CERT_JSON = os.path.join("shared", "data", "nist-beacon", "chain2-pulses-1862118-1862119.json")


def nist_certificates(vectors_dir):
    """12.6: NIST's certificate, trusted by every beacon record: certificate_pem of the real
    pulses' file, <vectors dir>/../../shared/...; {certificateId: DER}, or raises OSError."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(vectors_dir))), NIST_CERT_JSON)
    try:
        with open(path) as f:
            ders = certificates_of_pem(json.load(f)["certificate_pem"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise OSError("NIST's certificate (certificate_pem of %s) cannot be read: %s" % (path, e))
    if not ders:
        raise OSError("NIST's certificate: %s has no certificate in certificate_pem" % path)
    return {certificate_id(der): der for der in ders}


def run_records(vectors_dir, report):
    count = 0
    for sub in ("records", "records-v2", "records-beacon"):
        folder = os.path.join(vectors_dir, sub)
        trusted = None
        if sub == "records-beacon":
            try:
                trusted = nist_certificates(vectors_dir)
            except OSError as e:
                report("%s: not checked: %s" % (sub, e))
                continue
        key = read_public_key(os.path.join(folder, "pubkey.pem"))
        for kind, expect_valid in (("valid", True), ("invalid", False)):
            with open(os.path.join(folder, kind, "index.json")) as f:
                entries = json.load(f)
            for entry in entries:
                run_record_entry(folder, entry, expect_valid, key, report, trusted)
                count += 1
    return count


# ----------------------------------------------------------------------------
# The vectors of vectors/v1, vectors/v2: recompute every expected value
# ----------------------------------------------------------------------------

def recompute_vector(version, inputs):
    """Every value of "expected", from "inputs" alone, in the vectors' JSON shapes."""
    seed = bytes.fromhex(inputs["server_seed"])
    ledger = inputs["ledger"]
    problems = ledger_shape_problems(ledger)
    if problems:
        raise ValueError("the ledger is refused: " + "; ".join(problems))
    leaves = [entry_leaf_hash(e) for e in ledger]
    root = merkle_tree_hash(leaves)
    n, count = ledger[-1]["tickets_end"], len(ledger)
    beacon = bytes.fromhex(inputs["beacon_value"])
    out = {"leaf_hashes": [h.hex() for h in leaves], "ledger_root": root.hex(),
           "total_tickets": n, "entry_count": count}
    if version == 1:
        out["commitment"] = commitment_v1(inputs["room_id"], seed).hex()
        cs = client_seed_v1(inputs["room_id"], inputs["product_class_id"],
                            inputs["funding_target_cents"], n, count, root,
                            inputs["beacon_rule"], beacon)
    else:
        bundles = [(b["amount_cents"], b["tickets"]) for b in inputs["entry_bundles"]]
        if len(bundles) > 64:
            raise ValueError("more than 64 bundles")
        out["entry_bundles_hash"] = entry_bundles_hash(bundles).hex()
        lot = {k: inputs[k] for k in LOT_TERMS_V2 if k != "entry_bundles_hash"}
        lot["entry_bundles_hash"] = out["entry_bundles_hash"]
        lh = lot_hash(lot)
        out["lot_hash"] = lh.hex()
        out["commitment"] = commitment_v2(lh, seed).hex()
        cs = client_seed_v2(lh, n, count, root, beacon)
    out["client_seed"] = cs.hex()
    out["rejection_limit"] = rejection_limit(n)
    attempts, nonce, cseed, ticket = draw_ticket(version, seed, cs, n)
    out.update(attempts=attempts, nonce=nonce, combined_seed=cseed.hex(), winning_ticket=ticket)
    w = winner_index(ledger, ticket)
    out["winner"] = dict(ledger[w], leaf_index=w)
    out["winner_proof"] = [h.hex() for h in audit_path(w, leaves)]
    return out


def build_records(version, inputs, exp, kid):
    """The records 7.2-7.4 that the inputs and recomputed values make (without signatures)."""
    common = {"room_id": inputs["room_id"], "beacon_rule": inputs["beacon_rule"],
              "commitment": exp["commitment"], "committed_at": inputs["committed_at"],
              "key_id": kid, "version": version}
    lot2 = {}
    if version == 2:
        lot2 = {k: inputs[k] for k in ("product_class_id", "funding_target_cents", "deadline", "lot_type")}
        lot2["entry_bundles_hash"] = exp["entry_bundles_hash"]
    w = exp["winner"]
    records = {"commitment": dict(common, **lot2, type="alot.commitment")}
    records["draw"] = dict(
        common, **lot2, type="alot.draw", total_tickets=exp["total_tickets"],
        entry_count=exp["entry_count"], ledger_root=exp["ledger_root"],
        beacon_value=inputs["beacon_value"], server_seed=inputs["server_seed"],
        client_seed=exp["client_seed"], attempts=exp["attempts"], nonce=exp["nonce"],
        combined_seed=exp["combined_seed"], winning_ticket=exp["winning_ticket"],
        winner_entry_id=w["entry_id"], winner_user_id=w["user_id"],
        winner_tickets_start=w["tickets_start"], winner_tickets_end=w["tickets_end"],
        winner_leaf_index=w["leaf_index"], winner_proof=exp["winner_proof"],
        funded_at=inputs["funded_at"], drawn_at=inputs["drawn_at"])
    records["draw"].update(product_class_id=inputs["product_class_id"],
                           funding_target_cents=inputs["funding_target_cents"])
    if version == 2:
        records["freeze"] = dict(common, **lot2, type="alot.freeze",
                                 total_tickets=exp["total_tickets"], entry_count=exp["entry_count"],
                                 ledger_root=exp["ledger_root"], funded_at=inputs["funded_at"],
                                 frozen_at=inputs["frozen_at"])
        records["draw"].update(frozen_at=inputs["frozen_at"],
                               freeze_record_hash=exp.get("freeze_record_hash"))
    return records


def ledger_file(version, inputs, exp):
    header = {"entry_count": exp["entry_count"], "ledger_root": exp["ledger_root"],
              "room_id": inputs["room_id"], "total_tickets": exp["total_tickets"],
              "type": "alot.ledger", "version": version}
    return b"".join(published_form(x) + b"\n" for x in [header] + inputs["ledger"])


def proof_file(version, inputs, exp, entry_id):
    leaves = [entry_leaf_hash(e) for e in inputs["ledger"]]
    i = [e["entry_id"] for e in inputs["ledger"]].index(entry_id)
    proof = dict(inputs["ledger"][i], audit_path=[h.hex() for h in audit_path(i, leaves)],
                 entry_count=exp["entry_count"], leaf_index=i, ledger_root=exp["ledger_root"],
                 room_id=inputs["room_id"], type="alot.inclusion-proof", version=version)
    return published_form(proof) + b"\n"


def compare(name, what, expected, got, report):
    if expected != got:
        report("%s: %s: expected %s, got %s" % (name, what, json.dumps(expected), json.dumps(got)))


def check_vector_records(name, version, vec, exp, key, vectors_dir, report):
    """The embedded records: fields, published form, signature, key id, record hash."""
    records_dir = os.path.join(vectors_dir, "records" if version == 1 else "records-v2")
    built = build_records(version, vec["inputs"], exp, key_id(key))
    embedded = vec.get("records", {})
    compare(name, "records (types)", sorted(built), sorted(embedded), report)
    published = {}
    for kind, rec in sorted(embedded.items()):
        want = built.get(kind, {})
        for k in sorted(set(want) | set(rec)):
            if k != "signature":
                compare(name, "records.%s.%s" % (kind, k), rec.get(k), want.get(k), report)
        try:
            parse_published(published_form(rec))
            typed_schema(rec, RECORD_SCHEMAS)
        except Malformed as e:
            report("%s: records.%s is malformed: %s" % (name, kind, e))
            continue
        published[kind] = published_form(rec)
        if not is_validly_signed(rec, key):
            report("%s: records.%s: the signature does not verify with %s/pubkey.pem" % (
                name, kind, os.path.basename(records_dir)))
        path = os.path.join(records_dir, "valid", "%s.%s.json" % (vec["name"], kind))
        if not os.path.exists(path) or read_bytes(path) != published[kind] + b"\n":
            report("%s: records.%s: its published form is not the bytes of %s" % (name, kind, path))
    if "draw" not in published:
        return
    # The whole of section 8 over the recomputed ledger and a proof, as a verifier would see them.
    index = os.path.join(records_dir, "valid", "index.json")
    entries = json.loads(read_bytes(index)) if os.path.exists(index) else []
    entry = next((e for e in entries if e.get("record") == "valid/%s.draw.json" % vec["name"]), {})
    lfile = ledger_file(version, vec["inputs"], exp)
    path = os.path.join(records_dir, entry.get("ledger", "?"))
    if not os.path.exists(path) or read_bytes(path) != lfile:
        report("%s: the ledger file the inputs make is not the bytes of %s" % (name, path))
    entry_id = entry.get("entry", exp["winner"]["entry_id"])
    pfile = proof_file(version, vec["inputs"], exp, entry_id)
    path = os.path.join(records_dir, entry.get("proof", "?"))
    if not os.path.exists(path) or read_bytes(path) != pfile:
        report("%s: the proof of %s the inputs make is not the bytes of %s" % (name, entry_id, path))
    g = Given(key, commitment=published.get("commitment", b"") + b"\n",
              freeze=published["freeze"] + b"\n" if "freeze" in published else None,
              ledger=lfile, proof=pfile, entry=entry_id)
    result = verify_record(published["draw"] + b"\n", g)
    for c in failed_checks(result):
        report("%s: records.draw fails %s: %s" % (name, c, " / ".join(result[c])))


def run_vector(path, key, vectors_dir, report):
    with open(path) as f:
        vec = json.load(f)
    version = int(os.path.basename(os.path.dirname(path))[1:])
    name = "v%d/%s" % (version, os.path.basename(path))
    compare(name, "version", version, vec.get("version"), report)
    exp = vec["expected"]
    try:
        got = recompute_vector(version, vec["inputs"])
    except (ValueError, KeyError, DrawFailed) as e:
        report("%s: cannot recompute: %s" % (name, e))
        return
    got["key_id"] = key_id(key)
    if version == 2 and "freeze" in vec.get("records", {}):
        # The one value the inputs alone cannot give: it hashes the freeze record's
        # published bytes, signature included (checked in check_vector_records).
        got["freeze_record_hash"] = record_hash(published_form(vec["records"]["freeze"])).hex()
    for k in sorted(set(exp) | set(got)):
        if k not in exp:
            report("%s: %s: expected (missing), got %s" % (name, k, json.dumps(got[k])))
        elif k not in got:
            report("%s: %s: expected %s, got (not a value of the protocol)" % (name, k, json.dumps(exp[k])))
        else:
            compare(name, k, exp[k], got[k], report)
    check_vector_records(name, version, vec, got, key, vectors_dir, report)


def run_vectors(vectors_dir, report):
    count = 0
    for version, records in ((1, "records"), (2, "records-v2")):
        key = read_public_key(os.path.join(vectors_dir, records, "pubkey.pem"))
        folder = os.path.join(vectors_dir, "v%d" % version)
        for f in sorted(os.listdir(folder)):
            if f.endswith(".json"):
                run_vector(os.path.join(folder, f), key, vectors_dir, report)
                count += 1
    return count


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    vectors_dir = argv[1] if len(argv) > 1 else os.path.join(here, "..", "..", "vectors")
    mismatches = []

    def report(line):
        mismatches.append(line)
        print(line)

    nvec = run_vectors(vectors_dir, report)
    try:
        nrec = run_records(vectors_dir, report)
    except RuntimeError as e:
        print("reimpl: %s" % e)
        return 2
    if mismatches or nvec == 0 or nrec == 0:
        print("reimpl: %d mismatch(es) over %d vectors and %d records" % (len(mismatches), nvec, nrec))
        return 1
    print("reimpl: %d vectors and %d records agree" % (nvec, nrec))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
