-- 24x7 duty (issue 9, docs/duty.md): follow-the-sun regions, recurring shifts written in local time, overrides,
-- absences, swaps, hand-over notes, and pages with their escalation ladder. Times are timestamptz (UTC instants);
-- local shift times are kept as written (time + IANA zone) and expanded by DnsCert.Core.Duty.DutyTime.

CREATE TABLE duty_regions (
    code                text        PRIMARY KEY CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
    name                text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    time_zone           text        NOT NULL,
    -- The part of every UTC day this region holds the global watch; until <= from wraps past midnight.
    cover_from_utc      time        NOT NULL,
    cover_until_utc     time        NOT NULL,
    position            integer     NOT NULL,
    swaps_need_approval boolean     NOT NULL DEFAULT true
);

-- Duty-only facts about a user (the time zone and language are the user's own preferences, table users).
CREATE TABLE duty_profiles (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- E.164, for the SMS/phone gateway webhook.
    phone   text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')
);

CREATE TABLE duty_shifts (
    id             uuid        PRIMARY KEY,
    region         text        NOT NULL REFERENCES duty_regions (code),
    role           text        NOT NULL CHECK (role IN ('officer', 'backup')),
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    time_zone      text        NOT NULL,
    -- ISO days of the week, Monday = 1 … Sunday = 7.
    days           smallint[]  NOT NULL CHECK (cardinality(days) BETWEEN 1 AND 7 AND days <@ '{1,2,3,4,5,6,7}'),
    start_local    time        NOT NULL,
    end_local      time        NOT NULL,
    valid_from     date        NOT NULL,
    valid_until    date,
    members        uuid[]      NOT NULL CHECK (cardinality(members) >= 1),
    rotation_weeks integer     NOT NULL DEFAULT 1 CHECK (rotation_weeks BETWEEN 1 AND 52),
    created_at     timestamptz NOT NULL
);

CREATE TABLE duty_overrides (
    id         uuid        PRIMARY KEY,
    region     text        NOT NULL REFERENCES duty_regions (code),
    role       text        NOT NULL CHECK (role IN ('officer', 'backup')),
    person_id  uuid        NOT NULL REFERENCES users (id),
    from_at    timestamptz NOT NULL,
    until_at   timestamptz NOT NULL CHECK (until_at > from_at),
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX duty_overrides_range ON duty_overrides (until_at, from_at);

CREATE TABLE duty_absences (
    id         uuid        PRIMARY KEY,
    person_id  uuid        NOT NULL REFERENCES users (id),
    from_at    timestamptz NOT NULL,
    until_at   timestamptz NOT NULL CHECK (until_at > from_at),
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX duty_absences_range ON duty_absences (until_at, from_at);

CREATE TABLE duty_swaps (
    id                      uuid        PRIMARY KEY,
    shift_id                uuid        NOT NULL REFERENCES duty_shifts (id),
    occurrence_start        timestamptz NOT NULL,
    requester_id            uuid        NOT NULL REFERENCES users (id),
    counterpart_id          uuid        NOT NULL REFERENCES users (id) CHECK (counterpart_id <> requester_id),
    return_shift_id         uuid        REFERENCES duty_shifts (id),
    return_occurrence_start timestamptz,
    status                  text        NOT NULL CHECK (status IN ('requested', 'accepted', 'effective', 'declined', 'cancelled')),
    needs_approval          boolean     NOT NULL,
    note                    text        NOT NULL DEFAULT '',
    requested_at            timestamptz NOT NULL,
    accepted_at             timestamptz,
    approved_by             uuid        REFERENCES users (id),
    decided_at              timestamptz
);
CREATE INDEX duty_swaps_occurrence ON duty_swaps (occurrence_start);
-- One live swap per occurrence: a second request for the same shift occurrence is refused.
CREATE UNIQUE INDEX duty_swaps_live ON duty_swaps (shift_id, occurrence_start) WHERE status IN ('requested', 'accepted', 'effective');

CREATE TABLE duty_handovers (
    id              uuid        PRIMARY KEY,
    region          text        NOT NULL REFERENCES duty_regions (code),
    written_by      uuid        NOT NULL REFERENCES users (id),
    written_at      timestamptz NOT NULL,
    body            text        NOT NULL,
    open_items      text[]      NOT NULL DEFAULT '{}',
    acknowledged_by uuid        REFERENCES users (id),
    acknowledged_at timestamptz
);
CREATE INDEX duty_handovers_recent ON duty_handovers (region, written_at DESC);

-- Pages and their escalation. The escalation worker claims due rows with FOR UPDATE SKIP LOCKED (any number of
-- server instances); each rung is recorded in duty_page_notices in the same transaction as its outbox messages.
CREATE SEQUENCE duty_page_number_seq;
CREATE TABLE duty_pages (
    id                 uuid        PRIMARY KEY,
    number             bigint      NOT NULL DEFAULT nextval('duty_page_number_seq') UNIQUE,
    region             text        REFERENCES duty_regions (code),
    subject            text        NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
    body               text        NOT NULL,
    reference          text,
    created_at         timestamptz NOT NULL,
    level              smallint    NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 2),
    -- null once acknowledged or when the top rung has been told.
    next_escalation_at timestamptz,
    acknowledged_at    timestamptz,
    acknowledged_by    uuid        REFERENCES users (id),
    acknowledged_via   text
);
CREATE UNIQUE INDEX duty_pages_reference ON duty_pages (reference) WHERE reference IS NOT NULL;
CREATE INDEX duty_pages_due ON duty_pages (next_escalation_at) WHERE next_escalation_at IS NOT NULL;

CREATE TABLE duty_page_notices (
    page_id   uuid        NOT NULL REFERENCES duty_pages (id) ON DELETE CASCADE,
    level     smallint    NOT NULL,
    person_id uuid        NOT NULL REFERENCES users (id),
    channel   text        NOT NULL CHECK (channel IN ('email', 'webhook')),
    at        timestamptz NOT NULL,
    PRIMARY KEY (page_id, level, person_id, channel)
);
