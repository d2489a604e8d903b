using System.Text.Json;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>Directives in PostgreSQL (notification_directives), written in one transaction per event.</summary>
public sealed class DirectiveStore(NpgsqlDataSource dataSource, TimeProvider clock) : IDirectiveStore
{
    public async Task AddAsync(IReadOnlyList<Directive> directives, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directives);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, directives, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Adds directives inside the caller's transaction (a feature that queues them with its own rows).</summary>
    public static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Directive> directives, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directives);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var d in directives)
        {
            d.Validate();
            var command = new NpgsqlBatchCommand("""
                INSERT INTO notification_directives
                    (id, organisation_id, contact_role, kind, tlp, aggregation_key, not_before, reference, item, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """);
            command.Parameters.Add(new() { Value = Guid.CreateVersion7(now) });
            command.Parameters.Add(new() { Value = d.OrganisationId });
            command.Parameters.Add(new() { Value = d.ContactRole });
            command.Parameters.Add(new() { Value = d.Kind.Name() });
            command.Parameters.Add(new() { Value = TlpName(d.Tlp) });
            command.Parameters.Add(new() { Value = d.AggregationKey });
            command.Parameters.Add(new() { Value = d.NotBefore });
            command.Parameters.Add(new() { Value = (object?)d.Reference ?? DBNull.Value });
            command.Parameters.Add(new() { Value = JsonSerializer.Serialize(d.Values), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new() { Value = now });
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The lower-case form stored in the tlp columns ("amber+strict").</summary>
    public static string TlpName(Tlp tlp) => tlp.ToLabel()[4..].ToLowerInvariant();
}
