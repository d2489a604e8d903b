-- An invited person has no password until they choose one with their invitation link.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
