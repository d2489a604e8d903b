-- Append-only, hash-chained audit log of every change and sign-in (DESIGN §4, security model).
-- Each entry's hash covers the previous entry's hash and the entry's own fields, so changing, removing or
-- reordering any entry breaks the chain from that entry on; `dnscert audit verify` walks it.
CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    uuid,
    actor       text        NOT NULL,
    action      text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$'),
    target_type text,
    target_id   text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ip          inet,
    prev_hash   bytea       NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea       NOT NULL CHECK (length(hash) = 32)
);

-- The one definition of an entry's hash, used when appending and when verifying. The fields are encoded as a JSON
-- array (jsonb's text form is canonical), so no separator inside a field can make two entries encode alike.
CREATE FUNCTION audit_entry_hash(prev bytea, at timestamptz, actor_id uuid, actor text, action text,
                                 target_type text, target_id text, details jsonb, ip inet)
RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(prev || convert_to(jsonb_build_array(
        to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        actor_id, actor, action, target_type, target_id, details, host(ip))::text, 'UTF8'))
$$;

-- Defence in depth: the application never updates or deletes an entry; the database refuses to as well.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
