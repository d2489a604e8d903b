-- People who sign in. Passwords are stored only as PBKDF2 hashes (DnsCert.Core.Accounts.PasswordHasher).
CREATE TABLE users (
    id                   uuid        PRIMARY KEY,
    user_name            text        NOT NULL CHECK (char_length(user_name) BETWEEN 1 AND 64),
    display_name         text        NOT NULL,
    email                text,
    roles                text[]      NOT NULL CHECK (cardinality(roles) > 0),
    password_hash        text        NOT NULL,
    must_change_password boolean     NOT NULL,
    created_at           timestamptz NOT NULL
);

-- User names are case-insensitive for sign-in but keep the case they were created with.
CREATE UNIQUE INDEX users_user_name_key ON users (lower(user_name));
