-- A hand-off row names the database session of the sender that wrote it. The sender commits the row in its claim
-- transaction just before the final "." of DATA (one connection per message) and so no longer holds the message row
-- locked while it waits for the server's reply: the sweep tells a live sender's hand-off from a dead one's by whether
-- that session still exists (pg_stat_activity, the same role sees its own sessions' backend_start).
ALTER TABLE notification_handoffs
    ADD COLUMN backend_pid   integer,
    ADD COLUMN backend_start timestamptz;
