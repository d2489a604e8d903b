using Microsoft.Extensions.Logging;
using Npgsql;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>Where a database stands against the migrations this build carries.</summary>
public sealed record SchemaStatus(int DatabaseVersion, int KnownVersion)
{
    public bool IsCurrent => DatabaseVersion == KnownVersion;

    public bool IsTooNew => DatabaseVersion > KnownVersion;

    public int Pending => Math.Max(0, KnownVersion - DatabaseVersion);
}

/// <summary>
/// Applies the embedded SQL migrations in order, each in its own transaction, under a session advisory lock so that
/// any number of server instances and CLI runs may start at once; records each in <c>schema_migrations</c>.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    /// <summary>Advisory lock key shared by every DnsCert process: ASCII "dnscertM".</summary>
    public const long AdvisoryLockKey = 0x646E_7363_6572_744D;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private readonly IReadOnlyList<Migration> _migrations = MigrationCatalog.All;

    /// <summary>Applies every pending migration; reports each as it is applied. Returns how many were applied.</summary>
    public async Task<int> MigrateAsync(IProgress<Migration>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, CreateHistoryTable, cancellationToken);
            var applied = await ReadHistoryAsync(connection, cancellationToken);
            CheckHistory(applied);

            var count = 0;
            foreach (var migration in _migrations.Where(m => !applied.ContainsKey(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
                    record.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Version, migration.Name);
                progress?.Report(migration);
                count++;
            }

            return count;
        }
        finally
        {
            // The lock is per session; unlocking explicitly matters because the connection returns to the pool.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>Reads the schema version without changing anything (0 for an empty database).</summary>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await GetStatusAsync(connection, cancellationToken);
    }

    internal static async Task<SchemaStatus> GetStatusAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Two statements: PostgreSQL resolves table names when it parses, so one query cannot guard itself.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return new SchemaStatus(0, MigrationCatalog.LatestVersion);
            }
        }

        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection);
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new SchemaStatus(version, MigrationCatalog.LatestVersion);
    }

    private void CheckHistory(Dictionary<int, string> applied)
    {
        var newest = applied.Count == 0 ? 0 : applied.Keys.Max();
        if (newest > MigrationCatalog.LatestVersion)
        {
            throw new SchemaTooNewException(newest, MigrationCatalog.LatestVersion);
        }

        foreach (var migration in _migrations)
        {
            if (applied.TryGetValue(migration.Version, out var checksum) && checksum != migration.Checksum)
            {
                throw new MigrationIntegrityException(
                    $"migration {migration.Version:D4}_{migration.Name} was changed after it was applied to this "
                    + "database; migrations are append-only: restore the file and add a new migration instead");
            }
        }
    }

    private static async Task<Dictionary<int, string>> ReadHistoryAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
