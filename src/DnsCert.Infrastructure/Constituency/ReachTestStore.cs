using DnsCert.Core.Audit;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Audit;
using DnsCert.Infrastructure.Visibility;
using Npgsql;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>Reach-test campaigns and recipients in PostgreSQL; only token hashes are stored.</summary>
public sealed class ReachTestStore(NpgsqlDataSource dataSource) : IReachTestStore
{
    public async Task<(Guid CampaignId, IReadOnlyList<NewReachRecipient> Recipients)> CreateAsync(string name, IReadOnlyCollection<Guid> organisationIds,
        Func<byte[]> newTokenHash, DirectoryActor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newTokenHash);
        ArgumentNullException.ThrowIfNull(actor);
        var campaignId = Guid.NewGuid();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO reach_campaigns (id, name, started_at, started_by, started_by_id) VALUES ($1, $2, $3, $4, $5)", connection, transaction))
        {
            insert.Add(campaignId);
            insert.Add(name);
            insert.AddTime(at);
            insert.Add(actor.Name);
            insert.Add(actor.UserId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var recipients = new List<NewReachRecipient>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT o.id, o.name, c.id, c.name, c.email, coalesce(c.language, o.languages[1], 'en')
            FROM contacts c JOIN organisations o ON o.id = c.organisation_id
            WHERE o.id = ANY($1) AND 'emergency' = ANY(c.roles)
            ORDER BY o.name, c.name
            """, connection, transaction))
        {
            select.Add(organisationIds.ToArray());
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recipients.Add(new NewReachRecipient(Guid.NewGuid(), reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), newTokenHash()));
            }
        }

        // One statement for all recipients (arrays unnested server-side): a campaign to every registry is thousands of rows.
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO reach_recipients (id, campaign_id, organisation_id, organisation_name, contact_id, contact_name, email, language, token_hash, sent_at)
            SELECT r.id, $2, r.organisation_id, r.organisation_name, r.contact_id, r.contact_name, r.email, r.language, decode(r.token_hash, 'hex'), $10
            FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[])
                 AS r (id, organisation_id, organisation_name, contact_id, contact_name, email, language, token_hash)
            """, connection, transaction))
        {
            insert.Add(recipients.Select(r => r.Id).ToArray());
            insert.Add(campaignId);
            insert.Add(recipients.Select(r => r.OrganisationId).ToArray());
            insert.Add(recipients.Select(r => r.OrganisationName).ToArray());
            insert.Add(recipients.Select(r => r.ContactId).ToArray());
            insert.Add(recipients.Select(r => r.ContactName).ToArray());
            insert.Add(recipients.Select(r => r.Email).ToArray());
            insert.Add(recipients.Select(r => r.Language).ToArray());
            insert.Add(recipients.Select(r => Convert.ToHexString(r.TokenHash)).ToArray());
            insert.AddTime(at);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendAsync(connection, transaction, AuditEntry.Create(at, actor.UserId, actor.Name, "reach-test.started", "reach-test",
            campaignId.ToString(), new Dictionary<string, string?> { ["name"] = name, ["recipients"] = $"{recipients.Count}" }, actor.IpAddress), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (campaignId, recipients);
    }

    public async Task<ReachRecipient?> AnswerAsync(byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            WITH answered AS (
                UPDATE reach_recipients r SET answered_at = coalesce(r.answered_at, $2) WHERE r.token_hash = $1
                RETURNING {RecipientColumns}),
            -- Delivery tracking shows the answer too: the outbox message of this recipient (OutboxReachMailer's
            -- idempotency key) becomes 'answered', in the same statement.
            tracked AS (
                UPDATE notification_messages SET status = 'answered', status_changed_at = $2, status_detail = 'answered through the reach link'
                WHERE idempotency_key IN (SELECT 'reach-' || replace(id::text, '-', '') FROM answered) AND status IN ('sent', 'unconfirmed'))
            SELECT * FROM answered
            """, connection);
        command.Add(tokenHash);
        command.AddTime(at);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecipient(reader) : null;
    }

    public async Task<IReadOnlyList<ReachCampaign>> ListAsync(Viewer viewer, CancellationToken cancellationToken) =>
        await CampaignsAsync(viewer, null, cancellationToken);

    public async Task<ReachCampaign?> GetAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken)
    {
        var campaigns = await CampaignsAsync(viewer, campaignId, cancellationToken);
        return campaigns.Count > 0 ? campaigns[0] : null;
    }

    public async Task<IReadOnlyList<ReachRecipient>> RecipientsAsync(Viewer viewer, Guid campaignId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        // Recipients keep a copy of the contact's name and address: they are shown only where the contact itself may be.
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "c");
        command.CommandText = $"""
            SELECT {RecipientColumns} FROM reach_recipients r JOIN contacts c ON c.id = r.contact_id
            WHERE r.campaign_id = @campaign AND {visible} ORDER BY r.organisation_name, r.contact_name
            """;
        command.Parameters.Add(new NpgsqlParameter("campaign", campaignId));
        var result = new List<ReachRecipient>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadRecipient(reader));
        }

        return result;
    }

    public async Task<IReadOnlyList<StaleContact>> StaleContactsAsync(Viewer viewer, DateOnly verifiedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "c");
        command.CommandText = $"""
            SELECT c.id, o.id, o.name, c.name, c.email, c.last_verified
            FROM contacts c JOIN organisations o ON o.id = c.organisation_id
            WHERE 'emergency' = ANY(c.roles) AND (c.last_verified IS NULL OR c.last_verified < @before) AND {visible}
            ORDER BY o.name, c.name LIMIT 1000
            """;
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.Date) { Value = verifiedBefore });
        var result = new List<StaleContact>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new StaleContact(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5)));
        }

        return result;
    }

    private const string RecipientColumns =
        "r.id, r.organisation_id, r.organisation_name, coalesce(r.contact_id, '00000000-0000-0000-0000-000000000000'), r.contact_name, r.email, r.sent_at, r.answered_at";

    private static ReachRecipient ReadRecipient(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetString(5), r.GetFieldValue<DateTimeOffset>(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));

    private async Task<IReadOnlyList<ReachCampaign>> CampaignsAsync(Viewer viewer, Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand { Connection = connection };
        // The counts are of recipients whose contact the viewer may see, like the recipient list they summarise.
        var visible = VisibilitySql.Condition(VisibilityPolicy.For(viewer), command, alias: "c");
        command.CommandText = $"""
            SELECT k.id, k.name, k.started_at, k.started_by, count(r.id)::int, count(r.answered_at)::int
            FROM reach_campaigns k
            LEFT JOIN (reach_recipients r JOIN contacts c ON c.id = r.contact_id AND {visible}) ON r.campaign_id = k.id
            WHERE @campaign::uuid IS NULL OR k.id = @campaign
            GROUP BY k.id ORDER BY k.started_at DESC LIMIT 200
            """;
        command.Parameters.Add(new NpgsqlParameter("campaign", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)id ?? DBNull.Value });
        var result = new List<ReachCampaign>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ReachCampaign(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5)));
        }

        return result;
    }
}
