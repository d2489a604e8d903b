using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>
/// Turns directives whose aggregation window has closed into outbox messages: one per recipient per group, rendered in
/// the recipient's language, signed and (when we hold their key) encrypted, throttled per recipient. One transaction
/// per run: the directives are marked planned in the same commit that queues their messages, so a crash plans
/// nothing twice and loses nothing.
/// </summary>
public sealed partial class DirectivePlanner(
    NpgsqlDataSource dataSource, IRecipientDirectory directory, MessageFactory messages, IOptions<NotificationOptions> options,
    TimeProvider clock, ILogger<DirectivePlanner> logger)
{
    /// <summary>Directives read per run; the rest wait for the next run.</summary>
    public const int MaxDirectivesPerRun = 5000;

    private sealed record Row(Guid Id, Guid OrganisationId, string ContactRole, string Kind, string Tlp, string AggregationKey, Dictionary<string, string> Item);

    /// <summary>Plans what is due; returns how many messages were queued.</summary>
    public async Task<int> PlanDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<Row>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, organisation_id, contact_role, kind, tlp, aggregation_key, item::text
            FROM notification_directives
            WHERE state = 'pending'
              AND aggregation_key IN (SELECT aggregation_key FROM notification_directives WHERE state = 'pending' AND not_before <= $1)
            ORDER BY aggregation_key, created_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.Add(new() { Value = now });
            select.Parameters.Add(new() { Value = MaxDirectivesPerRun });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Row(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? []));
            }
        }

        var queued = 0;
        foreach (var group in rows.GroupBy(r => (r.OrganisationId, r.ContactRole, r.Kind, r.Tlp, r.AggregationKey)))
        {
            IReadOnlyList<Recipient> recipients;
            try
            {
                recipients = await directory.FindRecipientsAsync(group.Key.OrganisationId, group.Key.ContactRole, cancellationToken);
            }
            catch (RecipientDirectoryUnavailableException e)
            {
                LogDirectoryUnavailable(logger, group.Key.AggregationKey, e.Message);
                continue;
            }

            var ids = group.Select(r => r.Id).ToArray();
            var items = group.Select(r => (IReadOnlyDictionary<string, string>)r.Item).ToList();
            var kind = NotificationKinds.Parse(group.Key.Kind);
            var tlp = TlpLabels.Parse(group.Key.Tlp);
            foreach (var recipient in recipients)
            {
                var notBefore = await ThrottleAsync(connection, transaction, recipient, now, cancellationToken);
                var message = messages.Create(new OutgoingNotification(
                    IdempotencyKey(ids, recipient), group.Key.OrganisationId, kind, tlp, recipient, items), await NextTicketAsync(connection, transaction, cancellationToken), now);
                queued += await OutboxWriter.InsertAsync(connection, transaction, message, notBefore, now, cancellationToken);
            }

            await using var mark = new NpgsqlCommand(
                "UPDATE notification_directives SET state = $2, planned_at = $3 WHERE id = ANY($1)", connection, transaction);
            mark.Parameters.Add(new() { Value = ids });
            mark.Parameters.Add(new() { Value = recipients.Count == 0 ? "unroutable" : "planned" });
            mark.Parameters.Add(new() { Value = now });
            await mark.ExecuteNonQueryAsync(cancellationToken);
            if (recipients.Count == 0)
            {
                LogUnroutable(logger, group.Key.OrganisationId, group.Key.ContactRole, ids.Length);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return queued;
    }

    /// <summary>Stable for the same directives and recipient: planning them again can never queue a second message.</summary>
    public static string IdempotencyKey(IEnumerable<Guid> directiveIds, Recipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var text = string.Join(',', directiveIds.Order()) + "|" + (recipient.WebhookUrl?.ToString() ?? recipient.Address.ToLowerInvariant());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40].ToLowerInvariant();
    }

    private static async Task<long> NextTicketAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT nextval('notification_ticket_seq')", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<DateTimeOffset> ThrottleAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Recipient recipient, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rules = options.Value.Rules;
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sent_at, next_attempt_at) FROM notification_messages WHERE lower(recipient) = lower($1) AND coalesce(sent_at, next_attempt_at) > $2",
            connection, transaction);
        command.Parameters.Add(new() { Value = OutboxWriter.RecipientKey(recipient) });
        command.Parameters.Add(new() { Value = now - rules.ThrottleWindow });
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            times.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return RecipientThrottle.NextAllowed(times, now, rules.MaxMessagesPerRecipient, rules.ThrottleWindow);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recipient directory unavailable; directives {AggregationKey} stay pending: {Reason}")]
    private static partial void LogDirectoryUnavailable(ILogger logger, string aggregationKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nobody holds contact role {ContactRole} of organisation {OrganisationId}: {Count} directives unroutable")]
    private static partial void LogUnroutable(ILogger logger, Guid organisationId, string contactRole, int count);
}
