-- Coordinated mass action (issue 11): campaigns of domain names split per registry, one coordination request per
-- registry and upload, and per name what the registry reported and what the DNS showed.

-- A campaign carries the four visibility columns (Core/Visibility). The registries asked are NOT recipients of the
-- campaign (they must not read each other's slices): each reads its own slice through its request's signed link.
CREATE TABLE campaigns (
    id                      uuid        PRIMARY KEY,
    name                    text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description             text,
    action                  text        NOT NULL CHECK (action IN ('block', 'suspend', 'sinkhole', 'transfer')),
    sinkhole_name_servers   text[]      NOT NULL DEFAULT '{}',
    trusted_registrar       text,
    deadline                timestamptz NOT NULL,
    names_per_day           integer     NOT NULL DEFAULT 0 CHECK (names_per_day >= 0),
    -- name + the first upload's content hash: creating the same campaign from the same file twice finds the first.
    idempotency_key         text        NOT NULL UNIQUE,
    tlp                     smallint    NOT NULL CHECK (tlp BETWEEN 0 AND 4),
    recipient_organisations uuid[]      NOT NULL DEFAULT '{}',
    recipient_users         uuid[]      NOT NULL DEFAULT '{}',
    created_by              uuid,
    created_at              timestamptz NOT NULL
);

-- One upload is one day of the campaign's time window. The same content twice in one campaign is the same upload.
CREATE TABLE campaign_uploads (
    id           uuid        PRIMARY KEY,
    campaign_id  uuid        NOT NULL REFERENCES campaigns (id),
    day          date        NOT NULL,
    content_hash text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    file_name    text,
    lines        bigint      NOT NULL,
    names        bigint      NOT NULL,
    new_names    bigint      NOT NULL,
    created_by   uuid,
    created_at   timestamptz NOT NULL,
    UNIQUE (campaign_id, content_hash)
);

-- One coordination request per registry per upload: that registry's slice. The portal link's token is 256 random
-- bits; only its SHA-256 is kept.
CREATE TABLE campaign_requests (
    id                uuid        PRIMARY KEY,
    campaign_id       uuid        NOT NULL REFERENCES campaigns (id),
    upload_id         uuid        NOT NULL REFERENCES campaign_uploads (id),
    organisation_id   uuid        NOT NULL REFERENCES organisations (id),
    organisation_name text        NOT NULL,
    language          text        NOT NULL,
    tlds              text[]      NOT NULL,
    names             integer     NOT NULL CHECK (names > 0),
    token_hash        bytea       NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL,
    acknowledged_at   timestamptz,
    UNIQUE (upload_id, organisation_id)
);
CREATE INDEX campaign_requests_campaign ON campaign_requests (campaign_id, organisation_id);

-- Every name once per campaign (A-labels, lower case, final dot). request_id is null for unroutable names.
-- status: requested → acknowledged → actioned (the registry says) → verified | contradicted (the DNS says).
CREATE TABLE campaign_names (
    campaign_id      uuid        NOT NULL REFERENCES campaigns (id),
    name             text        NOT NULL,
    tld              text        NOT NULL,
    upload_id        uuid        NOT NULL REFERENCES campaign_uploads (id),
    -- Deferred: names are inserted first, then one request per registry with the count of its new names.
    request_id       uuid        REFERENCES campaign_requests (id) DEFERRABLE INITIALLY DEFERRED,
    organisation_id  uuid,
    status           text        NOT NULL
                     CHECK (status IN ('requested', 'acknowledged', 'actioned', 'verified', 'contradicted', 'unroutable')),
    reported_outcome text,
    reported_at      timestamptz,
    dns_state        text,
    dns_detail       text,
    dns_checked_at   timestamptz,
    PRIMARY KEY (campaign_id, name)
);
CREATE INDEX campaign_names_request ON campaign_names (request_id, status);
CREATE INDEX campaign_names_registry ON campaign_names (campaign_id, organisation_id, status);
