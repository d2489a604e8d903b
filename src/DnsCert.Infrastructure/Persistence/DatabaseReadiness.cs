using Npgsql;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>The answer to "can this instance serve?" as far as the database goes.</summary>
public sealed record ReadinessResult(bool Ready, string Description, int? SchemaVersion);

/// <summary>
/// Probes the database for <c>/readyz</c>: reachable and migrated to the version this build knows. Never throws; after
/// a failure it clears the connection pool so connections broken by a database restart are not handed out again.
/// </summary>
public sealed class DatabaseReadiness(NpgsqlDataSource dataSource)
{
    public async Task<ReadinessResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var status = await Migrator.GetStatusAsync(connection, cancellationToken);
            if (status.IsCurrent)
            {
                return new ReadinessResult(true, $"schema version {status.DatabaseVersion}", status.DatabaseVersion);
            }

            return new ReadinessResult(false, status.IsTooNew
                ? $"schema version {status.DatabaseVersion} is newer than this build ({status.KnownVersion})"
                : $"schema version {status.DatabaseVersion}, {status.Pending} migration(s) pending", status.DatabaseVersion);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException
                                      or System.Net.Sockets.SocketException or IOException)
        {
            NpgsqlConnection.ClearAllPools();
            return new ReadinessResult(false, $"database unreachable: {e.Message}", null);
        }
    }
}
