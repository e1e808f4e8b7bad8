#!/usr/bin/env python3
"""tests/verify/mklog.py - writes a published transparency log for alot-verify's tests.

Independent of the project's C code: the Merkle tree, the signed notes and
the cosignatures come from tests/lib/tlogfix.py (openssl for Ed25519); this
file lays them out as c2sp.org/tlog-tiles and c2sp.org/tlog-proof@v1.

    mklog.py --out DIR --keys KEYDIR [--origin NAME] [--witness NAME=TIME]...
             [--proofs PDIR] [--old-size K --old-checkpoint FILE --consistency FILE]
             ENTRY...

ENTRY is a file whose first line (without its newline) is one log entry, in
order; "text:STRING" is STRING itself.  KEYDIR holds log.pem and NAME.pem
(made with openssl genpkey when missing) and their vkeys, log.vkey and
NAME.vkey.  It writes DIR/checkpoint (signed by the log, cosigned by each
--witness at TIME), every full tile and the rightmost partial tiles at every
level, the entry bundles, and with --proofs PDIR/INDEX.tlog-proof for every
entry.  --old-size writes the checkpoint of the first K entries (signed and
cosigned the same way) and the consistency proof from it to the whole log.
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ.get("ALOT_SRC", "."), "tests/lib"))
import tlogfix  # noqa: E402

WIDTH = 256


def key(keydir, name, alg, vkey_name):
    """KEYDIR/FILE.pem (made when missing) and its vkey under name for alg."""
    pem = os.path.join(keydir, vkey_name + ".pem")
    if not os.path.exists(pem):
        tlogfix.genkey(pem)
    vkey = tlogfix.vkey(name, alg, tlogfix.raw_pubkey(pem))
    with open(os.path.join(keydir, vkey_name + ".vkey"), "w") as f:
        f.write(vkey + "\n")
    return pem


def read_entry(arg):
    if arg.startswith("text:"):
        return arg[5:].encode()
    with open(arg, "rb") as f:
        return f.read().split(b"\n", 1)[0]


def tile_path(level, n, width):
    """tile/L/N[.p/W], or tile/entries/N[.p/W] when level is "entries"."""
    parts = []
    while True:
        parts.insert(0, "%03d" % (n % 1000))
        n //= 1000
        if n == 0:
            break
    path = "/".join(["x" + p for p in parts[:-1]] + [parts[-1]])
    path = "tile/%s/%s" % (level, path)
    return path if width == WIDTH else "%s.p/%d" % (path, width)


def write(out, rel, data):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_tiles(out, entries, leaves):
    """Bundles and level-0 tiles, then each level of tiles from the full tiles below."""
    size = len(leaves)
    for n in range(0, (size + WIDTH - 1) // WIDTH):
        chunk = range(n * WIDTH, min(size, (n + 1) * WIDTH))
        width = len(chunk)
        write(out, tile_path("entries", n, width),
              b"".join(struct.pack(">H", len(entries[i])) + entries[i] for i in chunk))
        write(out, tile_path(0, n, width), b"".join(leaves[i] for i in chunk))
    level, hashes = 0, leaves
    while len(hashes) >= WIDTH:
        # Level + 1 holds the hash of every full tile of this level.
        hashes = [tlogfix.tree_hash(hashes[i:i + WIDTH]) for i in range(0, len(hashes) - WIDTH + 1, WIDTH)]
        level += 1
        for n in range(0, (len(hashes) + WIDTH - 1) // WIDTH):
            chunk = hashes[n * WIDTH:(n + 1) * WIDTH]
            write(out, tile_path(level, n, len(chunk)), b"".join(chunk))


def signed_checkpoint(origin, log_pem, witnesses, size, root):
    text = tlogfix.checkpoint_text(origin, size, root)
    lines = [tlogfix.sign_line(text, origin, log_pem)]
    for name, pem, when in witnesses:
        lines.append(tlogfix.cosign_line(text, name, pem, when))
    return tlogfix.signed_note(text, lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--keys", required=True)
    p.add_argument("--origin", default="alot.example/log")
    p.add_argument("--witness", action="append", default=[], help="NAME=TIME")
    p.add_argument("--proofs")
    p.add_argument("--old-size", type=int)
    p.add_argument("--old-checkpoint")
    p.add_argument("--consistency")
    p.add_argument("entries", nargs="*")
    a = p.parse_args()

    os.makedirs(a.keys, exist_ok=True)
    log_pem = key(a.keys, a.origin, tlogfix.ALG_ED25519, "log")
    witnesses = []
    for w in a.witness:
        name, when = w.split("=")
        witnesses.append((name, key(a.keys, name, tlogfix.ALG_COSIG_V1, name), int(when)))

    entries = [read_entry(e) for e in a.entries]
    log = tlogfix.Log(entries)
    os.makedirs(a.out, exist_ok=True)
    write_tiles(a.out, entries, log.leaves)
    checkpoint = signed_checkpoint(a.origin, log_pem, witnesses, log.size, log.root())
    write(a.out, "checkpoint", checkpoint.encode())

    if a.proofs:
        os.makedirs(a.proofs, exist_ok=True)
        for i in range(log.size):
            proof = "c2sp.org/tlog-proof@v1\nindex %d\n" % i
            proof += "".join(tlogfix.b64(h) + "\n" for h in log.inclusion(i))
            write(a.proofs, "%d.tlog-proof" % i, (proof + "\n" + checkpoint).encode())

    if a.old_size is not None:
        old = signed_checkpoint(a.origin, log_pem, witnesses, a.old_size, log.root(a.old_size))
        with open(a.old_checkpoint, "w") as f:
            f.write(old)
        with open(a.consistency, "w") as f:
            f.write("".join(tlogfix.b64(h) + "\n" for h in log.consistency(a.old_size)))


if __name__ == "__main__":
    main()
