using System.Globalization;
using System.Security.Cryptography;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Visibility;
using Npgsql;

namespace DnsCert.Infrastructure.Campaigns;

/// <summary>Settings of the campaign feature (section <c>Campaigns</c>).</summary>
public sealed class CampaignOptions
{
    public const string SectionName = "Campaigns";

    /// <summary>The console's public address; a request's portal link is <c>{PortalUrl}campaigns/requests/{token}</c>.</summary>
    public Uri PortalUrl { get; set; } = new("https://localhost:5001/");
}

/// <summary>Campaigns in PostgreSQL. Every read appends the one visibility predicate (<see cref="VisibilitySql"/>).</summary>
public sealed class CampaignStore(NpgsqlDataSource dataSource, NotificationRules rules, TimeProvider clock, CampaignOptions options) : ICampaignStore
{
    /// <summary>Bits of a portal link's token, as for reach-test answer links.</summary>
    public const int TokenBytes = 32;

    internal NotificationRules Rules => rules;

    public async Task<ICampaignUploadWriter> BeginUploadAsync(CampaignUploadTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await CampaignUploadWriter.BeginAsync(connection, target, this, clock.GetUtcNow(), cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("", connection);
        command.CommandText = $"""
            SELECT c.id, c.name, c.tlp, c.action, c.deadline, c.created_at,
                   (SELECT count(*) FROM campaign_names n WHERE n.campaign_id = c.id),
                   (SELECT count(*) FROM campaign_names n WHERE n.campaign_id = c.id AND n.status = 'unroutable'),
                   (SELECT count(*) FROM campaign_names n WHERE n.campaign_id = c.id AND n.status = 'verified')
            FROM campaigns c
            WHERE {Visible(viewer, command, "c.")}
            ORDER BY c.created_at DESC
            LIMIT 500
            """;
        var list = new List<CampaignSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CampaignSummary(reader.GetGuid(0), reader.GetString(1), (Tlp)reader.GetInt16(2), CampaignActions.Parse(reader.GetString(3)),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8)));
        }

        return list;
    }

    public async Task<CampaignView?> GetAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("", connection))
        {
            check.CommandText = $"SELECT 1 FROM campaigns WHERE id = @id AND {Visible(viewer, check)}";
            check.Parameters.AddWithValue("id", id);
            if (await check.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        return await ReadCampaignAsync(connection, null, id, cancellationToken);
    }

    /// <summary>The campaign with its coverage. Callers have checked visibility.</summary>
    internal static async Task<CampaignView> ReadCampaignAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, CancellationToken cancellationToken)
    {
        CampaignView view;
        await using (var command = new NpgsqlCommand("""
            SELECT name, tlp, action, deadline, names_per_day, sinkhole_name_servers, trusted_registrar, description, created_at,
                   (SELECT count(*)::int FROM campaign_uploads u WHERE u.campaign_id = c.id)
            FROM campaigns c WHERE id = $1
            """, connection, transaction))
        {
            command.Add(id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"campaign {id} vanished");
            }

            view = new CampaignView(id, reader.GetString(0), (Tlp)reader.GetInt16(1), CampaignActions.Parse(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4), reader.GetFieldValue<string[]>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8), [], 0, [], reader.GetInt32(9));
        }

        var parties = new Dictionary<Guid, (string Name, string Language, SortedSet<string> Tlds)>();
        await using (var command = new NpgsqlCommand("""
            SELECT organisation_id, max(organisation_name), max(language), array_agg(DISTINCT t ORDER BY t)
            FROM campaign_requests, unnest(tlds) AS t WHERE campaign_id = $1 GROUP BY organisation_id
            """, connection, transaction))
        {
            command.Add(id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                parties[reader.GetGuid(0)] = (reader.GetString(1), reader.GetString(2), new SortedSet<string>(reader.GetFieldValue<string[]>(3), StringComparer.Ordinal));
            }
        }

        var counts = new Dictionary<(Guid?, string), long>();
        var unroutableTlds = new SortedSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT organisation_id, status, count(*), CASE WHEN status = 'unroutable' THEN array_agg(DISTINCT tld) END
            FROM campaign_names WHERE campaign_id = $1 GROUP BY organisation_id, status
            """, connection, transaction))
        {
            command.Add(id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[(reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetString(1))] = reader.GetInt64(2);
                if (!reader.IsDBNull(3))
                {
                    unroutableTlds.UnionWith(reader.GetFieldValue<string[]>(3));
                }
            }
        }

        long Count(Guid? organisation, NameStatus status) => counts.GetValueOrDefault((organisation, status.Code()));
        var coverage = parties
            .Select(p => new RegistryCoverage(p.Key, p.Value.Name, p.Value.Language, [.. p.Value.Tlds],
                Count(p.Key, NameStatus.Requested), Count(p.Key, NameStatus.Acknowledged), Count(p.Key, NameStatus.Actioned),
                Count(p.Key, NameStatus.Verified), Count(p.Key, NameStatus.Contradicted)))
            .OrderBy(CampaignCoverage.Progress).ThenByDescending(c => c.Total).ThenBy(c => c.OrganisationName, StringComparer.Ordinal)
            .ToList();
        return view with { Registries = coverage, Unroutable = Count(null, NameStatus.Unroutable), UnroutableTlds = [.. unroutableTlds] };
    }

    /// <summary>What one upload produced, read back (also for an upload found again by its content).</summary>
    internal static async Task<CampaignUploadResult> LoadUploadResultAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid uploadId, bool already, CancellationToken cancellationToken)
    {
        Guid campaignId;
        long lines, names, newNames;
        await using (var command = new NpgsqlCommand("SELECT campaign_id, lines, names, new_names FROM campaign_uploads WHERE id = $1", connection, transaction))
        {
            command.Add(uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (campaignId, lines, names, newNames) = (reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        var slices = new List<SliceSummary>();
        await using (var command = new NpgsqlCommand("""
            SELECT id, organisation_id, organisation_name, language, names, tlds FROM campaign_requests
            WHERE upload_id = $1 ORDER BY names DESC, organisation_name
            """, connection, transaction))
        {
            command.Add(uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                slices.Add(new SliceSummary(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<string[]>(5)));
            }
        }

        long unroutable;
        string[] unroutableTlds;
        await using (var command = new NpgsqlCommand("""
            SELECT count(*), coalesce(array_agg(DISTINCT tld ORDER BY tld), '{}') FROM campaign_names WHERE upload_id = $1 AND status = 'unroutable'
            """, connection, transaction))
        {
            command.Add(uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (unroutable, unroutableTlds) = (reader.GetInt64(0), reader.GetFieldValue<string[]>(1));
        }

        return new CampaignUploadResult(campaignId, uploadId, already, lines, names, newNames, names - newNames, slices, unroutable, unroutableTlds);
    }

    /// <summary>The visibility predicate over a campaigns row (optionally aliased).</summary>
    internal static string Visible(Viewer viewer, NpgsqlCommand command, string alias = "") =>
        VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias.Length == 0 ? null
            : new VisibilityColumns(alias + "tlp", alias + "recipient_organisations", alias + "recipient_users", alias + "created_by"));

    internal static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));

    internal static byte[] HashToken(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    internal Uri RequestLink(string token) => new(options.PortalUrl, "campaigns/requests/" + token);

    /// <summary>
    /// How a campaign or request is named to people: the last 12 hex digits of its id, upper case (random in a
    /// version 7 id; the first digits are its time and repeat for a minute).
    /// </summary>
    public static string Reference(Guid id) => "C-" + id.ToString("N", CultureInfo.InvariantCulture)[20..].ToUpperInvariant();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
