-- Incident handling (issue 9): reports (extending the mail gateway's table of 0007), incidents, their affected
-- organisations and assets, the append-only timeline, tasks, coordination requests to outside parties, and the cursor
-- of the monitoring feed. Readable rows carry the four visibility columns (Core/Visibility) or inherit them from their
-- incident through the *_audience views, so every read goes through VisibilitySql.

-- Reports: the mail gateway keeps inserting (sender, subject, body); the defaults make those TLP:AMBER for the core team.
ALTER TABLE reports
    ADD COLUMN source                  text        NOT NULL DEFAULT 'mail'
                                       CHECK (source IN ('mail', 'public-form', 'portal', 'api', 'monitoring')),
    ADD COLUMN language                text        NOT NULL DEFAULT 'en',
    ADD COLUMN assets                  text[]      NOT NULL DEFAULT '{}',
    -- The public form's e-mail confirmation: only the SHA-256 of the link's token.
    ADD COLUMN confirmation_hash       bytea       UNIQUE,
    ADD COLUMN confirmed_at            timestamptz,
    ADD COLUMN reporter_organisation   uuid        REFERENCES organisations (id),
    ADD COLUMN tlp                     smallint    NOT NULL DEFAULT 2 CHECK (tlp BETWEEN 0 AND 4),
    ADD COLUMN recipient_organisations uuid[]      NOT NULL DEFAULT '{}',
    ADD COLUMN recipient_users         uuid[]      NOT NULL DEFAULT '{}',
    ADD COLUMN created_by              uuid;
CREATE INDEX reports_created ON reports (created_at DESC);

-- state: new → open → resolution-proposed → closed; rejected; merged (terminal, merged_into names the survivor).
-- Triage: RSIT class/type, FIRST DNS abuse technique, scope × effect → severity (0 low … 3 critical), TLP 2.0, PAP.
CREATE TABLE incidents (
    id                      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title                   text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description             text        NOT NULL DEFAULT '',
    state                   text        NOT NULL
                            CHECK (state IN ('new', 'open', 'resolution-proposed', 'closed', 'rejected', 'merged')),
    rsit_class              text        NOT NULL,
    rsit_type               text        NOT NULL,
    dns_technique           text        NOT NULL DEFAULT 'none',
    scope                   text        NOT NULL,
    effect                  text        NOT NULL,
    severity                smallint    NOT NULL CHECK (severity BETWEEN 0 AND 3),
    severity_overridden     boolean     NOT NULL DEFAULT false,
    pap                     smallint    NOT NULL CHECK (pap BETWEEN 0 AND 3),
    tlp                     smallint    NOT NULL CHECK (tlp BETWEEN 0 AND 4),
    recipient_organisations uuid[]      NOT NULL DEFAULT '{}',
    recipient_users         uuid[]      NOT NULL DEFAULT '{}',
    created_by              uuid,
    source                  text        NOT NULL,
    -- One active incident per key ("zone:example"): an ongoing fault updates its incident instead of opening more.
    dedup_key               text,
    assignee                uuid        REFERENCES users (id),
    opened_at               timestamptz NOT NULL,
    acknowledged_at         timestamptz,
    first_response_at       timestamptz,
    resolved_at             timestamptz,
    merged_into             bigint      REFERENCES incidents (id),
    after_action            text,
    updated_at              timestamptz NOT NULL,
    CHECK ((state = 'merged') = (merged_into IS NOT NULL))
);
CREATE UNIQUE INDEX incidents_dedup_active ON incidents (dedup_key)
    WHERE dedup_key IS NOT NULL AND state IN ('new', 'open', 'resolution-proposed');
CREATE INDEX incidents_state_opened ON incidents (state, opened_at DESC);
CREATE INDEX incidents_assignee ON incidents (assignee) WHERE state IN ('new', 'open', 'resolution-proposed');
CREATE INDEX incidents_recipient_organisations ON incidents USING gin (recipient_organisations);

ALTER TABLE reports ADD COLUMN incident_id bigint REFERENCES incidents (id);
CREATE INDEX reports_incident ON reports (incident_id);

-- The organisations an incident concerns (routing of its assets, or named by a handler), with the capacity.
CREATE TABLE incident_affected (
    incident_id     bigint NOT NULL REFERENCES incidents (id),
    organisation_id uuid   NOT NULL REFERENCES organisations (id),
    name            text   NOT NULL,
    role            text   NOT NULL,
    region          text   NOT NULL,
    PRIMARY KEY (incident_id, organisation_id)
);

CREATE TABLE incident_assets (
    incident_id bigint NOT NULL REFERENCES incidents (id),
    value       text   NOT NULL CHECK (char_length(value) BETWEEN 1 AND 253),
    PRIMARY KEY (incident_id, value)
);
CREATE INDEX incident_assets_value ON incident_assets (value);

-- The timeline, append-only: the trigger below refuses every UPDATE and DELETE. Internal entries are for the core team.
CREATE TABLE incident_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint      NOT NULL REFERENCES incidents (id),
    at          timestamptz NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('comment', 'mail-in', 'mail-out', 'state-change', 'classification-change',
                                                     'assignment', 'report-linked', 'merge', 'split', 'task', 'request', 'finding',
                                                     'escalation')),
    actor_id    uuid,
    actor       text        NOT NULL,
    text        text        NOT NULL,
    internal    boolean     NOT NULL DEFAULT false
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at, id);

CREATE FUNCTION incident_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'incident_events is append-only';
END
$$;
CREATE TRIGGER incident_events_append_only BEFORE UPDATE OR DELETE ON incident_events
    FOR EACH ROW EXECUTE FUNCTION incident_events_append_only();

-- A timeline entry is seen by whoever sees its incident; an internal one not by the incident's organisations.
CREATE VIEW incident_event_audience AS
SELECT e.*, i.tlp,
       CASE WHEN e.internal THEN '{}'::uuid[] ELSE i.recipient_organisations END AS recipient_organisations,
       i.recipient_users, i.created_by
FROM incident_events e JOIN incidents i ON i.id = e.incident_id;

-- Tasks for handlers (TheHive's tasks): internal to the team.
CREATE TABLE incident_tasks (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint      NOT NULL REFERENCES incidents (id),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    assignee    uuid        REFERENCES users (id),
    due         timestamptz,
    status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    created_at  timestamptz NOT NULL,
    created_by  uuid,
    done_at     timestamptz
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id);

-- Coordination requests to outside parties (RTIR's investigations, VINCE's per-party status): notified → acknowledged →
-- in-progress → done, or declined (with a reason) or cancelled. The acknowledgement link's token is kept as SHA-256.
CREATE TABLE coordination_requests (
    id                uuid        PRIMARY KEY,
    incident_id       bigint      NOT NULL REFERENCES incidents (id),
    organisation_id   uuid        NOT NULL REFERENCES organisations (id),
    organisation_name text        NOT NULL,
    recipient         text        NOT NULL,
    language          text        NOT NULL,
    action            text        NOT NULL CHECK (char_length(action) BETWEEN 1 AND 4000),
    due               timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'notified'
                      CHECK (status IN ('notified', 'acknowledged', 'in-progress', 'done', 'declined', 'cancelled')),
    reason            text,
    token_hash        bytea       NOT NULL UNIQUE,
    message           uuid        REFERENCES notification_messages (id),
    ticket            bigint,
    created_at        timestamptz NOT NULL,
    created_by        uuid,
    status_changed_at timestamptz NOT NULL,
    acknowledged_at   timestamptz,
    CHECK (status <> 'declined' OR reason IS NOT NULL)
);
CREATE INDEX coordination_requests_incident ON coordination_requests (incident_id);
CREATE INDEX coordination_requests_open ON coordination_requests (organisation_id) WHERE status IN ('notified', 'acknowledged', 'in-progress');

-- A request is seen by the core team (incident visibility) and by the organisation it is addressed to.
CREATE VIEW coordination_request_audience AS
SELECT r.*, i.tlp, ARRAY[r.organisation_id] AS recipient_organisations, i.recipient_users,
       i.created_by AS incident_created_by
FROM coordination_requests r JOIN incidents i ON i.id = r.incident_id;

-- How far each feed has read (the monitoring feed reads zone_state_changes by id).
CREATE TABLE incident_feed_cursors (
    feed       text        PRIMARY KEY,
    last_id    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Tasks are the team's own work: the incident's organisations never see them (an empty audience beyond the team).
CREATE VIEW incident_task_audience AS
SELECT t.*, u.display_name AS assignee_name, i.tlp, '{}'::uuid[] AS recipient_organisations, i.recipient_users,
       i.created_by AS incident_created_by
FROM incident_tasks t JOIN incidents i ON i.id = t.incident_id LEFT JOIN users u ON u.id = t.assignee;

-- Escalations already made, one per (incident, clock, level): 1 late (duty officer), 2 overdue (head of operations).
CREATE TABLE incident_escalations (
    incident_id bigint      NOT NULL REFERENCES incidents (id),
    clock       text        NOT NULL,
    level       smallint    NOT NULL CHECK (level IN (1, 2)),
    at          timestamptz NOT NULL,
    PRIMARY KEY (incident_id, clock, level)
);

-- Replies to coordination requests already copied into their incident's timeline (mail_intake stays as received).
CREATE TABLE incident_mail_seen (
    intake      uuid   PRIMARY KEY REFERENCES mail_intake (id),
    incident_id bigint NOT NULL REFERENCES incidents (id)
);
