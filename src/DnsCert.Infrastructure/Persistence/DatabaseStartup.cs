using System.Net.Sockets;
using Npgsql;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>What a process does with the database before it serves: wait for it (briefly), then migrate or check.</summary>
public sealed class DatabaseStartup(NpgsqlDataSource dataSource, Migrator migrator, TimeProvider clock)
{
    private static readonly TimeSpan s_retryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the database to accept a connection. Errors that waiting cannot
    /// cure (wrong password, missing database) fail at once. Throws <see cref="DatabaseUnavailableException"/>.
    /// </summary>
    public async Task WaitUntilReachableAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var target = ConnectionStrings.Describe(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString));
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (!IsTransient(e))
            {
                throw new DatabaseUnavailableException($"the database {target} refused us: {e.MessageText}", e);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                if (clock.GetUtcNow() + s_retryDelay > deadline)
                {
                    throw new DatabaseUnavailableException(
                        $"cannot reach the database {target} (waited {timeout.TotalSeconds:0} s): {Innermost(e).Message}", e);
                }
            }

            await Task.Delay(s_retryDelay, clock, cancellationToken);
        }
    }

    /// <summary>Applies pending migrations, or, when <paramref name="migrate"/> is false, insists the schema is current.</summary>
    public async Task<int> PrepareSchemaAsync(bool migrate, CancellationToken cancellationToken)
    {
        if (migrate)
        {
            return await migrator.MigrateAsync(null, cancellationToken);
        }

        var status = await migrator.GetStatusAsync(cancellationToken);
        if (status.IsTooNew)
        {
            throw new SchemaTooNewException(status.DatabaseVersion, status.KnownVersion);
        }

        if (!status.IsCurrent)
        {
            throw new DatabaseUnavailableException(
                $"the database schema is at version {status.DatabaseVersion}, this DnsCert needs {status.KnownVersion}; "
                + "run `./dnscert db migrate` or set Database:MigrateOnStart=true");
        }

        return 0;
    }

    // 57P03: the server is starting up; 53300: too many connections. Both pass with time.
    private static bool IsTransient(PostgresException e) => e.SqlState is "57P03" or "53300" || e.IsTransient;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
