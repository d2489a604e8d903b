-- DNS health monitoring, the continuous runtime (issue 6): what agents probe, who the agents are, current findings
-- per zone, and a monthly SLA view. The contract other features read is documented in docs/monitoring.md.

-- The name-server addresses agents probe for a zone, taken from the zone's last full check (parent and child NS sets
-- with their addresses): [{"serverName": "ns1.example.", "address": "192.0.2.1"}, …]. Null until the first check.
ALTER TABLE watched_zones
    ADD COLUMN targets        jsonb,
    ADD COLUMN targets_at     timestamptz,
    ADD COLUMN last_check_at  timestamptz;

-- Agents (vantage points) that pulled work or sent a heartbeat: the console shows who probes and who is silent.
CREATE TABLE monitoring_agents (
    vantage_point   text        PRIMARY KEY CHECK (char_length(vantage_point) BETWEEN 1 AND 100),
    agent           text        NOT NULL,
    version         text,
    spooled_batches integer     NOT NULL DEFAULT 0,
    spooled_results integer     NOT NULL DEFAULT 0,
    last_probe_at   timestamptz,
    last_seen_at    timestamptz NOT NULL
);

-- Current and past findings of the checks catalogue per zone (one row per episode of a finding). A finding is
-- identified by (zone, check_id, subject); while open (cleared_at IS NULL) each run that sees it again updates
-- last_seen/severity/message/evidence; it clears after `missed_runs` reaches Monitoring:Runtime:ClearAfterRuns
-- consecutive runs without it. Seen again later, it opens a new row. Read by the incidents feature.
CREATE TABLE zone_findings (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone            text        NOT NULL,
    check_id        text        NOT NULL,
    subject         text        NOT NULL,
    severity        text        NOT NULL CHECK (severity IN ('info', 'notice', 'warning', 'error', 'critical')),
    message         text        NOT NULL,
    remediation_key text        NOT NULL,
    evidence        jsonb       NOT NULL,
    first_seen      timestamptz NOT NULL,
    last_seen       timestamptz NOT NULL,
    cleared_at      timestamptz,
    missed_runs     integer     NOT NULL DEFAULT 0 CHECK (missed_runs >= 0)
);
CREATE UNIQUE INDEX zone_findings_open ON zone_findings (zone, check_id, subject) WHERE cleared_at IS NULL;
CREATE INDEX zone_findings_zone ON zone_findings (zone, first_seen DESC);

-- Monthly SLA figures are sums of the days (part b: 432 min per name-server address per month; 0 min per zone).
CREATE VIEW sla_zone_monthly AS
SELECT zone, date_trunc('month', day)::date AS month, count(*) AS days,
       sum(minutes_up) AS minutes_up, sum(minutes_down) AS minutes_down, sum(minutes_inconclusive) AS minutes_inconclusive,
       sum(udp_queries) AS udp_queries, sum(udp_within_limit) AS udp_within_limit,
       sum(tcp_queries) AS tcp_queries, sum(tcp_within_limit) AS tcp_within_limit
FROM sla_zone_daily GROUP BY zone, date_trunc('month', day);

CREATE VIEW sla_address_monthly AS
SELECT zone, server_name, address, date_trunc('month', day)::date AS month, count(*) AS days,
       sum(minutes_up) AS minutes_up, sum(minutes_down) AS minutes_down, sum(minutes_inconclusive) AS minutes_inconclusive
FROM sla_address_daily GROUP BY zone, server_name, address, date_trunc('month', day);
