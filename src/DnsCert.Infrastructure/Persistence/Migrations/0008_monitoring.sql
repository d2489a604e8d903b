-- DNS health monitoring, server side (issue 6): raw probe results, the batches agents sent them in, zone state with its
-- change history, daily SLA aggregates (dns-health.md part b), and watched zones with their approved baseline and change records.

-- Raw probe results, one row per probe, partitioned by UTC day of the measurement time (not the arrival time), so a
-- late result lands in its own day and retention is a DROP TABLE of whole days. Partitions are named
-- probe_results_pYYYYMMDD and created ahead by the maintenance routine (Infrastructure/Monitoring/ProbePartitions);
-- there is deliberately no default partition: a row for a day without a partition is refused rather than kept where
-- retention cannot drop it.
-- outcome: 0 answered, 1 timeout, 2 network error, 3 malformed (Monitoring.Model.ProbeOutcome).
CREATE TABLE probe_results (
    measured_at   timestamptz NOT NULL,
    agent         text        NOT NULL,
    batch_id      uuid        NOT NULL,
    vantage_point text        NOT NULL,
    zone          text        NOT NULL,
    server_name   text        NOT NULL,
    address       inet        NOT NULL,
    transport     text        NOT NULL CHECK (transport IN ('udp', 'tcp')),
    query_name    text        NOT NULL,
    query_type    text        NOT NULL,
    outcome       smallint    NOT NULL CHECK (outcome BETWEEN 0 AND 3),
    rcode         text,
    authoritative boolean     NOT NULL,
    rtt_ms        real        NOT NULL CHECK (rtt_ms >= 0),
    serial        bigint
) PARTITION BY RANGE (measured_at);
-- Evaluation and the daily aggregates read one zone (or all zones) over a time range.
CREATE INDEX probe_results_zone_time ON probe_results (zone, measured_at);

-- One row per accepted batch: the idempotency key of ingestion. A re-sent buffer (same agent, same batch id) finds
-- its row and is not stored twice. Rows older than the retention go with the partitions.
CREATE TABLE probe_batches (
    agent       text        NOT NULL CHECK (char_length(agent) BETWEEN 1 AND 100),
    batch_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL,
    stored      integer     NOT NULL,
    discarded   integer     NOT NULL,
    PRIMARY KEY (agent, batch_id)
);
CREATE INDEX probe_batches_received ON probe_batches (received_at);

-- The zone state machine (Monitoring.Evaluation.ZoneStateMachine) with its counters, so a restart resumes mid-streak.
CREATE TABLE zone_states (
    zone                text        PRIMARY KEY,
    state               text        NOT NULL CHECK (state IN ('unknown', 'up', 'down', 'inconclusive')),
    since               timestamptz,
    pass_streak         integer     NOT NULL CHECK (pass_streak >= 0),
    fail_streak         integer     NOT NULL CHECK (fail_streak >= 0),
    inconclusive_streak integer     NOT NULL CHECK (inconclusive_streak >= 0),
    last_cycle          timestamptz,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE zone_state_changes (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone        text        NOT NULL,
    from_state  text        NOT NULL,
    to_state    text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    reason      text        NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX zone_state_changes_zone ON zone_state_changes (zone, changed_at DESC);

-- Daily SLA aggregates per zone (part b §2–3): minutes by verdict and RTT against the 500/1,500 ms service levels.
-- Recomputed from probe_results for a day whenever late results may have changed it; monthly figures sum the days.
CREATE TABLE sla_zone_daily (
    zone                 text    NOT NULL,
    day                  date    NOT NULL,
    minutes_up           integer NOT NULL,
    minutes_down         integer NOT NULL,
    minutes_inconclusive integer NOT NULL,
    udp_queries          integer NOT NULL,
    udp_within_limit     integer NOT NULL,
    udp_median_ms        real,
    udp_p95_ms           real,
    tcp_queries          integer NOT NULL,
    tcp_within_limit     integer NOT NULL,
    tcp_median_ms        real,
    tcp_p95_ms           real,
    computed_at          timestamptz NOT NULL,
    PRIMARY KEY (zone, day)
);

-- Daily per name-server address (part b §1: ≤ 432 min down per month).
CREATE TABLE sla_address_daily (
    zone                 text    NOT NULL,
    server_name          text    NOT NULL,
    address              inet    NOT NULL,
    day                  date    NOT NULL,
    minutes_up           integer NOT NULL,
    minutes_down         integer NOT NULL,
    minutes_inconclusive integer NOT NULL,
    computed_at          timestamptz NOT NULL,
    PRIMARY KEY (zone, server_name, address, day)
);

-- Watched zones (issue 6) with their approved delegation baseline (NS set, glue, DS set; a Monitoring.Changes
-- DelegationSnapshot as JSON). A new baseline is proposed, then approved by a different person (four eyes); until then
-- the old one stays in force. created_by / approved_by name users; no foreign key, as in the audit log.
CREATE TABLE watched_zones (
    zone                 text        PRIMARY KEY CHECK (zone = lower(zone) AND right(zone, 1) = '.' AND char_length(zone) <= 254),
    interval_seconds     integer     NOT NULL DEFAULT 60 CHECK (interval_seconds BETWEEN 10 AND 86400),
    added_at             timestamptz NOT NULL,
    baseline             jsonb,
    baseline_approved_at timestamptz,
    baseline_approved_by uuid,
    proposed_baseline    jsonb,
    proposed_at          timestamptz,
    proposed_by          uuid,
    CHECK ((proposed_baseline IS NULL) = (proposed_by IS NULL))
);

-- Announced delegation changes: the delegation expected after the change and its window. Approved by someone other
-- than its author; an approved record whose expectation matches exactly turns the change into a non-alarm.
CREATE TABLE zone_change_records (
    id          uuid        PRIMARY KEY,
    zone        text        NOT NULL REFERENCES watched_zones (zone) ON DELETE CASCADE,
    reference   text        NOT NULL CHECK (char_length(reference) BETWEEN 1 AND 200),
    expected    jsonb       NOT NULL,
    valid_from  timestamptz NOT NULL,
    valid_until timestamptz NOT NULL CHECK (valid_until > valid_from),
    created_by  uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    approved_by uuid CHECK (approved_by IS NULL OR approved_by <> created_by),
    approved_at timestamptz
);
CREATE INDEX zone_change_records_zone ON zone_change_records (zone, valid_until);
