-- 0012_draw_role.sql - the draw role changes a room only as a draw does.
--
-- alot_draw holds UPDATE (status, drawn_at, settled_at) on rooms, which
-- the draw needs to settle a room; the column grant alone would let it
-- expire, close or refund any room.  For a role that has alot_draw's
-- privileges but neither alot_app's nor a superuser's, this trigger lets
-- an UPDATE of rooms through only as a step of a draw: a funded room
-- becoming drawing or settled, or a drawing room becoming settled (and
-- 0011's status flow lets a room be settled only with its draw row).

CREATE FUNCTION room_draw_role_limits()
RETURNS TRIGGER AS $$
BEGIN
    IF (SELECT NOT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
       AND pg_catalog.pg_has_role(current_user, 'alot_draw', 'USAGE')
       AND NOT pg_catalog.pg_has_role(current_user, 'alot_app', 'USAGE')
       AND NOT (OLD.status IN ('funded', 'drawing') AND NEW.status IN ('drawing', 'settled')
                AND NEW.status IS DISTINCT FROM OLD.status) THEN
        RAISE EXCEPTION 'room %: the draw role changes a room only by drawing it (refused % -> %)',
                OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'rooms open, expire, refund and close through the platform''s role, alot_app';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;

CREATE TRIGGER trg_rooms_draw_role_limits
BEFORE UPDATE ON rooms
FOR EACH ROW
EXECUTE FUNCTION room_draw_role_limits();

-- The guard of 0011 keeps this trigger too.
INSERT INTO alot_protected_trigger (table_name, trigger_name) VALUES ('rooms', 'trg_rooms_draw_role_limits');
