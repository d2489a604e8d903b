using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DnsCert.Core;
using DnsCert.Core.Audit;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Notifications;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Campaigns;

/// <summary>
/// One upload as one transaction: names stream into a temporary table by binary COPY as they are read; the commit
/// de-duplicates them into campaign_names, creates one request per registry with new names, queues its notification
/// directive and the audit entry. Disposed without a commit, the transaction rolls back: nothing is half-written.
/// </summary>
internal sealed class CampaignUploadWriter : ICampaignUploadWriter
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly CampaignUploadTarget _target;
    private readonly Guid _campaignId;
    private readonly CampaignStore _store;
    private readonly DateTimeOffset _now;
    private NpgsqlBinaryImporter? _copy;
    private long _sequence;
    private bool _done;

    private CampaignUploadWriter(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CampaignUploadTarget target, Guid campaignId, CampaignStore store, DateTimeOffset now)
    {
        _connection = connection;
        _transaction = transaction;
        _target = target;
        _campaignId = campaignId;
        _store = store;
        _now = now;
    }

    public static async Task<CampaignUploadWriter> BeginAsync(
        NpgsqlConnection connection, CampaignUploadTarget target, CampaignStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            Guid campaignId;
            if (target.NewCampaign is { } draft)
            {
                campaignId = Guid.CreateVersion7(now);
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO campaigns (id, name, description, action, sinkhole_name_servers, trusted_registrar, deadline,
                                           names_per_day, idempotency_key, tlp, created_by, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    """, connection, transaction);
                insert.Add(campaignId);
                insert.AddText(draft.Name);
                insert.AddText(draft.Description);
                insert.AddText(draft.Action.Code());
                insert.Add((draft.SinkholeNameServers ?? []).ToArray());
                insert.AddText(draft.TrustedRegistrar);
                insert.AddTime(draft.Deadline);
                insert.Add(draft.NamesPerDay);
                insert.AddText("pending:" + campaignId.ToString("N", CultureInfo.InvariantCulture));
                insert.Add((short)draft.Tlp);
                insert.Add(target.Viewer.UserId);
                insert.AddTime(now);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            else
            {
                campaignId = target.CampaignId ?? throw new ValidationException("campaign", "name a campaign or describe a new one");
                // Uploads to one campaign take turns (the row lock), so two days cannot both claim a new name.
                await using var select = new NpgsqlCommand("", connection, transaction);
                select.CommandText = $"SELECT id FROM campaigns WHERE id = @id AND {CampaignStore.Visible(target.Viewer, select)} FOR UPDATE";
                select.Parameters.AddWithValue("id", campaignId);
                if (await select.ExecuteScalarAsync(cancellationToken) is null)
                {
                    throw new ValidationException("campaign", "no such campaign");
                }
            }

            await using (var staging = new NpgsqlCommand(
                "CREATE TEMPORARY TABLE campaign_staging (seq bigint NOT NULL, name text NOT NULL, tld text NOT NULL, organisation_id uuid) ON COMMIT DROP",
                connection, transaction))
            {
                await staging.ExecuteNonQueryAsync(cancellationToken);
            }

            var writer = new CampaignUploadWriter(connection, transaction, target, campaignId, store, now);
            writer._copy = await connection.BeginBinaryImportAsync(
                "COPY campaign_staging (seq, name, tld, organisation_id) FROM STDIN (FORMAT BINARY)", cancellationToken);
            return writer;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public async ValueTask WriteAsync(RoutedName name, CancellationToken cancellationToken)
    {
        var copy = _copy ?? throw new InvalidOperationException("the upload is finished");
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(++_sequence, NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync(name.Name, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(name.Tld, NpgsqlDbType.Text, cancellationToken);
        if (name.RegistryId is { } registry)
        {
            await copy.WriteAsync(registry, NpgsqlDbType.Uuid, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }
    }

    public async Task<CampaignUploadResult> CommitAsync(UploadFacts facts, IReadOnlyDictionary<Guid, RegistryParty> registries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(registries);
        var copy = _copy ?? throw new InvalidOperationException("the upload is finished");
        await copy.CompleteAsync(cancellationToken);
        await copy.DisposeAsync();
        _copy = null;

        // The same content again: the earlier result, nothing written.
        var key = _target.NewCampaign is { } draft ? IdempotencyKey(draft.Name, facts.ContentHash) : null;
        if (await FindEarlierAsync(key, facts.ContentHash, cancellationToken) is { } earlier)
        {
            await _transaction.RollbackAsync(cancellationToken);
            _done = true;
            return await CampaignStore.LoadUploadResultAsync(_connection, null, earlier, true, cancellationToken);
        }

        if (key is not null)
        {
            await ExecuteAsync("UPDATE campaigns SET idempotency_key = $2 WHERE id = $1", cancellationToken, _campaignId, key);
        }

        var uploadId = Guid.CreateVersion7(_now);
        await using (var upload = Command("""
            INSERT INTO campaign_uploads (id, campaign_id, day, content_hash, file_name, lines, names, new_names, created_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)
            """))
        {
            upload.Add(uploadId);
            upload.Add(_campaignId);
            upload.AddDate(_target.Day);
            upload.AddText(facts.ContentHash);
            upload.AddText(_target.FileName);
            upload.Add(facts.Lines);
            upload.Add(facts.Names);
            upload.Add(_target.Viewer.UserId);
            upload.AddTime(_now);
            await upload.ExecuteNonQueryAsync(cancellationToken);
        }

        // Request ids are chosen now so each name is written once, already pointing at its request (the key is
        // deferred: requests follow with their counts). First occurrence of each name wins; names an earlier day
        // already holds stay with that day's request.
        var requestIds = registries.Keys.ToDictionary(k => k, _ => Guid.CreateVersion7(_now));
        var newNames = await ExecuteAsync("""
            INSERT INTO campaign_names (campaign_id, name, tld, upload_id, organisation_id, status, request_id)
            SELECT DISTINCT ON (s.name) $1, s.name, s.tld, $2, s.organisation_id,
                   CASE WHEN s.organisation_id IS NULL THEN 'unroutable' ELSE 'requested' END, r.id
            FROM campaign_staging s
            LEFT JOIN unnest($3::uuid[], $4::uuid[]) AS r (organisation_id, id) ON r.organisation_id = s.organisation_id
            ORDER BY s.name, s.seq
            ON CONFLICT (campaign_id, name) DO NOTHING
            """, cancellationToken, _campaignId, uploadId, requestIds.Keys.ToArray(), requestIds.Values.ToArray());

        // Each registry's new names come along, in order, for the CSV its request mail carries.
        var slices = new List<(Guid Organisation, int Count, string[] Tlds)>();
        var sliceNames = new Dictionary<Guid, string[]>();
        await using (var group = Command("""
            SELECT organisation_id, count(*)::int, array_agg(DISTINCT tld ORDER BY tld), array_agg(name ORDER BY name)
            FROM campaign_names WHERE campaign_id = $1 AND upload_id = $2 AND organisation_id IS NOT NULL
            GROUP BY organisation_id
            """))
        {
            group.Add(_campaignId);
            group.Add(uploadId);
            await using var reader = await group.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                slices.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<string[]>(2)));
                sliceNames[reader.GetGuid(0)] = reader.GetFieldValue<string[]>(3);
            }
        }

        var campaign = await CampaignStore.ReadCampaignAsync(_connection, _transaction, _campaignId, cancellationToken);
        var directives = new List<Directive>();
        foreach (var (organisation, count, tlds) in slices)
        {
            var party = registries.TryGetValue(organisation, out var p) ? p : new RegistryParty(organisation, organisation.ToString(), "en", null);
            var requestId = requestIds[organisation];
            var token = CampaignStore.NewToken();
            await using (var request = Command("""
                INSERT INTO campaign_requests (id, campaign_id, upload_id, organisation_id, organisation_name, language, tlds, names, token_hash, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """))
            {
                request.Add(requestId);
                request.Add(_campaignId);
                request.Add(uploadId);
                request.Add(organisation);
                request.AddText(party.Name);
                request.AddText(party.Language);
                request.Add(tlds);
                request.Add(count);
                request.Add(CampaignStore.HashToken(token));
                request.AddTime(_now);
                await request.ExecuteNonQueryAsync(cancellationToken);
            }

            directives.AddRange(_store.Rules.Apply(new CampaignRequestEvent(
                organisation, campaign.Tlp, _now, CampaignStore.Reference(_campaignId), CampaignStore.Reference(requestId), campaign.Name,
                campaign.Action.Code(), ActionDetail(campaign), count, string.Join(", ", tlds.Select(t => "." + t)), campaign.Deadline,
                _store.RequestLink(token), CampaignStore.Reference(requestId) + ".csv", CampaignOutcomeCsv.Slice(sliceNames.GetValueOrDefault(organisation, [])))));
        }

        await ExecuteAsync("UPDATE campaign_uploads SET new_names = $2 WHERE id = $1", cancellationToken, uploadId, newNames);
        await DirectiveStore.InsertAsync(_connection, _transaction, directives, _now, cancellationToken);
        await AuditLog.AppendAsync(_connection, _transaction, AuditEntry.Create(_now, _target.Viewer.UserId, _target.Actor,
            _target.NewCampaign is null ? "campaign.uploaded" : "campaign.created", "campaign", _campaignId.ToString(),
            new Dictionary<string, string?>
            {
                ["upload"] = uploadId.ToString(),
                ["names"] = facts.Names.ToString(CultureInfo.InvariantCulture),
                ["new"] = newNames.ToString(CultureInfo.InvariantCulture),
                ["registries"] = slices.Count.ToString(CultureInfo.InvariantCulture),
                ["sha256"] = facts.ContentHash,
            }), cancellationToken);

        var result = await CampaignStore.LoadUploadResultAsync(_connection, _transaction, uploadId, false, cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        _done = true;
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            // Disposing an unfinished COPY cancels it; the rollback below then discards the staging table.
            await _copy.DisposeAsync();
            _copy = null;
        }

        if (!_done)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>Name plus content: creating "Conficker B, day 1" from the same file twice is one campaign.</summary>
    internal static string IdempotencyKey(string name, string contentHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + contentHash)));

    private static string ActionDetail(CampaignView campaign) => campaign.Action switch
    {
        CampaignAction.Sinkhole => "(" + string.Join(" ", campaign.SinkholeNameServers) + ")",
        CampaignAction.Transfer => "(" + campaign.TrustedRegistrar + ")",
        _ => "",
    };

    private async Task<Guid?> FindEarlierAsync(string? key, string contentHash, CancellationToken cancellationToken)
    {
        await using var find = Command(key is not null
            ? "SELECT u.id FROM campaigns c JOIN campaign_uploads u ON u.campaign_id = c.id AND u.content_hash = $2 WHERE c.idempotency_key = $1"
            : "SELECT id FROM campaign_uploads WHERE campaign_id = $1 AND content_hash = $2");
        find.Add(key is not null ? key : _campaignId);
        find.AddText(contentHash);
        return await find.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = Command(sql);
        foreach (var value in values)
        {
            command.Add(value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
