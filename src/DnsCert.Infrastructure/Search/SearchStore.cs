using DnsCert.Core.Constituency;
using DnsCert.Core.Search;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Incidents;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Visibility;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Search;

/// <summary>
/// The console search. Each kind is one bounded query (at most <see cref="SearchQuery.CountLimit"/> rows counted, the
/// first <see cref="SearchQuery.PerKind"/> listed) that appends the visibility predicate for the viewer:
/// organisations through the directory's own search, watched zones through the monitoring read model's zone rows,
/// incidents and campaigns over their own visibility columns, contacts (staff only) over theirs. The substring matches
/// are served by the pg_trgm indexes of the search migration.
/// </summary>
public sealed class SearchStore(NpgsqlDataSource dataSource, IDirectoryRepository directory) : ISearchStore
{
    public async Task<SearchResults> SearchAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(query);
        var groups = new List<SearchGroup>
        {
            await OrganisationsAsync(viewer, query, cancellationToken),
            await ZonesAsync(viewer, query, cancellationToken),
            await IncidentsAsync(viewer, query, cancellationToken),
            await CampaignsAsync(viewer, query, cancellationToken),
        };
        // Contact e-mail addresses are the team's working data: constituents find their own through their organisation.
        if (viewer.IsCoreTeam)
        {
            groups.Add(await ContactsAsync(viewer, query, cancellationToken));
        }

        return new SearchResults(query.Text, groups);
    }

    private static string[] Patterns(IEnumerable<string> texts) =>
        [.. texts.Select(t => "%" + DirectoryRepository.LikeEscape(t) + "%").Distinct(StringComparer.Ordinal)];

    private async Task<SearchGroup> OrganisationsAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        var search = new DirectorySearch(query.Text, Limit: query.PerKind) { Spellings = query.Names };
        var rows = await directory.SearchAsync(viewer, search, cancellationToken);
        var count = rows.Count < query.PerKind ? rows.Count : await directory.CountAsync(viewer, search, SearchQuery.CountLimit + 1, cancellationToken);
        return new SearchGroup(SearchKind.Organisation, [.. rows.Select(o => new SearchHit(SearchKind.Organisation, o.Name,
            $"{o.Kind.ToCode()} · {o.Region.ToCode()}", "/directory/" + o.Id))], count);
    }

    private async Task<SearchGroup> ZonesAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Watched zones as monitoring shows them (TLP:AMBER to the core team and the zone's holders), then the zones of
        // the directory (TLP:GREEN assets) that are not watched, leading to their organisation.
        await using var command = MonitoringReadModel.Command(connection, viewer, out var watchedVisible);
        var filter = VisibilityPolicy.For(viewer);
        var assetVisible = VisibilitySql.Condition(filter, command, alias: "a");
        var organisationVisible = VisibilitySql.Condition(filter, command, alias: "o");
        command.CommandText += $"""
            , m AS (
                SELECT * FROM (
                    SELECT left(z.zone, -1) AS name, NULL::uuid AS organisation_id, NULL::text AS organisation_name, h.health
                    FROM z JOIN h ON h.state IS NOT DISTINCT FROM z.state AND h.worst IS NOT DISTINCT FROM z.worst_severity
                    WHERE z.zone <> '.' AND z.zone LIKE ANY(@patterns) AND {watchedVisible}
                    UNION ALL
                    SELECT DISTINCT a.value, o.id, o.name, NULL::smallint
                    FROM assets a JOIN organisations o ON o.id = a.organisation_id
                    WHERE a.kind = 'zone' AND a.value LIKE ANY(@patterns) AND {assetVisible} AND {organisationVisible}
                      AND NOT EXISTS (SELECT 1 FROM watched_zones w WHERE w.zone = a.value || '.')
                ) u
                ORDER BY (u.name = ANY(@names)) DESC, u.name, u.organisation_name
                LIMIT @cap)
            SELECT name, organisation_id, organisation_name, health, (SELECT count(*) FROM m)::int FROM m LIMIT @per
            """;
        Add(command, query);
        var hits = new List<SearchHit>();
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0) + ".";
            count = reader.GetInt32(4);
            hits.Add(reader.IsDBNull(1)
                ? new SearchHit(SearchKind.Zone, name, ((DnsCert.Core.Monitoring.ZoneHealth)reader.GetInt16(3)).ToString().ToLowerInvariant(),
                    "/monitoring/zone?name=" + Uri.EscapeDataString(name))
                : new SearchHit(SearchKind.Zone, name, reader.GetString(2), "/directory/" + reader.GetGuid(1)));
        }

        return new SearchGroup(SearchKind.Zone, hits, count);
    }

    private async Task<SearchGroup> IncidentsAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, IncidentRows.IncidentColumns);
        command.CommandText = $"""
            WITH m AS (
                SELECT i.id, i.title, i.state, i.severity, i.tlp FROM incidents i
                WHERE {visible}
                  AND (i.id IS NOT DISTINCT FROM @number OR lower(i.title) LIKE @text
                       OR EXISTS (SELECT 1 FROM incident_assets x WHERE x.incident_id = i.id AND x.value LIKE ANY(@patterns)))
                ORDER BY (i.id IS NOT DISTINCT FROM @number) DESC, i.opened_at DESC, i.id DESC
                LIMIT @cap)
            SELECT id, title, state, severity, tlp, (SELECT count(*) FROM m)::int FROM m LIMIT @per
            """;
        Add(command, query);
        var hits = new List<SearchHit>();
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            count = reader.GetInt32(5);
            hits.Add(new SearchHit(SearchKind.Incident, $"#{id} {reader.GetString(1)}",
                $"{reader.GetString(2)} · {((Tlp)reader.GetInt16(4)).ToLabel()}", "/incidents/" + id));
        }

        return new SearchGroup(SearchKind.Incident, hits, count);
    }

    private async Task<SearchGroup> CampaignsAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "c");
        command.CommandText = $"""
            WITH m AS (
                SELECT c.id, c.name, c.action, c.tlp FROM campaigns c
                WHERE {visible} AND lower(c.name) LIKE @text
                ORDER BY (lower(c.name) = @exact) DESC, c.created_at DESC, c.id
                LIMIT @cap)
            SELECT id, name, action, tlp, (SELECT count(*) FROM m)::int FROM m LIMIT @per
            """;
        Add(command, query);
        var hits = new List<SearchHit>();
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            count = reader.GetInt32(4);
            hits.Add(new SearchHit(SearchKind.Campaign, reader.GetString(1), $"{reader.GetString(2)} · {((Tlp)reader.GetInt16(3)).ToLabel()}",
                "/campaigns/" + reader.GetGuid(0)));
        }

        return new SearchGroup(SearchKind.Campaign, hits, count);
    }

    private async Task<SearchGroup> ContactsAsync(Viewer viewer, SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var filter = VisibilityPolicy.For(viewer);
        var visible = VisibilitySql.Condition(filter, command, alias: "c");
        var organisationVisible = VisibilitySql.Condition(filter, command, alias: "o");
        command.CommandText = $"""
            WITH m AS (
                SELECT c.id, c.name, c.email, o.name AS organisation_name, o.id AS organisation_id FROM contacts c JOIN organisations o ON o.id = c.organisation_id
                WHERE {visible} AND {organisationVisible} AND (lower(c.email) LIKE @text OR lower(c.name) LIKE @text)
                ORDER BY (lower(c.email) = @exact) DESC, lower(c.email), c.id
                LIMIT @cap)
            SELECT id, name, email, organisation_name, organisation_id, (SELECT count(*) FROM m)::int FROM m LIMIT @per
            """;
        Add(command, query);
        var hits = new List<SearchHit>();
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            count = reader.GetInt32(5);
            hits.Add(new SearchHit(SearchKind.Contact, $"{reader.GetString(1)} <{reader.GetString(2)}>", reader.GetString(3),
                $"/directory/{reader.GetGuid(4)}/contact/{reader.GetGuid(0)}"));
        }

        return new SearchGroup(SearchKind.Contact, hits, count);
    }

    /// <summary>The parameters every kind's query may use; PostgreSQL ignores the ones a query does not name.</summary>
    private static void Add(NpgsqlCommand command, SearchQuery query)
    {
        command.Parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = "%" + DirectoryRepository.LikeEscape(query.Text) + "%" });
        command.Parameters.Add(new NpgsqlParameter("exact", NpgsqlDbType.Text) { Value = query.Text });
        command.Parameters.Add(new NpgsqlParameter("patterns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = Patterns(query.Names) });
        command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Names.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("number", NpgsqlDbType.Bigint) { Value = query.IncidentNumber is { } n ? n : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("cap", NpgsqlDbType.Integer) { Value = SearchQuery.CountLimit + 1 });
        command.Parameters.Add(new NpgsqlParameter("per", NpgsqlDbType.Integer) { Value = query.PerKind });
    }
}
