-- Sign-in security for people (ASP.NET Core Identity over our own tables): lockout, TOTP second factor, recovery
-- codes, per-user preferences, and server-side sessions that can be listed and revoked.

-- Organisations: the constituency issue fills in the rest (kind, region, languages, vetting, …); users belong to one.
CREATE TABLE organisations (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL
);

ALTER TABLE users
    ADD COLUMN security_stamp       text        NOT NULL DEFAULT gen_random_uuid()::text,
    ADD COLUMN concurrency_stamp    text        NOT NULL DEFAULT gen_random_uuid()::text,
    ADD COLUMN email_confirmed      boolean     NOT NULL DEFAULT false,
    ADD COLUMN two_factor_enabled   boolean     NOT NULL DEFAULT false,
    -- The TOTP shared secret, encrypted with ASP.NET Data Protection (keys below); never stored in clear.
    ADD COLUMN authenticator_key    text,
    -- The time step of the last accepted TOTP code: a code is accepted once (RFC 6238 §5.2).
    ADD COLUMN totp_last_step       bigint      NOT NULL DEFAULT 0,
    -- SHA-256 hashes of the unused recovery codes.
    ADD COLUMN recovery_code_hashes text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN lockout_enabled      boolean     NOT NULL DEFAULT true,
    ADD COLUMN lockout_end          timestamptz,
    ADD COLUMN access_failed_count  integer     NOT NULL DEFAULT 0,
    ADD COLUMN organisation_id      uuid        REFERENCES organisations (id),
    ADD COLUMN language             text        NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'es', 'pt', 'ar')),
    ADD COLUMN time_zone            text        NOT NULL DEFAULT 'UTC',
    ADD COLUMN disabled             boolean     NOT NULL DEFAULT false;

-- One row per signed-in browser. The cookie carries only the session id; revoking the row ends the session at the
-- next request on every server instance.
CREATE TABLE user_sessions (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ip           inet,
    user_agent   text,
    revoked_at   timestamptz
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, created_at DESC);

-- ASP.NET Data Protection key ring, shared by every server instance (cookies, antiforgery, encrypted TOTP keys).
CREATE TABLE data_protection_keys (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text    NOT NULL,
    xml           text    NOT NULL
);
