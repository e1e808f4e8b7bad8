# cli-lib.sh - helpers for alot-verify's shell tests (sourced, not run):
# run a command into $tmp/NAME.{out,err,rc}, then assert on what it did.
# The sourcing test sets tmp to its scratch folder.

fail() { echo "FAIL: $*" >&2; exit 1; }

run() { # NAME COMMAND...
	local name=$1
	shift
	set +e
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	set -e
}

expect() { # NAME RC: its exit code
	[ "$(cat "$tmp/$1.rc")" = "$2" ] ||
		fail "$1: exit $(cat "$tmp/$1.rc"), expected $2; out: $(head -c 600 "$tmp/$1.out"); err: $(cat "$tmp/$1.err")"
}

has() { # NAME out|err PATTERN
	grep -q -- "$3" "$tmp/$1.$2" || fail "$1: $2 lacks \"$3\": $(head -c 800 "$tmp/$1.$2")"
}

could_not_run() { # NAME MESSAGE COMMAND...: exit 2, MESSAGE on stderr (a line and a hint at most), no report
	local name=$1 message=$2
	shift 2
	run "$name" "$@"
	expect "$name" 2
	has "$name" err "$message"
	[ "$(wc -l <"$tmp/$name.err")" -le 2 ] || fail "$name: more than a message and a hint: $(cat "$tmp/$name.err")"
	[ ! -s "$tmp/$name.out" ] || fail "$name: printed a report though it could not run: $(cat "$tmp/$name.out")"
}
