"""tests/lib/tlogfix.py - a small, independent transparency-log fixture.

Shared by the tests of alot-witness, alot-verify and alot-draw's log: it
builds RFC 6962 / RFC 9162 trees, proofs, C2SP signed notes, checkpoints
and cosignatures without any of the project's C code, so that a test
checks the C implementation against a second, separate one.  Signing uses
the openssl command line (Ed25519 PEM keys, `openssl pkeyutl -rawin`).

Import it with:
    sys.path.insert(0, os.path.join(os.environ.get("ALOT_SRC", "."), "tests/lib"))
    import tlogfix

Stable API (do not change signatures; add new functions instead):

  Encoding
    b64(data: bytes) -> str                 standard base64 with padding
    unb64(text: str) -> bytes               strict decode (raises ValueError)

  Merkle tree (RFC 6962 section 2.1 / RFC 9162 section 2.1)
    EMPTY_ROOT: bytes                       SHA-256 of the empty string
    leaf_hash(entry: bytes) -> bytes        SHA-256(0x00 || entry)
    node_hash(left, right) -> bytes         SHA-256(0x01 || left || right)
    tree_hash(leaves: list[bytes]) -> bytes MTH over a list of LEAF HASHES
    inclusion_proof(index, leaves) -> list[bytes]
                                            RFC 9162 2.1.3.1 PATH(m, D[n]),
                                            leaves = list of leaf hashes
    consistency_proof(old_size, leaves) -> list[bytes]
                                            RFC 9162 2.1.4.1 PROOF(m, D[n]);
                                            empty when old_size is 0 or n
    verify_inclusion(leaf, index, size, proof, root) -> bool   (2.1.3.2)
    verify_consistency(old_size, size, old_root, root, proof) -> bool
                                                               (2.1.4.2)

  Keys (Ed25519 PEM files)
    ALG_ED25519 = 0x01, ALG_COSIG_V1 = 0x04
    genkey(path) -> None                    `openssl genpkey -algorithm ed25519`,
                                            mode 0600
    raw_pubkey(pem_path) -> bytes           32 raw bytes; pem_path may hold a
                                            private or a public key
    key_id(name, alg, pub) -> bytes         SHA-256(name||"\\n"||alg||pub)[:4]
    vkey(name, alg, pub) -> str             "name+hex8+base64(alg||pub)", no newline
    parse_vkey(text) -> (name, alg, pub)    checks the key id; raises ValueError

  Signatures
    ed25519_sign(pem_path, msg) -> bytes    64-byte signature (private PEM)
    ed25519_verify(pem_path, msg, sig) -> bool
                                            pem_path: private or public PEM

  Notes and checkpoints (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature)
    checkpoint_text(origin, size, root, extensions=()) -> str
                                            "origin\\nsize\\nb64(root)\\n[ext\\n...]"
    sign_line(text, name, pem_path) -> str  "— name b64(keyid||sig)\\n", alg 0x01
    cosign_message(text, timestamp) -> bytes
                                            "cosignature/v1\\ntime T\\n" + text
    cosign_line(text, name, pem_path, timestamp) -> str
                                            "— name b64(keyid||u64be(T)||sig)\\n", alg 0x04
    signed_note(text, lines) -> str         text + "\\n" + "".join(lines)
    parse_sig_line(line) -> (name, key_id: bytes, sig: bytes)
                                            raises ValueError when malformed
    verify_cosign_line(line, text, name, pem_path) -> int | None
                                            the timestamp when line is name's
                                            valid cosignature/v1 of text by the
                                            key in pem_path, else None

  Tree helper
    Log(entries=()) : .append(entry_bytes), .leaves (leaf hashes), .size,
                      .root(size=None), .inclusion(index, size=None),
                      .consistency(old_size, size=None)

Texts are str (UTF-8); every note text ends in a newline.
"""

import base64
import binascii
import hashlib
import os
import struct
import subprocess
import tempfile

ALG_ED25519 = 0x01
ALG_COSIG_V1 = 0x04
EM_DASH = "\u2014"
EMPTY_ROOT = hashlib.sha256(b"").digest()


# ---- encoding ---------------------------------------------------------

def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def unb64(text):
    try:
        out = base64.b64decode(text, validate=True)
    except binascii.Error as e:
        raise ValueError("bad base64: %s" % e)
    if b64(out) != text:
        raise ValueError("non-canonical base64")
    return out


# ---- Merkle tree ------------------------------------------------------

def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + bytes(entry)).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n):
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def tree_hash(leaves):
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def inclusion_proof(index, leaves):
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError("index %d out of range for size %d" % (index, n))
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return inclusion_proof(index, leaves[:k]) + [tree_hash(leaves[k:])]
    return inclusion_proof(index - k, leaves[k:]) + [tree_hash(leaves[:k])]


def _subproof(m, leaves, complete):
    n = len(leaves)
    if m == n:
        return [] if complete else [tree_hash(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], complete) + [tree_hash(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [tree_hash(leaves[:k])]


def consistency_proof(old_size, leaves):
    n = len(leaves)
    if not 0 <= old_size <= n:
        raise ValueError("old size %d out of range for size %d" % (old_size, n))
    if old_size == 0 or old_size == n:
        return []
    return _subproof(old_size, leaves, True)


def verify_inclusion(leaf, index, size, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size, size, old_root, root, proof):
    if old_size > size:
        return False
    if old_size == 0:
        return not proof
    if old_size == size:
        return not proof and old_root == root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:   # a power of two: old_root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == root and sn == 0


class Log:
    """An in-memory log: entries appended in order, proofs at any size."""

    def __init__(self, entries=()):
        self.leaves = []
        for e in entries:
            self.append(e)

    def append(self, entry):
        self.leaves.append(leaf_hash(entry))

    @property
    def size(self):
        return len(self.leaves)

    def root(self, size=None):
        return tree_hash(self.leaves[:self.size if size is None else size])

    def inclusion(self, index, size=None):
        return inclusion_proof(index, self.leaves[:self.size if size is None else size])

    def consistency(self, old_size, size=None):
        return consistency_proof(old_size, self.leaves[:self.size if size is None else size])


# ---- keys and signatures ---------------------------------------------

def _openssl(args, data=None):
    r = subprocess.run(["openssl"] + args, input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r


def genkey(path):
    old = os.umask(0o077)
    try:
        r = _openssl(["genpkey", "-algorithm", "ed25519", "-out", path])
    finally:
        os.umask(old)
    if r.returncode != 0:
        raise RuntimeError("openssl genpkey: %s" % r.stderr.decode(errors="replace"))
    os.chmod(path, 0o600)


def _is_public_pem(pem_path):
    with open(pem_path, "rb") as f:
        return b"-----BEGIN PUBLIC KEY-----" in f.read()


def raw_pubkey(pem_path):
    args = ["pkey", "-in", pem_path, "-outform", "DER"]
    args += ["-pubin"] if _is_public_pem(pem_path) else ["-pubout"]
    r = _openssl(args)
    if r.returncode != 0 or len(r.stdout) < 32:
        raise RuntimeError("openssl pkey: %s" % r.stderr.decode(errors="replace"))
    return r.stdout[-32:]


def key_id(name, alg, pub):
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + pub).digest()[:4]


def vkey(name, alg, pub):
    return "%s+%s+%s" % (name, key_id(name, alg, pub).hex(), b64(bytes([alg]) + pub))


def parse_vkey(text):
    parts = text.strip("\n").split("+", 2)
    if len(parts) != 3 or not parts[0]:
        raise ValueError("malformed vkey")
    name, kid, blob = parts
    raw = unb64(blob)
    if len(raw) != 33:
        raise ValueError("vkey key is not 1 + 32 bytes")
    if key_id(name, raw[0], raw[1:]).hex() != kid:
        raise ValueError("vkey key id does not match its key")
    return name, raw[0], raw[1:]


def _with_file(data, fn):
    fd, path = tempfile.mkstemp(prefix="tlogfix.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return fn(path)
    finally:
        os.unlink(path)


def ed25519_sign(pem_path, msg):
    r = _with_file(msg, lambda p: _openssl(["pkeyutl", "-sign", "-rawin", "-inkey",
                                            pem_path, "-in", p]))
    if r.returncode != 0 or len(r.stdout) != 64:
        raise RuntimeError("openssl pkeyutl -sign: %s" % r.stderr.decode(errors="replace"))
    return r.stdout


def ed25519_verify(pem_path, msg, sig):
    pub = ["-pubin"] if _is_public_pem(pem_path) else []

    def run(mpath):
        return _with_file(sig, lambda spath: _openssl(
            ["pkeyutl", "-verify", "-rawin", "-inkey", pem_path] + pub +
            ["-in", mpath, "-sigfile", spath]))
    return run_ok(_with_file(msg, run))


def run_ok(r):
    return r.returncode == 0


# ---- notes, checkpoints, cosignatures --------------------------------

def checkpoint_text(origin, size, root, extensions=()):
    text = "%s\n%d\n%s\n" % (origin, size, b64(root))
    for e in extensions:
        text += e + "\n"
    return text


def sign_line(text, name, pem_path):
    pub = raw_pubkey(pem_path)
    sig = ed25519_sign(pem_path, text.encode())
    return "%s %s %s\n" % (EM_DASH, name, b64(key_id(name, ALG_ED25519, pub) + sig))


def cosign_message(text, timestamp):
    return ("cosignature/v1\ntime %d\n" % timestamp).encode() + text.encode()


def cosign_line(text, name, pem_path, timestamp):
    pub = raw_pubkey(pem_path)
    sig = ed25519_sign(pem_path, cosign_message(text, timestamp))
    blob = key_id(name, ALG_COSIG_V1, pub) + struct.pack(">Q", timestamp) + sig
    return "%s %s %s\n" % (EM_DASH, name, b64(blob))


def signed_note(text, lines):
    return text + "\n" + "".join(lines)


def parse_sig_line(line):
    line = line.rstrip("\n")
    prefix = EM_DASH + " "
    if not line.startswith(prefix):
        raise ValueError("signature line does not start with an em dash")
    rest = line[len(prefix):]
    name, sep, blob = rest.rpartition(" ")
    if not sep or not name or " " in name:
        raise ValueError("malformed signature line")
    raw = unb64(blob)
    if len(raw) < 5:
        raise ValueError("signature too short")
    return name, raw[:4], raw[4:]


def verify_cosign_line(line, text, name, pem_path):
    try:
        got_name, kid, blob = parse_sig_line(line)
    except ValueError:
        return None
    pub = raw_pubkey(pem_path)
    if got_name != name or kid != key_id(name, ALG_COSIG_V1, pub) or len(blob) != 72:
        return None
    (timestamp,) = struct.unpack(">Q", blob[:8])
    if timestamp == 0 or timestamp >= 1 << 63:
        return None
    if not ed25519_verify(pem_path, cosign_message(text, timestamp), blob[8:]):
        return None
    return timestamp
