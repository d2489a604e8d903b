-- The console's notification panel (issue 10). Its items are derived from the tables where the events already live
-- (incidents.assignee, coordination_requests.status, incident_escalations, incident_tasks, duty_handovers), so an item
-- can never disagree with its source (a reassigned incident leaves the panel at once) and no event writer has to
-- remember a second insert. Only what a person has read is stored: one row per (person, item key).
CREATE TABLE attention_reads (
    user_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item    text        NOT NULL CHECK (char_length(item) BETWEEN 1 AND 200),
    read_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, item)
);

-- The panel's queries start from the person: their incidents, their tasks.
CREATE INDEX incident_tasks_assignee ON incident_tasks (assignee) WHERE status = 'open';
CREATE INDEX incident_escalations_at ON incident_escalations (at DESC);
