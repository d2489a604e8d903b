using System.Globalization;
using DnsCert.Core;
using DnsCert.Core.Audit;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Campaigns;

/// <summary>
/// Registry reports and DNS checks in PostgreSQL. A registry reaches its request only by the portal token (its hash is
/// stored); staff reach it through the visibility predicate on the campaign. Each write is one transaction.
/// </summary>
public sealed class CampaignRequestStore(NpgsqlDataSource dataSource, TimeProvider clock) : ICampaignRequestStore
{
    /// <summary>Names in one report (a slice of Conficker.C for one large registry fits easily).</summary>
    public const int MaxOutcomesPerReport = 100_000;

    public async Task<CampaignRequestView?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        Guid? id;
        await using (var find = new NpgsqlCommand("SELECT id FROM campaign_requests WHERE token_hash = $1", connection))
        {
            find.Add(CampaignStore.HashToken(token));
            id = await find.ExecuteScalarAsync(cancellationToken) as Guid?;
        }

        return id is { } requestId ? await ReadAsync(connection, requestId, cancellationToken) : null;
    }

    public async Task<CampaignRequestView?> GetAsync(Viewer viewer, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("", connection))
        {
            // The request's audience, not the campaign's: a TLP:GREEN campaign does not open one registry's slice to another.
            check.CommandText = $"SELECT 1 FROM campaign_request_audience a WHERE a.request_id = @id AND {CampaignConsoleStore.Audience(viewer, check)}";
            check.Parameters.AddWithValue("id", requestId);
            if (await check.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }

        return await ReadAsync(connection, requestId, cancellationToken);
    }

    public async Task<int> ReportAsync(Guid requestId, IReadOnlyList<ReportedOutcome> outcomes, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            throw new ValidationException("outcomes", "report at least one name");
        }

        if (outcomes.Count > MaxOutcomesPerReport)
        {
            throw new ValidationException("outcomes", $"report at most {MaxOutcomesPerReport:N0} names at once");
        }

        // Names as the registry wrote them, in our spelling; the last outcome given for a name counts.
        var byName = new Dictionary<string, ReportedOutcome>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            var name = CampaignNames.Normalise(outcome.Name);
            if (name.Name is null)
            {
                throw new ValidationException("outcomes", $"'{outcome.Name}' {name.Error}");
            }

            if ((outcome.Detail ?? "").Length > 500)
            {
                throw new ValidationException("outcomes", $"the detail for '{outcome.Name}' is longer than 500 characters");
            }

            byName[name.Name] = outcome with { Name = name.Name };
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var names = byName.Keys.ToArray();
        await using (var missing = new NpgsqlCommand("""
            SELECT o.name FROM unnest($2::text[]) AS o (name)
            WHERE NOT EXISTS (SELECT 1 FROM campaign_names n WHERE n.request_id = $1 AND n.name = o.name)
            ORDER BY o.name LIMIT 5
            """, connection, transaction))
        {
            missing.Add(requestId);
            missing.Add(names);
            var absent = new List<string>();
            await using (var reader = await missing.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    absent.Add(reader.GetString(0));
                }
            }

            if (absent.Count > 0)
            {
                throw new ValidationException("outcomes", $"not in this request: {string.Join(", ", absent)}; nothing was recorded");
            }
        }

        int changed;
        await using (var update = new NpgsqlCommand("""
            UPDATE campaign_names n SET
                status = CASE
                    WHEN o.outcome = 'actioned' THEN 'actioned'
                    WHEN n.status = 'requested' THEN 'acknowledged'
                    ELSE n.status END,
                reported_outcome = o.outcome || coalesce(': ' || nullif(o.detail, ''), ''),
                reported_at = $5
            FROM unnest($2::text[], $3::text[], $4::text[]) AS o (name, outcome, detail)
            WHERE n.request_id = $1 AND n.name = o.name
            """, connection, transaction))
        {
            update.Add(requestId);
            update.Add(names);
            update.Add(names.Select(n => byName[n].Outcome.Code()).ToArray());
            update.Add(names.Select(n => byName[n].Detail ?? "").ToArray());
            update.AddTime(now);
            changed = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        Guid campaignId;
        await using (var acknowledge = new NpgsqlCommand(
            "UPDATE campaign_requests SET acknowledged_at = coalesce(acknowledged_at, $2) WHERE id = $1 RETURNING campaign_id", connection, transaction))
        {
            acknowledge.Add(requestId);
            acknowledge.AddTime(now);
            campaignId = (Guid)(await acknowledge.ExecuteScalarAsync(cancellationToken))!;
        }

        await AuditLog.AppendAsync(connection, transaction, AuditEntry.Create(now, null, actor, "campaign.reported", "campaign", campaignId.ToString(),
            new Dictionary<string, string?>
            {
                ["request"] = requestId.ToString(),
                ["names"] = changed.ToString(CultureInfo.InvariantCulture),
                ["actioned"] = byName.Values.Count(o => o.Outcome == NameOutcome.Actioned).ToString(CultureInfo.InvariantCulture),
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    public async Task<VerificationWork?> NamesToVerifyAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        CampaignAction action;
        string[] sinkhole;
        await using (var command = new NpgsqlCommand("", connection))
        {
            command.CommandText = $"SELECT action, sinkhole_name_servers FROM campaigns WHERE id = @id AND {CampaignStore.Visible(viewer, command)}";
            command.Parameters.AddWithValue("id", campaignId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (action, sinkhole) = (CampaignActions.Parse(reader.GetString(0)), reader.GetFieldValue<string[]>(1));
        }

        var names = new List<NameToVerify>();
        await using (var command = new NpgsqlCommand(
            "SELECT name, tld, status FROM campaign_names WHERE campaign_id = $1 AND status <> 'unroutable' ORDER BY tld, name", connection))
        {
            command.Add(campaignId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(new NameToVerify(reader.GetString(0), reader.GetString(1), NameStatuses.Parse(reader.GetString(2))));
            }
        }

        return new VerificationWork(campaignId, action, sinkhole, names);
    }

    public async Task RecordChecksAsync(Guid campaignId, IReadOnlyList<CheckedName> checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE campaign_names n SET dns_state = c.state, dns_detail = c.detail, dns_checked_at = $6,
                status = CASE WHEN c.prior IS NULL OR n.status = c.prior THEN c.status ELSE n.status END
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $7::text[]) AS c (name, state, detail, status, prior)
            WHERE n.campaign_id = $1 AND n.name = c.name
            """, connection, transaction))
        {
            update.Add(campaignId);
            update.Add(checks.Select(c => c.Name).ToArray());
            update.Add(checks.Select(c => c.State.Code()).ToArray());
            update.Add(checks.Select(c => c.Detail).ToArray());
            update.Add(checks.Select(c => c.Status.Code()).ToArray());
            update.AddTime(now);
            // A report that arrived while the check ran wins over the judgement made from the older status.
            update.Add(checks.Select(c => c.Prior?.Code()).ToArray());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendAsync(connection, transaction, AuditEntry.Create(now, null, AuditEntry.System, "campaign.verified", "campaign", campaignId.ToString(),
            new Dictionary<string, string?>
            {
                ["checked"] = checks.Count.ToString(CultureInfo.InvariantCulture),
                ["verified"] = checks.Count(c => c.Status == NameStatus.Verified).ToString(CultureInfo.InvariantCulture),
                ["contradicted"] = checks.Count(c => c.Status == NameStatus.Contradicted).ToString(CultureInfo.InvariantCulture),
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DueName>> NamesDueAsync(DateTimeOffset checkedBefore, DateTimeOffset activeSince, int limit, CancellationToken cancellationToken)
    {
        // The schedule is a system process that shows nothing to anyone: it reads across campaigns without a viewer
        // (people see the results only through the visibility predicate of the campaign reads).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT n.campaign_id, n.name, n.tld, n.status, c.action, c.sinkhole_name_servers
            FROM campaign_names n JOIN campaigns c ON c.id = n.campaign_id
            WHERE n.status <> 'unroutable' AND c.deadline > $2 AND (n.dns_checked_at IS NULL OR n.dns_checked_at < $1)
            ORDER BY n.dns_checked_at NULLS FIRST, n.campaign_id, n.name
            LIMIT $3
            """, connection);
        command.AddTime(checkedBefore);
        command.AddTime(activeSince);
        command.Add(limit);
        var due = new List<DueName>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueName(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), NameStatuses.Parse(reader.GetString(3)),
                CampaignActions.Parse(reader.GetString(4)), reader.GetFieldValue<string[]>(5)));
        }

        return due;
    }

    private static async Task<CampaignRequestView> ReadAsync(NpgsqlConnection connection, Guid requestId, CancellationToken cancellationToken)
    {
        CampaignRequestView view;
        await using (var command = new NpgsqlCommand("""
            SELECT r.campaign_id, c.name, c.tlp, c.action, c.sinkhole_name_servers, c.trusted_registrar, c.deadline,
                   r.organisation_name, r.language, r.tlds
            FROM campaign_requests r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = $1
            """, connection))
        {
            command.Add(requestId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            view = new CampaignRequestView(requestId, reader.GetGuid(0), reader.GetString(1), (Tlp)reader.GetInt16(2), CampaignActions.Parse(reader.GetString(3)),
                reader.GetFieldValue<string[]>(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(7), reader.GetString(8), reader.GetFieldValue<string[]>(9), []);
        }

        var names = new List<RequestName>();
        await using (var command = new NpgsqlCommand("""
            SELECT name, status, reported_outcome, reported_at, dns_state, dns_checked_at FROM campaign_names WHERE request_id = $1 ORDER BY name
            """, connection))
        {
            command.Add(requestId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(new RequestName(reader.GetString(0), NameStatuses.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        return view with { Names = names };
    }
}
