-- Verification on a schedule (issue 11): the worker takes the routed names whose DNS check is oldest (never checked
-- first), batch by batch; this index serves that order without sorting a campaign of millions of names.
CREATE INDEX campaign_names_due ON campaign_names (dns_checked_at NULLS FIRST, campaign_id, name) WHERE status <> 'unroutable';
