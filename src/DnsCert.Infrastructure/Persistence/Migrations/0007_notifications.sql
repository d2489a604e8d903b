-- Notification pipeline (issue 8): directives (whom to tell, why), the outbox of messages ready for the wire, the
-- hand-off markers that make sending crash-safe, dead-letter alerts for the duty officer, and mail intake.

-- Directives wait here until their aggregation window closes; the planner turns each group into one message per
-- recipient. organisation_id names a constituency organisation (issue 7 adds the table; no foreign key yet).
CREATE TABLE notification_directives (
    id              uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL,
    contact_role    text        NOT NULL CHECK (char_length(contact_role) BETWEEN 1 AND 50),
    kind            text        NOT NULL,
    tlp             text        NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    aggregation_key text        NOT NULL CHECK (char_length(aggregation_key) BETWEEN 1 AND 200),
    not_before      timestamptz NOT NULL,
    reference       text,
    item            jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    -- pending → planned (messages queued) or unroutable (nobody holds the contact role).
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'planned', 'unroutable')),
    planned_at      timestamptz
);
CREATE INDEX notification_directives_pending ON notification_directives (aggregation_key, not_before) WHERE state = 'pending';

-- The number a reply quotes in its subject: [DnsCert #123].
CREATE SEQUENCE notification_ticket_seq;

-- The outbox. A row holds the complete message as it goes on the wire (already signed and encrypted), so every retry
-- sends the same bytes with the same Message-ID. Senders claim rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE notification_messages (
    id                uuid        PRIMARY KEY,
    ticket            bigint      NOT NULL UNIQUE,
    idempotency_key   text        NOT NULL UNIQUE,
    message_id        text        NOT NULL UNIQUE,
    channel           text        NOT NULL CHECK (channel IN ('email', 'webhook')),
    organisation_id   uuid,
    kind              text        NOT NULL,
    tlp               text        NOT NULL,
    language          text        NOT NULL,
    recipient         text        NOT NULL,
    subject           text        NOT NULL,
    content           bytea       NOT NULL,
    encrypted         boolean     NOT NULL DEFAULT false,
    -- queued → sent → (bounced | answered); queued → failed (dead letter); unconfirmed: the process died between
    -- handing the message over and hearing the answer, so it is neither resent nor known delivered.
    status            text        NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sent', 'failed', 'bounced', 'answered', 'unconfirmed')),
    status_detail     text,
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    sent_at           timestamptz,
    status_changed_at timestamptz NOT NULL
);
CREATE INDEX notification_messages_due ON notification_messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX notification_messages_organisation ON notification_messages (organisation_id, created_at DESC);
-- Throttling counts recent messages per recipient, case-blind (the address itself is kept as given).
CREATE INDEX notification_messages_recipient ON notification_messages (lower(recipient), next_attempt_at);

-- Written and committed just before the final "." of DATA. A row here for a message still queued means a sender died
-- mid-transaction: the message may have been delivered, so it is not sent again. No foreign key on purpose: the
-- sender holds the message row FOR UPDATE, which a key check would wait for.
CREATE TABLE notification_handoffs (
    message   uuid        PRIMARY KEY,
    handed_at timestamptz NOT NULL
);

-- Alerts for the duty officer: dead letters and unconfirmed deliveries. The incident feature (issue 9) consumes them.
CREATE TABLE notification_alerts (
    id              uuid        PRIMARY KEY,
    message         uuid        NOT NULL REFERENCES notification_messages (id),
    kind            text        NOT NULL CHECK (kind IN ('dead-letter', 'unconfirmed')),
    detail          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    acknowledged_at timestamptz
);
CREATE INDEX notification_alerts_open ON notification_alerts (created_at) WHERE acknowledged_at IS NULL;

-- Reports: mail that is not a reply to one of our messages. Deliberately minimal; incidents (issue 9) build on it.
CREATE TABLE reports (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    sender      text        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    status      text        NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'triaged', 'closed'))
);

-- Every mail the gateway received, kept as received: replies (attached to a message), new reports, bounces (DSNs),
-- and malformed mail (quarantined, kept for inspection with the reason).
CREATE TABLE mail_intake (
    id          uuid        PRIMARY KEY,
    received_at timestamptz NOT NULL,
    sender      text,
    subject     text,
    message_id  text,
    disposition text        NOT NULL CHECK (disposition IN ('reply', 'report', 'bounce', 'quarantined')),
    message     uuid        REFERENCES notification_messages (id),
    report      bigint      REFERENCES reports (id),
    signature   text        NOT NULL CHECK (signature IN ('none', 'valid', 'invalid', 'unknown-key')),
    problem     text,
    raw         bytea       NOT NULL
);
CREATE INDEX mail_intake_message ON mail_intake (message) WHERE message IS NOT NULL;
CREATE INDEX mail_intake_received ON mail_intake (received_at DESC);
