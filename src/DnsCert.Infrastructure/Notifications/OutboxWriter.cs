using DnsCert.Core.Notifications;
using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>Inserts outbox rows; a second insert with the same idempotency key is a no-op.</summary>
public static class OutboxWriter
{
    public static string RecipientKey(Recipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return recipient.WebhookUrl?.ToString() ?? recipient.Address;
    }

    /// <summary>Returns 1 when queued, 0 when a message with this idempotency key exists already.</summary>
    public static async Task<int> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, OutboxMessage message, DateTimeOffset notBefore, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var command = new NpgsqlCommand("""
            INSERT INTO notification_messages
                (id, ticket, idempotency_key, message_id, channel, organisation_id, kind, tlp, language, recipient, subject, content,
                 encrypted, next_attempt_at, created_at, status_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, connection, transaction);
        foreach (var value in new object?[]
                 {
                     message.Id, message.Ticket, message.IdempotencyKey, message.MessageId, message.Channel, message.OrganisationId,
                     message.Kind.Name(), DirectiveStore.TlpName(message.Tlp), message.Language, message.Recipient, message.Subject,
                     message.Content, message.Encrypted, notBefore, now,
                 })
        {
            command.Parameters.Add(new() { Value = value ?? DBNull.Value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Queues many prepared messages in one transaction (tests, benchmarks, bulk campaigns).</summary>
    public static async Task<int> InsertManyAsync(NpgsqlDataSource dataSource, IEnumerable<OutboxMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(messages);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var count = 0;
        foreach (var message in messages)
        {
            count += await InsertAsync(connection, transaction, message, now, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
