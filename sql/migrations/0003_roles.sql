-- 0003_roles.sql - least-privilege roles.
--
-- Group roles (NOLOGIN): a deployment grants them to its login roles,
-- e.g. "CREATE ROLE draw_bot LOGIN; GRANT alot_draw TO draw_bot;".
--   alot_auditor  reads everything, writes nothing: all that alot-ledger
--                 and alot-verify ever need.
--   alot_draw     what executing a draw needs (alot-draw), and no more.
-- Roles are cluster-wide, so they are created only when missing.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'alot_auditor') THEN
        CREATE ROLE alot_auditor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'alot_draw') THEN
        CREATE ROLE alot_draw NOLOGIN;
    END IF;
END
$$;

-- A session of the auditor is read-only even if a grant is ever too wide.
ALTER ROLE alot_auditor SET default_transaction_read_only = on;

GRANT USAGE ON SCHEMA public TO alot_auditor, alot_draw;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO alot_auditor;

-- The draw reads the room, its entries and the admin ...
GRANT SELECT ON users, admin_users, rooms, room_entries, product_classes,
                lottery_draws, reveals, room_participants TO alot_draw;
-- ... writes the draw, the winner, the reveals, the room and user stats ...
GRANT INSERT ON lottery_draws, audit_logs, reveals TO alot_draw;
GRANT UPDATE (status, drawn_at, settled_at) ON rooms TO alot_draw;
GRANT UPDATE (is_winner) ON room_entries TO alot_draw;
GRANT UPDATE (status, revealed_at) ON reveals TO alot_draw;
GRANT UPDATE (total_won, updated_at) ON users TO alot_draw;
GRANT UPDATE (last_action_at) ON admin_users TO alot_draw;
