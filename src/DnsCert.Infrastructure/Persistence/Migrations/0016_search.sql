-- The console search (issue 10): substring matches on names, titles, zones and e-mail addresses. pg_trgm ships with
-- Debian's postgresql-15 package and is a trusted extension (PostgreSQL 13+), so the database owner may create it.
-- GIN trigram indexes serve LIKE '%…%' (the search's patterns) without scanning whole tables.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX organisations_name_trgm ON organisations USING gin (lower(name) gin_trgm_ops);
CREATE INDEX assets_value_trgm ON assets USING gin (value gin_trgm_ops);
CREATE INDEX watched_zones_zone_trgm ON watched_zones USING gin (zone gin_trgm_ops);
CREATE INDEX incidents_title_trgm ON incidents USING gin (lower(title) gin_trgm_ops);
CREATE INDEX incident_assets_value_trgm ON incident_assets USING gin (value gin_trgm_ops);
CREATE INDEX campaigns_name_trgm ON campaigns USING gin (lower(name) gin_trgm_ops);
CREATE INDEX contacts_email_trgm ON contacts USING gin (lower(email) gin_trgm_ops);
CREATE INDEX contacts_name_trgm ON contacts USING gin (lower(name) gin_trgm_ops);
