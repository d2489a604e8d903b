-- The latest full check of each watched zone (issue 6, console): the `check` command's report (findings with their
-- evidence: exact queries and responses) as JSON, plus the delegation it observed, from which a baseline can be
-- proposed. One row per zone, replaced by each check. worst_severity and finding_count are copies of the report for
-- the worst-first listing (Monitoring.Model.Severity: 0 info … 4 critical; NULL without findings).
-- Contract for the monitoring runtime: it writes through Infrastructure/Monitoring/ZoneCheckResultStore; if it keeps
-- findings in a table of its own, only ZoneCheckResultStore and MonitoringReadModel read this table.
CREATE TABLE zone_check_results (
    zone           text        PRIMARY KEY REFERENCES watched_zones (zone) ON DELETE CASCADE,
    checked_at     timestamptz NOT NULL,
    vantage_point  text        NOT NULL,
    worst_severity smallint    CHECK (worst_severity BETWEEN 0 AND 4),
    finding_count  integer     NOT NULL CHECK (finding_count >= 0),
    report         jsonb       NOT NULL,
    observed       jsonb
);
