# log-lib.sh - helpers for alot-verify's transparency-log tests (sourced
# after cli-lib.sh): make a log with tests/verify/mklog.py, and tamper
# with copies of its files.

V2="$ALOT_SRC/vectors/records-v2"
OPKEY="$ALOT_SRC/vectors/keys/TEST-ONLY-public-key.pem"

mklog() { # mklog.py ARGS... (KEYDIR shared by every log of a test: one log key, one key per witness)
	python3 "$ALOT_SRC/tests/verify/mklog.py" --keys "$tmp/keys" "$@"
}

edit() { # IN OUT EXPR: OUT is IN's text s after the Python expression EXPR
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
def flip(s, prefix):
    """Change one base64 character in the middle of the line starting with prefix."""
    i = s.index("\n" + prefix) + 1 + len(prefix) + 20
    return s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:]
def line(s, n, new):
    """Line n (from 0) replaced by new."""
    lines = s.split("\n")
    lines[n] = new
    return "\n".join(lines)
s = eval(sys.argv[3])
open(sys.argv[2], "w", encoding="utf-8").write(s)
EOF
}

lacks() { # NAME out|err PATTERN
	! grep -q -- "$3" "$tmp/$1.$2" || fail "$1: $2 has \"$3\": $(head -c 800 "$tmp/$1.$2")"
}
