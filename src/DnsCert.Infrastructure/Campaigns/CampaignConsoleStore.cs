using System.Runtime.CompilerServices;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Visibility;
using Npgsql;

namespace DnsCert.Infrastructure.Campaigns;

/// <summary>
/// The console's reads of campaigns in PostgreSQL. Staff views filter on the campaign's visibility facts; the portal
/// filters on the request's audience (view <c>campaign_request_audience</c>), so a registry's users see their own
/// requests and never another registry's. Both through <see cref="VisibilitySql"/>.
/// </summary>
public sealed class CampaignConsoleStore(NpgsqlDataSource dataSource) : ICampaignConsoleStore
{
    private const string NameColumns = """
        n.name, n.tld, u.day, r.organisation_name, n.status, n.reported_outcome, n.reported_at, n.dns_state, n.dns_detail, n.dns_checked_at
        """;

    public async Task<IReadOnlyList<CampaignListItem>> ListAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT c.id, c.name, c.tlp, c.action, c.deadline, c.created_at,
                   coalesce(s.names, 0), coalesce(s.unroutable, 0), coalesce(s.verified, 0), coalesce(s.contradicted, 0),
                   (SELECT count(DISTINCT organisation_id)::int FROM campaign_requests r WHERE r.campaign_id = c.id)
            FROM campaigns c
            LEFT JOIN LATERAL (
                SELECT count(*) AS names,
                       count(*) FILTER (WHERE n.status = 'unroutable') AS unroutable,
                       count(*) FILTER (WHERE n.status = 'verified') AS verified,
                       count(*) FILTER (WHERE n.status = 'contradicted') AS contradicted
                FROM campaign_names n WHERE n.campaign_id = c.id) s ON TRUE
            WHERE {CampaignStore.Visible(viewer, command, "c.")}
            ORDER BY c.created_at DESC
            LIMIT 500
            """;
        var list = new List<CampaignListItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CampaignListItem(reader.GetGuid(0), reader.GetString(1), (Tlp)reader.GetInt16(2), CampaignActions.Parse(reader.GetString(3)),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt64(6), reader.GetInt64(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt32(10)));
        }

        return list;
    }

    public async Task<IReadOnlyList<DailyCoverage>> DailyAsync(Viewer viewer, Guid campaignId, Guid? organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT u.day,
                   count(*) FILTER (WHERE n.status = 'requested'), count(*) FILTER (WHERE n.status = 'acknowledged'),
                   count(*) FILTER (WHERE n.status = 'actioned'), count(*) FILTER (WHERE n.status = 'verified'),
                   count(*) FILTER (WHERE n.status = 'contradicted')
            FROM campaign_names n
            JOIN campaign_uploads u ON u.id = n.upload_id
            JOIN campaigns c ON c.id = n.campaign_id
            WHERE n.campaign_id = @campaign AND n.status <> 'unroutable'
              AND (@organisation::uuid IS NULL OR n.organisation_id = @organisation)
              AND {CampaignStore.Visible(viewer, command, "c.")}
            GROUP BY u.day ORDER BY u.day
            """;
        command.Parameters.AddWithValue("campaign", campaignId);
        command.Parameters.Add(new NpgsqlParameter("organisation", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)organisationId ?? DBNull.Value });
        var days = new List<DailyCoverage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new DailyCoverage(reader.GetFieldValue<DateOnly>(0), organisationId, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetInt64(4), reader.GetInt64(5)));
        }

        return days;
    }

    public async Task<NamePage> NamesAsync(Viewer viewer, Guid campaignId, NameQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(query);
        query = query.Checked();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        var filter = query.Unroutable ? "n.status = 'unroutable'" : "n.organisation_id = @organisation";
        command.CommandText = $"""
            SELECT {NameColumns}, count(*) OVER ()
            FROM campaign_names n
            JOIN campaign_uploads u ON u.id = n.upload_id
            JOIN campaigns c ON c.id = n.campaign_id
            LEFT JOIN campaign_requests r ON r.id = n.request_id
            WHERE n.campaign_id = @campaign AND {filter} AND (@status::text IS NULL OR n.status = @status)
              AND {CampaignStore.Visible(viewer, command, "c.")}
            ORDER BY n.name
            LIMIT @limit OFFSET @offset
            """;
        command.Parameters.AddWithValue("campaign", campaignId);
        command.Parameters.Add(new NpgsqlParameter("organisation", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)query.OrganisationId ?? DBNull.Value });
        return await ReadPageAsync(command, query, cancellationToken);
    }

    public async IAsyncEnumerable<CampaignNameRow> ExportAsync(Viewer viewer, Guid campaignId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT {NameColumns}
            FROM campaign_names n
            JOIN campaign_uploads u ON u.id = n.upload_id
            JOIN campaigns c ON c.id = n.campaign_id
            LEFT JOIN campaign_requests r ON r.id = n.request_id
            WHERE n.campaign_id = @campaign AND {CampaignStore.Visible(viewer, command, "c.")}
            ORDER BY r.organisation_name NULLS LAST, n.name
            """;
        command.Parameters.AddWithValue("campaign", campaignId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Row(reader);
        }
    }

    public Task<IReadOnlyList<RequestSummary>> RequestsAsync(Viewer viewer, CancellationToken cancellationToken) =>
        ReadRequestsAsync(viewer, null, cancellationToken);

    public async Task<RequestSummary?> RequestAsync(Viewer viewer, Guid requestId, CancellationToken cancellationToken) =>
        await ReadRequestsAsync(viewer, requestId, cancellationToken) is [var request, ..] ? request : null;

    private async Task<IReadOnlyList<RequestSummary>> ReadRequestsAsync(Viewer viewer, Guid? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT r.id, r.campaign_id, c.name, c.tlp, c.action, c.deadline, r.organisation_name, r.tlds, r.names, r.created_at, r.acknowledged_at,
                   (SELECT count(*) FROM campaign_names n WHERE n.request_id = r.id AND n.status IN ('actioned', 'verified', 'contradicted')),
                   (SELECT count(*) FROM campaign_names n WHERE n.request_id = r.id AND n.status IN ('requested', 'acknowledged'))
            FROM campaign_requests r
            JOIN campaigns c ON c.id = r.campaign_id
            JOIN campaign_request_audience a ON a.request_id = r.id
            WHERE (@request::uuid IS NULL OR r.id = @request) AND {Audience(viewer, command)}
            ORDER BY r.created_at DESC
            LIMIT 500
            """;
        command.Parameters.Add(new NpgsqlParameter("request", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)requestId ?? DBNull.Value });
        var list = new List<RequestSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RequestSummary(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (Tlp)reader.GetInt16(3), CampaignActions.Parse(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetFieldValue<string[]>(7), reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt64(11), reader.GetInt64(12)));
        }

        return list;
    }

    public async Task<NamePage> RequestNamesAsync(Viewer viewer, Guid requestId, NameQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(query);
        query = query.Checked();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT {NameColumns}, count(*) OVER ()
            FROM campaign_names n
            JOIN campaign_uploads u ON u.id = n.upload_id
            JOIN campaign_requests r ON r.id = n.request_id
            JOIN campaign_request_audience a ON a.request_id = r.id
            WHERE n.request_id = @request AND (@status::text IS NULL OR n.status = @status) AND {Audience(viewer, command)}
            ORDER BY n.name
            LIMIT @limit OFFSET @offset
            """;
        command.Parameters.AddWithValue("request", requestId);
        return await ReadPageAsync(command, query, cancellationToken);
    }

    /// <summary>The visibility predicate over a request's audience (the view aliased <c>a</c>).</summary>
    internal static string Audience(Viewer viewer, NpgsqlCommand command) =>
        VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, VisibilityColumns.Default, "a");

    private static async Task<NamePage> ReadPageAsync(NpgsqlCommand command, NameQuery query, CancellationToken cancellationToken)
    {
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)query.Status?.Code() ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", query.PageSize);
        command.Parameters.AddWithValue("offset", (long)(query.Page - 1) * query.PageSize);
        var rows = new List<CampaignNameRow>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Row(reader));
            total = reader.GetInt64(10);
        }

        return new NamePage(rows, total, query.Page, query.PageSize);
    }

    private static CampaignNameRow Row(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        NameStatuses.Parse(reader.GetString(4)), reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));
}
