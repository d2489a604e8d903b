-- The live dashboard and the public status page (issue 10, docs/console.md).

-- A watched zone's monitoring is TLP:AMBER for the organisations holding it unless the core team publishes it:
-- then its state is TLP:CLEAR and appears, aggregated per TLD, on the public status page (/status). Not public by default.
ALTER TABLE watched_zones ADD COLUMN public_status boolean NOT NULL DEFAULT false;

-- Change notifications for live views. One statement-level trigger per table sends the table's name on the channel
-- dnscert_changes (PostgreSQL folds identical notifications of one transaction into one, and delivers them at commit),
-- so a monitoring cycle that writes a thousand rows costs one notification per table, not one per row. Each server
-- process keeps ONE listening connection and fans the signal out to its dashboard streams, which re-read what their
-- viewer may see; the payload carries no data, so nothing leaks through the channel.
CREATE FUNCTION dnscert_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('dnscert_changes', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER watched_zones_notify AFTER INSERT OR UPDATE OR DELETE ON watched_zones
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER zone_states_notify AFTER INSERT OR UPDATE OR DELETE ON zone_states
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER zone_state_changes_notify AFTER INSERT ON zone_state_changes
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER zone_findings_notify AFTER INSERT OR UPDATE OR DELETE ON zone_findings
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER zone_check_results_notify AFTER INSERT OR UPDATE OR DELETE ON zone_check_results
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER incidents_notify AFTER INSERT OR UPDATE OR DELETE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER campaigns_notify AFTER INSERT OR UPDATE OR DELETE ON campaigns
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER campaign_names_notify AFTER INSERT OR UPDATE OR DELETE ON campaign_names
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER duty_overrides_notify AFTER INSERT OR UPDATE OR DELETE ON duty_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
CREATE TRIGGER duty_shifts_notify AFTER INSERT OR UPDATE OR DELETE ON duty_shifts
    FOR EACH STATEMENT EXECUTE FUNCTION dnscert_notify_change();
