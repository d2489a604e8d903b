-- Constituency and contact repository (issue 7): organisations in full, contacts, assets, claims, pending 24x7
-- contact changes, reach tests. Imported and manual data are kept apart: each row says its source and import time;
-- imported_values keeps what the last import said, manual_fields lists what a person changed (imports skip those).
-- Readable rows carry the four visibility columns (Core/Visibility): organisations and assets are TLP:GREEN (the
-- community directory), contacts TLP:AMBER shared with their own organisation.

ALTER TABLE organisations
    ADD COLUMN kind                 text        NOT NULL DEFAULT 'other',
    ADD COLUMN region               text        NOT NULL DEFAULT 'unknown',
    ADD COLUMN country              text        CHECK (country ~ '^[A-Z]{2}$'),
    ADD COLUMN languages            text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN time_zone            text        NOT NULL DEFAULT 'UTC',
    ADD COLUMN resource_constrained boolean     NOT NULL DEFAULT false,
    ADD COLUMN vetting              text        NOT NULL DEFAULT 'unvetted' CHECK (vetting IN ('unvetted', 'vetted', 'trusted')),
    ADD COLUMN vouched_by           text,
    ADD COLUMN vetted_at            timestamptz,
    ADD COLUMN back_end_operator_id uuid        REFERENCES organisations (id),
    ADD COLUMN source               text        NOT NULL DEFAULT 'manual',
    ADD COLUMN import_key           text        UNIQUE,
    ADD COLUMN imported_at          timestamptz,
    ADD COLUMN imported_values      jsonb,
    ADD COLUMN manual_fields        text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN tlp                  smallint    NOT NULL DEFAULT 1,
    ADD COLUMN recipient_organisations uuid[]   NOT NULL DEFAULT '{}',
    ADD COLUMN recipient_users      uuid[]      NOT NULL DEFAULT '{}',
    ADD COLUMN created_by           uuid;
CREATE INDEX organisations_name ON organisations (lower(name));

-- Registrars accredited by a registry.
CREATE TABLE registry_accreditations (
    registry_id  uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    registrar_id uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (registry_id, registrar_id)
);

CREATE TABLE contacts (
    id                  uuid        PRIMARY KEY,
    organisation_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name                text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    is_role_mailbox     boolean     NOT NULL DEFAULT false,
    roles               text[]      NOT NULL CHECK (cardinality(roles) > 0),
    email               text        NOT NULL,
    phone               text        CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    language            text        CHECK (language ~ '^[a-z]{2}$'),
    openpgp_key         text,
    openpgp_fingerprint text,
    openpgp_expires_at  timestamptz,
    working_hours       text,
    last_verified       date,
    source              text        NOT NULL DEFAULT 'manual',
    import_key          text        UNIQUE,
    imported_at         timestamptz,
    imported_values     jsonb,
    manual_fields       text[]      NOT NULL DEFAULT '{}',
    tlp                 smallint    NOT NULL DEFAULT 2,
    recipient_organisations uuid[]  NOT NULL DEFAULT '{}',
    recipient_users     uuid[]      NOT NULL DEFAULT '{}',
    created_by          uuid,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX contacts_organisation ON contacts (organisation_id);

-- One row per (organisation, asset, source): the root zone and the lab may both say who holds a zone; routing takes
-- the most trusted source (RecordSources.Precedence), a manual row first.
CREATE TABLE assets (
    id              uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            text        NOT NULL CHECK (kind IN ('zone', 'name-server', 'ip-prefix', 'as-number', 'software-product')),
    value           text        NOT NULL,
    addresses       text[]      NOT NULL DEFAULT '{}',
    source          text        NOT NULL,
    imported_at     timestamptz,
    created_at      timestamptz NOT NULL,
    tlp             smallint    NOT NULL DEFAULT 1,
    recipient_organisations uuid[] NOT NULL DEFAULT '{}',
    recipient_users uuid[]      NOT NULL DEFAULT '{}',
    created_by      uuid,
    UNIQUE (organisation_id, kind, value, source)
);
CREATE INDEX assets_value ON assets (kind, value);

CREATE TABLE asset_claims (
    id              uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            text        NOT NULL,
    value           text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    claimed_by      uuid,
    claimed_at      timestamptz NOT NULL,
    decided_by      uuid,
    decided_at      timestamptz
);
-- A second open claim of the same asset by the same organisation is a duplicate.
CREATE UNIQUE INDEX asset_claims_open ON asset_claims (organisation_id, kind, value) WHERE status <> 'rejected';

-- A constituent's change to a 24x7 contact waits here for staff.
CREATE TABLE pending_contact_changes (
    id              uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    contact_id      uuid        REFERENCES contacts (id) ON DELETE CASCADE,
    change          jsonb       NOT NULL,
    requested_by    uuid        NOT NULL,
    requested_at    timestamptz NOT NULL,
    decided_by      uuid,
    decided_at      timestamptz,
    approved        boolean
);

CREATE TABLE reach_campaigns (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    started_at    timestamptz NOT NULL,
    started_by    text        NOT NULL,
    started_by_id uuid
);

-- Only the SHA-256 of each recipient's answer token is stored.
CREATE TABLE reach_recipients (
    id                uuid        PRIMARY KEY,
    campaign_id       uuid        NOT NULL REFERENCES reach_campaigns (id) ON DELETE CASCADE,
    organisation_id   uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    organisation_name text        NOT NULL,
    contact_id        uuid        REFERENCES contacts (id) ON DELETE SET NULL,
    contact_name      text        NOT NULL,
    email             text        NOT NULL,
    language          text        NOT NULL,
    token_hash        bytea       NOT NULL UNIQUE,
    sent_at           timestamptz NOT NULL,
    answered_at       timestamptz
);
CREATE INDEX reach_recipients_campaign ON reach_recipients (campaign_id);
