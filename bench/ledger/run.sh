#!/usr/bin/env bash
# bench/ledger/run.sh - audit SCALE x (10,000,000 credit transactions over
# 1,000,000 users, and 1,000,000 entries over 100,000 rooms), generated with
# SQL on a throwaway cluster.  Prints the audit time beside two floors
# measured in the same run: COPY of the columns the audit reads, in binary,
# and a pure-SQL audit of the core checks; and the audit's peak memory.
# A benchmark, not a test: "make bench-ledger [BENCH_SCALE=1]".
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${ALOT_TEST_PGCTL:-}" ]; then
	exec "$src/tests/pg-harness.sh" "$0" "$@"
fi
scale=${1:-1}
build=${BUILD:-$src/build}
users=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s }')
rooms=$(awk -v s="$scale" 'BEGIN { printf "%d", 100000 * s }')
export PGDATABASE=bench_ledger
createdb "$PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 -f "$src/sql/schema.sql" >/dev/null
echo "== generating $((users * 10)) credit transactions over $users users, $((rooms * 10)) entries over $rooms rooms"
psql -X -q -v ON_ERROR_STOP=1 <<SQL
ALTER TABLE credit_transactions DISABLE TRIGGER USER;
ALTER TABLE room_entries DISABLE TRIGGER USER;
ALTER TABLE rooms DISABLE TRIGGER USER;
INSERT INTO users (id, email, hashed_password, total_entries)
SELECT md5('u' || g)::uuid, 'u' || g || '@bench.example', 'x', CASE WHEN g <= $rooms * 10 THEN 1 ELSE 0 END
  FROM generate_series(1, $users) g;
INSERT INTO user_universal_credits (user_id, balance, total_earned)
SELECT md5('u' || g)::uuid, 1000, 1000 FROM generate_series(1, $users) g;
INSERT INTO credit_transactions (user_id, amount, balance_before, balance_after, transaction_type, created_at)
SELECT md5('u' || g)::uuid, 100, (k - 1) * 100, k * 100, 'admin_grant', timestamp '2026-01-01' + k * interval '1 minute'
  FROM generate_series(1, $users) g, generate_series(1, 10) k;
INSERT INTO product_classes (id, name, category, tier, retail_value, images)
VALUES ('00000000-0000-4000-8000-00000000b0b0', 'Bench', 'watch', 'ICON', 100, '[]');
INSERT INTO rooms (id, product_class_id, funding_target, deadline, status, entry_bundles, created_at, opened_at,
                   total_tickets, total_participants)
SELECT md5('r' || g)::uuid, '00000000-0000-4000-8000-00000000b0b0', 100, '2030-01-01', 'open', '[]',
       '2026-01-01', '2026-01-02', 20, 10
  FROM generate_series(1, $rooms) g;
INSERT INTO room_entries (room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type)
SELECT md5('r' || g)::uuid, md5('u' || ((g - 1) * 10 + k))::uuid, 2 * k - 1, 2 * k, 2, 'trivia'
  FROM generate_series(1, $rooms) g, generate_series(1, 10) k;
VACUUM ANALYZE;
SQL
ms() { date +%s%N; }
floor_sql="COPY (SELECT user_id, id, created_at, amount, balance_before, balance_after, transaction_type,
                        room_id, room_entry_id, purchase_id FROM credit_transactions) TO STDOUT (FORMAT binary);
           COPY (SELECT id, room_id, user_id, tickets_start, tickets_end, ticket_count, purchase_type,
                        amount_paid, credits_spent, credits_awarded, purchase_id, is_winner FROM room_entries)
                TO STDOUT (FORMAT binary);
           COPY (SELECT * FROM user_universal_credits) TO STDOUT (FORMAT binary);
           COPY (SELECT * FROM rooms) TO STDOUT (FORMAT binary);
           COPY (SELECT id, total_entries, total_spent, total_won FROM users) TO STDOUT (FORMAT binary);"
t0=$(ms); psql -X -q -c "$floor_sql" >/dev/null; t1=$(ms)
psql -X -q -f "$src/bench/ledger/pure-sql-audit.sql" >/dev/null; t2=$(ms)
read -r secs peak rc < <(python3 - "$build/alot-ledger" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call([sys.argv[1], "--format", "json"], stdout=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {rc}")
PY
)
t3=$(ms); "$build/alot-ledger" --jobs 2 --format json >/dev/null || true; t4=$(ms)
floor=$(( (t1 - t0) / 1000000 )); puresql=$(( (t2 - t1) / 1000000 )); jobs2=$(( (t4 - t3) / 1000000 ))
audit=$(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }')
echo "floor: COPY of the audited columns out, binary:   ${floor} ms"
echo "pure-SQL audit of the core checks:                ${puresql} ms"
echo "alot-ledger (20 checks, 1 job, exit $rc):          ${audit} ms"
echo "alot-ledger --jobs 2:                             ${jobs2} ms"
awk -v a="$audit" -v f="$floor" -v p="$puresql" 'BEGIN {
	printf "ratio to the COPY floor: %.2fx (goal: at most 1.3x)\n", a / f
	printf "speed-up over pure SQL: %.2fx (goal: at least 3x)\n", p / a }'
echo "peak memory of the audit: ${peak} KiB"
