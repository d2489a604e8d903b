using Npgsql;

namespace DnsCert.TestSupport;

/// <summary>
/// A fresh, empty database on the shared test server: the one `./dnscert test` started (<c>DNSCERT_TEST_DATABASE</c>),
/// or, when a test project runs on its own, a cluster this process starts once and stops at exit.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_server;
    private static PostgresCluster? s_ownCluster;

    /// <summary>Creates a database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        var server = await ServerAsync();
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> ServerAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_server is not null)
            {
                return s_server;
            }

            var given = Environment.GetEnvironmentVariable("DNSCERT_TEST_DATABASE");
            if (string.IsNullOrEmpty(given))
            {
                s_ownCluster = await PostgresCluster.CreateAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => s_ownCluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
                given = s_ownCluster.ConnectionString();
            }

            s_server = given;
            return s_server;
        }
        finally
        {
            s_gate.Release();
        }
    }
}
