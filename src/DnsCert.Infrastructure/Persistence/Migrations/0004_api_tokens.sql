-- API tokens for agents, the CLI and partners. A token is shown once at creation; only its SHA-256 is kept (tokens
-- carry 256 random bits, so a fast hash is enough). It acts with its owner's rights, narrowed to its scopes.
CREATE TABLE api_tokens (
    id           uuid        PRIMARY KEY,
    owner_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- The public part of the token ("dnsc_<prefix>_…"), to find the row without scanning and to show in lists.
    prefix       text        NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{10}$'),
    secret_hash  bytea       NOT NULL CHECK (length(secret_hash) = 32),
    scopes       text[]      NOT NULL CHECK (cardinality(scopes) > 0),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_owner ON api_tokens (owner_id, created_at DESC);
