#!/usr/bin/env python3
"""tests/witness/mklog.py - add-checkpoint requests for alot-witness's tests.

A synthetic log of entries b"SEED:i" (so two seeds at one size are a
fork), signed by a log key, built with the independent fixture
tests/lib/tlogfix.py.

  mklog.py vkey KEY.pem ORIGIN
      the log's vkey (alg 0x01)
  mklog.py request KEY.pem ORIGIN SIZE OLD [options]
      an add-checkpoint request body on stdout:
      --seed S         entries b"S:i" (default "a")
      --old-seed S     the entries before the proof's start are b"S:i" instead
                       (the tree is then the old-seed tree extended by seed entries)
      --proof-from N   prove consistency from N instead of OLD
      --no-proof       no proof lines
      --flip I         flip a bit of proof hash I
      --extra-proof    one more (zero) proof line
      --proof-lines N  N zero proof lines instead of the proof
      --root-b64 R     the checkpoint's root is R (base64), whatever the tree
      --ext LINE       an extension line in the checkpoint text
      --sign-name N    sign under key name N (default ORIGIN)
      --bad-sig        flip a bit of the signature
  mklog.py text REQUEST
      the checkpoint note text of a request (what a cosignature covers)
  mklog.py cosig PUBLIC.pem NAME REQUEST LINE_FILE
      the timestamp of LINE_FILE's cosignature of REQUEST's checkpoint,
      exit 1 when it does not verify
  mklog.py root SIZE [SEED]
      the base64 root of that tree
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tlogfix  # noqa: E402


def tree(seed, size):
    return tlogfix.Log(b"%s:%d" % (seed.encode(), i) for i in range(size))


def option(args, name, default=None, flag=False):
    if name not in args:
        return default
    i = args.index(name)
    if flag:
        del args[i]
        return True
    value = args[i + 1]
    del args[i:i + 2]
    return value


def request(args):
    seed = option(args, "--seed", "a")
    old_seed = option(args, "--old-seed", seed)
    proof_from = option(args, "--proof-from")
    no_proof = option(args, "--no-proof", False, True)
    flip = option(args, "--flip")
    extra = option(args, "--extra-proof", False, True)
    lines = option(args, "--proof-lines")
    root_b64 = option(args, "--root-b64")
    ext = option(args, "--ext")
    sign_name = option(args, "--sign-name")
    bad_sig = option(args, "--bad-sig", False, True)
    key, origin, size, old = args[0], args[1], int(args[2]), int(args[3])
    log = tree(seed, size)
    start = old if proof_from is None else int(proof_from)
    if old_seed != seed:    # a proof from a tree with other entries: a forked proof
        other = tree(old_seed, start)
        log = tlogfix.Log()
        log.leaves = other.leaves + tree(seed, size).leaves[start:]
    proof = [] if no_proof or start > size else log.consistency(start, size)
    if flip is not None:
        h = bytearray(proof[int(flip)])
        h[0] ^= 1
        proof[int(flip)] = bytes(h)
    if extra:
        proof.append(bytes(32))
    if lines is not None:
        proof = [bytes(32)] * int(lines)
    root = tlogfix.unb64(root_b64) if root_b64 else log.root()
    text = tlogfix.checkpoint_text(origin, size, root, [ext] if ext else [])
    line = tlogfix.sign_line(text, sign_name or origin, key)
    if bad_sig:
        name, kid, sig = tlogfix.parse_sig_line(line)
        sig = bytes([sig[0] ^ 1]) + sig[1:]
        line = "%s %s %s\n" % (tlogfix.EM_DASH, name, tlogfix.b64(kid + sig))
    body = "old %d\n" % old + "".join(tlogfix.b64(h) + "\n" for h in proof) + "\n"
    sys.stdout.write(body + tlogfix.signed_note(text, [line]))


def note_text(path):
    body = open(path, encoding="utf-8").read()
    note = body.split("\n\n", 1)[1]
    return note.rsplit("\n\n", 1)[0] + "\n"


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "vkey":
        print(tlogfix.vkey(args[1], tlogfix.ALG_ED25519, tlogfix.raw_pubkey(args[0])))
    elif cmd == "request":
        request(args)
    elif cmd == "text":
        sys.stdout.write(note_text(args[0]))
    elif cmd == "cosig":
        line = open(args[3], encoding="utf-8").read()
        ts = tlogfix.verify_cosign_line(line, note_text(args[2]), args[1], args[0])
        if ts is None:
            sys.exit(1)
        print(ts)
    elif cmd == "root":
        print(tlogfix.b64(tree(args[1] if len(args) > 1 else "a", int(args[0])).root()))
    else:
        sys.exit("mklog.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main()
