-- The incident feed from monitoring findings (docs/incidents.md §Findings feed). zone_findings rows change in place
-- (last_seen every run, severity, cleared_at), so the feed's progress is kept per finding: each finding that drove an
-- incident, with the severity and the clearing the feed last acted on. Written in the same transaction as the timeline
-- entries, so a crash neither loses nor repeats one and an ongoing finding adds nothing. No foreign key to
-- zone_findings: a finding aged out of that table counts as cleared.
CREATE TABLE incident_findings (
    finding_id  bigint      PRIMARY KEY,
    incident_id bigint      NOT NULL REFERENCES incidents (id),
    zone        text        NOT NULL,
    check_id    text        NOT NULL,
    severity    text        NOT NULL CHECK (severity IN ('info', 'notice', 'warning', 'error', 'critical')),
    linked_at   timestamptz NOT NULL,
    cleared_at  timestamptz
);
CREATE INDEX incident_findings_open ON incident_findings (zone) WHERE cleared_at IS NULL;
CREATE INDEX incident_findings_incident ON incident_findings (incident_id) WHERE cleared_at IS NULL;
-- The feed looks for open findings at or above its threshold that no incident recorded yet.
CREATE INDEX zone_findings_open_zone ON zone_findings (zone) WHERE cleared_at IS NULL;
