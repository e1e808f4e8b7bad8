-- 0015_draw_service.sql - the database tells the draw service when a room
-- is funded ("alot-draw run", docs/alot-draw.md).
--
--   - A room that becomes funded (an UPDATE from any other status, or a
--     row inserted funded) sends NOTIFY alot_room_funded with the room's
--     id as its payload.  PostgreSQL delivers it when the transaction that
--     funded the room commits, and never when it rolls back: a listener
--     that hears it finds the room funded.
--   - The notification only wakes the service up: it carries no authority
--     and the service checks the room as any draw does.  A missed one (the
--     service was down, its connection dropped) costs only time: the
--     service also scans for funded rooms at start and every --poll
--     seconds.
--   - The guard of 0011 keeps the trigger (a non-superuser cannot drop or
--     disable it).
--
-- NOTIFY needs no privilege, so every role that funds a room (the
-- platform's entry trigger, alot_app) sends it; LISTEN needs none either.

-- An UPDATE that leaves a funded room funded (its funded_at, say) is not news.
CREATE FUNCTION alot_room_funded_notify()
RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
        PERFORM pg_catalog.pg_notify('alot_room_funded', NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

CREATE TRIGGER trg_rooms_notify_funded
AFTER INSERT OR UPDATE OF status ON rooms
FOR EACH ROW
WHEN (NEW.status = 'funded')
EXECUTE FUNCTION alot_room_funded_notify();

INSERT INTO alot_protected_trigger (table_name, trigger_name) VALUES ('rooms', 'trg_rooms_notify_funded');
