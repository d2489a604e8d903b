using Npgsql;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>One message as delivery tracking shows it (never its content).</summary>
public sealed record DeliveryRecord(
    Guid Id, long Ticket, string MessageId, string Channel, Guid? OrganisationId, string Kind, string Tlp, string Language, string Recipient,
    string Subject, bool Encrypted, string Status, string? StatusDetail, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    DateTimeOffset StatusChangedAt);

/// <summary>An alert for the duty officer: a dead letter or an unconfirmed delivery.</summary>
public sealed record NotificationAlert(Guid Id, Guid MessageId, string Kind, string Detail, DateTimeOffset CreatedAt);

/// <summary>Queries for delivery tracking: queued, sending (handed over, awaiting the reply), sent, failed, bounced, answered, unconfirmed.</summary>
public sealed class DeliveryTracking(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 500;

    public static IReadOnlyList<string> Statuses { get; } = ["queued", "sending", "sent", "failed", "bounced", "answered", "unconfirmed"];

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(Guid? organisationId, string? status, int limit, CancellationToken cancellationToken)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            throw new Core.ValidationException("status", $"'{status}' is not a delivery status ({string.Join(", ", Statuses)})");
        }

        await using var command = dataSource.CreateCommand("""
            SELECT id, ticket, message_id, channel, organisation_id, kind, tlp, language, recipient, subject, encrypted, status, status_detail,
                   attempts, created_at, sent_at, status_changed_at
            FROM notification_messages
            WHERE ($1::uuid IS NULL OR organisation_id = $1) AND ($2::text IS NULL OR status = $2)
            ORDER BY created_at DESC
            LIMIT $3
            """);
        command.Parameters.Add(new() { Value = (object?)organisationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = Math.Clamp(limit, 1, MaxPage) });
        var list = new List<DeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new DeliveryRecord(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.GetString(9), reader.GetBoolean(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.GetInt32(13), reader.GetFieldValue<DateTimeOffset>(14),
                reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.GetFieldValue<DateTimeOffset>(16)));
        }

        return list;
    }

    /// <summary>Counts per status, for one organisation or all.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountsAsync(Guid? organisationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT status, count(*) FROM notification_messages WHERE ($1::uuid IS NULL OR organisation_id = $1) GROUP BY status");
        command.Parameters.Add(new() { Value = (object?)organisationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var counts = Statuses.ToDictionary(s => s, _ => 0L);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<NotificationAlert>> OpenAlertsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, message, kind, detail, created_at FROM notification_alerts WHERE acknowledged_at IS NULL ORDER BY created_at DESC LIMIT 200");
        var list = new List<NotificationAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new NotificationAlert(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return list;
    }
}
