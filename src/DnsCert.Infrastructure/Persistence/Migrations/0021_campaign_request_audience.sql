-- Who may read one registry's campaign request (the console's portal pages, the bulk API): the four visibility facts
-- of a request, for the one visibility predicate (Infrastructure/Visibility/VisibilitySql.cs). The audience is the
-- registry asked, never the other registries: a request is at least TLP:AMBER whatever the campaign's label (a
-- TLP:GREEN campaign is community knowledge; which names a given registry was asked to act on is not). The
-- campaign's named recipients and its creator keep their access, so TLP:RED stays with named people only.
CREATE VIEW campaign_request_audience AS
SELECT r.id                               AS request_id,
       r.campaign_id                      AS campaign_id,
       greatest(c.tlp, 2)::smallint       AS tlp,
       ARRAY[r.organisation_id]           AS recipient_organisations,
       c.recipient_users                  AS recipient_users,
       c.created_by                       AS created_by
FROM campaign_requests r
JOIN campaigns c ON c.id = r.campaign_id;
