using Npgsql;

namespace DnsCert.Infrastructure.Campaigns;

/// <summary>
/// One server instance at a time runs the verification schedule: a PostgreSQL session advisory lock, held for a pass on
/// its own connection and released by the server when that connection ends (a crashed instance frees it).
/// </summary>
public sealed class VerificationLease : IAsyncDisposable
{
    // "dnscert campaign verification" folded into the bigint key space of pg_advisory_lock.
    private const long Key = 0x0d5ce7_0011;

    private readonly NpgsqlConnection _connection;

    private VerificationLease(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The lease, or null when another instance holds it.</summary>
    public static async Task<VerificationLease?> TryTakeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Key });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new VerificationLease(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Key });
            await command.ExecuteScalarAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
