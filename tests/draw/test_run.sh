#!/usr/bin/env bash
# test_run.sh - "alot-draw run", the draw service, end to end against a
# real PostgreSQL, two real alot-witness instances and a live local HTTPS
# beacon (tests/lib/live_beacon.py: TEST-signed pulses of chain 2 that
# follow the wall clock, one a second): a room funded after the service
# started is drawn through the database's NOTIFY (the poll is far off),
# each step a JSON line, and its exported records verify with alot-verify;
# for each step, the test build killed (SIGKILL) right after it and run
# again with --once draws the room exactly once, logs one commitment, one
# freeze and one draw, exports a record that verifies, and a further
# --once changes nothing; a room under rule "none" is frozen, drawn and
# exported without the log's steps; a refused step (a witness missing) is
# taken again at the next scan; SIGTERM during the pulse wait stops the
# service at once with a "stop" line and exit 0, and the room is drawn by
# the next run.  The release binary holds no test hook.  No timing is
# asserted: every wait has a generous limit, to fail instead of hanging.
set -euo pipefail

draw="$BUILD/alot-draw"
hooks="$BUILD/test-bin/alot-draw-hooks"
witness="$BUILD/alot-witness"
verify="$BUILD/alot-verify"
mkpulse="$ALOT_SRC/tests/lib/mkpulse.py"
db="t_draw_run_$$"
tmp=$(mktemp -d)
. "$(dirname "$0")/../verify/cli-lib.sh"
. "$ALOT_SRC/tests/lib/testca.sh"
. "$ALOT_SRC/tests/draw/lib.sh"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	stop_servers
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
for b in "$draw" "$witness" "$verify"; do [ -x "$b" ] || fail "$b is not built"; done
[ -x "$hooks" ] || fail "no $hooks: build it with make (draw/build.mk)"

# ---- the hooks are in the test build only ----------------------------------------
! grep -a -q ALOT_RUN_CRASH_AT "$draw" || fail "the release binary contains the test hooks"
grep -a -q ALOT_RUN_CRASH_AT "$hooks" || fail "the hooks binary has no hooks"
echo "ok: ALOT_RUN_CRASH_AT is in the test build only"

# ---- the database: rooms 11-20, committed; funded one at a time --------------------
new_db
add_rooms 11 22 '[{"amount": 2, "tickets": 2}]'

# ---- keys, the witness policy, the commitments -------------------------------------
operator_keys
log_key
witness_keys w1 w2
witness_policy
for r in 11 12 13 14 15 16 17 18 20 21 22; do
	run "commit$r" "$draw" commit --room "$(id $r)" --beacon-rule nist-beacon-2.0 --witness-policy "$tmp/policy"
	expect "commit$r" 0
done
run commit19 "$draw" commit --room "$(id 19)"
expect commit19 0

# ---- the live beacon (a test CA for its HTTPS, a test beacon certificate) ------------
test_ca
python3 "$mkpulse" cert "$tmp/bc" >/dev/null
BC="$tmp/bc/beacon-test.pem"
beacon() { # beacon NAME PERIOD_MS: start a live beacon; its base URL into $tmp/NAME.url
	start_server "the live beacon $1" "$tmp/$1.port" "$tmp/$1.log" \
		python3 "$ALOT_SRC/tests/lib/live_beacon.py" "$tmp/server.pem" "$tmp/server.key" "$tmp/bc/beacon-test.key" "$BC" \
		"$tmp/$1.port" --period-ms "$2"
	echo "https://127.0.0.1:$(cat "$tmp/$1.port")/beacon/2.0" >"$tmp/$1.url"
}
beacon live 1000
# hourly: a beacon whose next pulse is up to an hour away (the SIGTERM case).
beacon hourly 3600000

# ---- the service's options ----------------------------------------------------
mkdir -p "$tmp/pub" "$tmp/exp"
opts() { # opts [BEACON]: the service's options, the witnesses w1 and w2 (W=w1: w1 only; BWAIT: --beacon-wait)
	printf '%s\0' --admin "$(id 101)" --log-key "$tmp/log.pem" --origin "$ORIGIN" \
		--witness-key "$tmp/w1.vkey" --witness-exec "$(wcmd w1)"
	[ "${W:-}" = w1 ] || printf '%s\0' --witness-key "$tmp/w2.vkey" --witness-exec "$(wcmd w2)"
	printf '%s\0' --publish "$tmp/pub" --export "$tmp/exp" \
		--beacon-url "$(cat "$tmp/${1:-live}.url")" --cacert "$tmp/ca.pem" --beacon-cert "$BC" --beacon-wait "${BWAIT:-120}"
}
mapfile -d '' OPTS < <(opts)
# steps FILE ROOM: "step:result ..." of the room's JSON lines; every line must be well-formed.
steps() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
out = []
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert list(j) == ["time", "room", "step", "result", "detail"], j
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", j["time"]), j
    assert j["result"] in ("done", "already", "refused", "error"), j
    assert j["step"] in ("freeze", "checkpoint", "witness", "publish", "draw", "export", "stop"), j
    if j["room"] == sys.argv[2]:
        out.append(j["step"] + ":" + j["result"])
print(" ".join(out))
PY
}
# wait_for FILE PATTERN WHAT: until FILE has a line matching PATTERN (at most 60 s).
wait_for() {
	for _ in $(seq 600); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	fail "$3: no \"$2\" in $1 after 60 s: $(cat "$1" 2>/dev/null)"
}
# stop_service PID: SIGTERM, and its exit code into $stopped_rc (at most 30 s).
stop_service() {
	kill -TERM "$1"
	for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && fail "the service did not stop within 30 s of SIGTERM"
	set +e; wait "$1"; stopped_rc=$?; set -e
}
# drawn_once ROOM NAME: one draw row, the log's entries of the room, the export verifies.
drawn_once() {
	local r=$1
	[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$r'")" = 1 ] || fail "$2: room $r is not drawn once"
	[ "$(q "SELECT status FROM rooms WHERE id = '$r'")" = settled ] || fail "$2: room $r is not settled"
	[ "$(q "SELECT string_agg(kind || ':' || n, ' ' ORDER BY kind) FROM (SELECT kind, count(*) AS n FROM log_entries
	        WHERE room_id = '$r' GROUP BY kind) k")" = "commitment:1 draw:1 freeze:1" ] ||
		fail "$2: the log's entries of room $r: $(q "SELECT string_agg(kind, ' ') FROM log_entries WHERE room_id = '$r'")"
	cmp -s <(q "SELECT record FROM lottery_draws WHERE room_id = '$r'") "$tmp/exp/$r.draw.json" ||
		fail "$2: the exported draw record is not the stored one"
	run "$2_verify" "$verify" --pubkey "$tmp/pub.pem" --beacon-cert "$BC" --commitment "$tmp/exp/$r.commitment.json" \
		"$tmp/exp/$r.freeze.json" "$tmp/exp/$r.draw.json"
	expect "$2_verify" 0
	[ ! -e "$tmp/exp/.alot-run/$r" ] || fail "$2: room $r is still marked pending"
}

# ---- usage ------------------------------------------------------------------------
run help "$draw" run --help
expect help 0
has help out "^  alot-draw run --admin ADMIN_ID"
run dhelp "$draw" --help
has dhelp out "^  run       the draw service"
run noadmin "$draw" run --once
expect noadmin 2
has noadmin err "--admin, --signing-key and --seal-key are required"
run pairs "$draw" run --admin "$(id 101)" --witness-key "$tmp/w1.vkey"
expect pairs 2
has pairs err "give each --witness-key with its --witness-exec"
run halflog "$draw" run --admin "$(id 101)" --log-key "$tmp/log.pem"
expect halflog 2
has halflog err "--log-key and --origin go together"
run badpoll "$draw" run --admin "$(id 101)" --poll 0
expect badpoll 2
has badpoll err 'invalid value "0" for option --poll'
run noexport "$draw" run --admin "$(id 101)" --export "$tmp/missing" --once
expect noexport 2
has noexport err "--export: cannot write to folder \"$tmp/missing\""
run idle "$draw" run "${OPTS[@]}" --once
expect idle 0
[ ! -s "$tmp/idle.out" ] || fail "a scan with no funded room logged: $(cat "$tmp/idle.out")"
echo "ok: run --help, required options and bad values; a scan with nothing to do logs nothing"

# ---- a room funded while the service runs: drawn through NOTIFY ----------------------
R=$(id 11)
"$draw" run "${OPTS[@]}" --poll 3600 >"$tmp/svc1.out" 2>"$tmp/svc1.err" &
svc=$!
pids+=($svc)
sleep 1 # the first scan (nothing funded) and LISTEN; a NOTIFY before LISTEN would wait for the poll
fund "$R"
wait_for "$tmp/svc1.out" "\"room\":\"$R\",\"step\":\"export\"" "the room funded after the start"
[ "$(steps "$tmp/svc1.out" "$R")" = "freeze:done checkpoint:done witness:done publish:done draw:done export:done" ] ||
	fail "the service's steps: $(cat "$tmp/svc1.out")"
stop_service "$svc"
[ "$stopped_rc" = 0 ] || fail "the service exited $stopped_rc on SIGTERM: $(cat "$tmp/svc1.err")"
tail -n 1 "$tmp/svc1.out" | grep -q '"room":null,"step":"stop","result":"done","detail":"stopped by SIGTERM"' ||
	fail "no stop line: $(tail -n 2 "$tmp/svc1.out")"
drawn_once "$R" notify
idx=$(q "SELECT idx FROM log_entries WHERE room_id = '$R' AND kind = 'freeze'")
[ "$(q "SELECT count(*) FROM log_checkpoints WHERE size = $idx + 1")" = 1 ] || fail "no checkpoint at the freeze's index + 1"
[ "$(q "SELECT string_agg(witness, ' ' ORDER BY witness) FROM log_cosignatures WHERE size = $idx + 1")" = "w1.example w2.example" ] ||
	fail "the checkpoint's cosignatures"
[ "$(q "SELECT checkpoint_size FROM room_draw_beacons WHERE room_id = '$R'")" = "$((idx + 1))" ] || fail "the beacon's checkpoint"
[ -f "$tmp/pub/checkpoint" ] && [ -f "$tmp/exp/$R.freeze.tlog-proof" ] || fail "the log was not published, or the freeze has no proof"
echo "ok: a room funded after the start is drawn through NOTIFY: freeze, checkpoint at index + 1, two witnesses, publish, draw after the pulse, export; the record verifies"

# ---- killed after each step, then run again -------------------------------------------
r=12
for step in freeze checkpoint witness publish draw export; do
	R=$(id $r)
	fund "$R"
	run "crash_$step" env ALOT_RUN_CRASH_AT="$step" "$hooks" run "${OPTS[@]}" --once
	expect "crash_$step" 137
	[ "$(tail -n 1 "$tmp/crash_$step.out" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["step"], j["result"])')" = "$step done" ] ||
		fail "crash_$step: the last line is not the $step step: $(cat "$tmp/crash_$step.out")"
	run "resume_$step" "$draw" run "${OPTS[@]}" --once
	expect "resume_$step" 0
	drawn_once "$R" "resume_$step"
	before=$(q "SELECT md5(record) FROM lottery_draws WHERE room_id = '$R'")
	cp "$tmp/exp/$R.draw.json" "$tmp/draw-$step.json"
	run "again_$step" "$draw" run "${OPTS[@]}" --once
	expect "again_$step" 0
	[ ! -s "$tmp/again_$step.out" ] || fail "again_$step: a further run did something: $(cat "$tmp/again_$step.out")"
	[ "$(q "SELECT md5(record) FROM lottery_draws WHERE room_id = '$R'")" = "$before" ] || fail "again_$step: the record changed"
	cmp -s "$tmp/draw-$step.json" "$tmp/exp/$R.draw.json" || fail "again_$step: the exported record changed"
	echo "ok: killed after $step: $(steps "$tmp/crash_$step.out" "$R" | wc -w) steps, then resumed: $(steps "$tmp/resume_$step.out" "$R")"
	r=$((r + 1))
done
[ "$(steps "$tmp/resume_freeze.out" "$(id 12)")" = "freeze:already checkpoint:done witness:done publish:done draw:done export:done" ] ||
	fail "resume after freeze: $(cat "$tmp/resume_freeze.out")"
[ "$(steps "$tmp/resume_witness.out" "$(id 14)")" = "freeze:already checkpoint:already witness:already publish:done draw:done export:done" ] ||
	fail "resume after witness: $(cat "$tmp/resume_witness.out")"
[ "$(steps "$tmp/resume_draw.out" "$(id 16)")" = "draw:already export:done" ] ||
	fail "resume after draw: $(cat "$tmp/resume_draw.out")"
[ ! -s "$tmp/resume_export.out" ] || fail "resume after export did something: $(cat "$tmp/resume_export.out")"
echo "ok: killed right after each step, the service resumes: each room drawn once, logged once, exported and verified; a further run changes nothing"

# ---- rule none: frozen, drawn, exported; no log step -----------------------------------
R=$(id 19)
fund "$R"
run none "$draw" run "${OPTS[@]}" --once
expect none 0
[ "$(steps "$tmp/none.out" "$R")" = "freeze:done draw:done export:done" ] || fail "rule none: $(cat "$tmp/none.out")"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$R'")" = 1 ] || fail "rule none: not drawn"
run none_verify "$verify" --pubkey "$tmp/pub.pem" --commitment "$tmp/exp/$R.commitment.json" "$tmp/exp/$R.freeze.json" \
	"$tmp/exp/$R.draw.json"
expect none_verify 0
echo "ok: a room under rule none is frozen, drawn and exported, without the log's steps"

# ---- a refused step is taken again at the next scan --------------------------------------
R=$(id 20)
fund "$R"
mapfile -d '' W1OPTS < <(W=w1 opts)
run refused "$draw" run "${W1OPTS[@]}" --once
expect refused 1
[ "$(steps "$tmp/refused.out" "$R")" = "freeze:done checkpoint:done witness:done publish:done draw:refused" ] ||
	fail "a witness missing: $(cat "$tmp/refused.out")"
has refused out "w2.example"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$R'")" = 0 ] || fail "drawn without a witness of the policy"
run retried "$draw" run "${OPTS[@]}" --once
expect retried 0
[ "$(steps "$tmp/retried.out" "$R")" = "freeze:already checkpoint:already witness:done publish:done draw:done export:done" ] ||
	fail "the next scan: $(cat "$tmp/retried.out")"
drawn_once "$R" retried
echo "ok: a draw refused for a missing witness is logged, exit 1, and the next scan, with the witness, draws the room"

# ---- a witness out of reach holds the rooms frozen after it ------------------------------
# Witnesses never go back to a smaller tree: had the second room been
# witnessed at its larger size, the first could never get its own
# checkpoint cosigned by every witness.
R1=$(id 21) R2=$(id 22)
fund "$R1"
fund "$R2"
mapfile -d '' DOWN < <(opts)
for i in "${!DOWN[@]}"; do [ "${DOWN[$i]}" = "$(wcmd w2)" ] && DOWN[$i]="exit 3"; done
run held "$draw" run "${DOWN[@]}" --once
[ "$(cat "$tmp/held.rc")" != 0 ] || fail "held: a witness out of reach, and exit 0"
steps "$tmp/held.out" "$R1" | grep -q "^freeze:done checkpoint:done witness:\(refused\|error\)$" ||
	fail "held: the first room: $(steps "$tmp/held.out" "$R1")"
[ "$(steps "$tmp/held.out" "$R2")" = "freeze:done witness:refused" ] || fail "held: the second room: $(cat "$tmp/held.out")"
has held out "waits for room $R1, frozen before it, to be witnessed first"
size2=$(( $(q "SELECT idx FROM log_entries WHERE kind = 'freeze' AND room_id = '$R2'") + 1 ))
[ "$(q "SELECT count(*) FROM log_checkpoints WHERE size = $size2")" = 0 ] || fail "held: the second room's checkpoint was signed"
run unheld "$draw" run "${OPTS[@]}" --once
expect unheld 0
drawn_once "$R1" unheld
drawn_once "$R2" unheld
echo "ok: a witness out of reach holds the rooms frozen after the first unwitnessed one; with it back, both are drawn"

# ---- SIGTERM during the pulse wait ------------------------------------------------------
R=$(id 18)
fund "$R"
mapfile -d '' HOPTS < <(BWAIT=7200 opts hourly) # its next pulse is within the hour
"$draw" run "${HOPTS[@]}" --poll 3600 >"$tmp/svc2.out" 2>"$tmp/svc2.err" &
svc=$!
pids+=($svc)
wait_for "$tmp/svc2.out" "\"room\":\"$R\",\"step\":\"publish\"" "the room before its pulse"
wait_for "$tmp/hourly.log" "pulse/last" "the draw asking the beacon"
sleep 1
stop_service "$svc"
[ "$stopped_rc" = 0 ] || fail "SIGTERM during the pulse wait: exit $stopped_rc: $(cat "$tmp/svc2.err")"
tail -n 1 "$tmp/svc2.out" | grep -q "\"room\":\"$R\",\"step\":\"stop\",\"result\":\"done\",\"detail\":\"stopped by SIGTERM: abandoned the draw of room $R\"" ||
	fail "no stop line naming the room: $(cat "$tmp/svc2.out")"
[ "$(q "SELECT count(*) FROM lottery_draws WHERE room_id = '$R'")" = 0 ] || fail "drawn though stopped before its pulse"
run after_stop "$draw" run "${OPTS[@]}" --once
expect after_stop 0
[ "$(steps "$tmp/after_stop.out" "$R")" = "freeze:already checkpoint:already witness:already publish:done draw:done export:done" ] ||
	fail "after the stop: $(cat "$tmp/after_stop.out")"
drawn_once "$R" after_stop
echo "ok: SIGTERM during the pulse wait stops the service cleanly (exit 0, a stop line); the next run draws the room"

[ "$(q "SELECT count(*) FROM rooms WHERE status = 'funded'")" = 0 ] || fail "a funded room is left undrawn"
dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
