-- The incident queue (IncidentStore.QueueAsync): active incidents, most severe first, newest first within a severity.
-- In this order the page reads the 200 rows it shows and stops, instead of every active incident, each with its
-- per-row counts, and a sort; with 10,000 incidents (2,570 active) see docs/benchmarks.md, "Incidents: queue under load".
CREATE INDEX incidents_queue_active ON incidents (severity DESC, opened_at DESC, id DESC)
    WHERE state IN ('new', 'open', 'resolution-proposed');
