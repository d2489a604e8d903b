-- The sender commits the hand-off in its claim transaction just before the final "." of DATA (one connection per
-- message), and so no longer holds the message row locked while it waits for the server's reply:
-- * the message moves to 'sending' in that commit. A concurrent claim that read the row before the commit re-checks
--   the row's own columns when it locks it (READ COMMITTED), but not the hand-off table, which its snapshot does not
--   see: the status change is what keeps it from sending the message a second time;
-- * the hand-off row names the database session of the sender that wrote it: the sweep tells a live sender's hand-off
--   from a dead one's by whether that session still exists (pg_stat_activity; the same role sees its own sessions'
--   backend_start).
ALTER TABLE notification_messages
    DROP CONSTRAINT notification_messages_status_check,
    ADD CONSTRAINT notification_messages_status_check
        CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'answered', 'unconfirmed'));

ALTER TABLE notification_handoffs
    ADD COLUMN backend_pid   integer,
    ADD COLUMN backend_start timestamptz;
