using System.Globalization;
using Npgsql;

namespace DnsCert.TestSupport;

/// <summary>
/// A real, throw-away PostgreSQL cluster of a test's own, for tests that stop and start the database. It lives under
/// <c>DNSCERT_TEST_TMP</c> when `./dnscert test` set it, so the script can stop it even if the test process dies.
/// initdb refuses root, so as root every PostgreSQL program runs as the <c>postgres</c> system user.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _bin;

    private PostgresCluster(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Timeout=5";

    public static async Task<PostgresCluster> CreateAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql");
        var parent = Environment.GetEnvironmentVariable("DNSCERT_TEST_TMP") is { Length: > 0 } t ? t : Path.GetTempPath();
        var directory = Path.Combine(parent, "cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        await AsPostgresAsync("chown", ["postgres:postgres", directory], asRoot: true);
        await CheckAsync(await AsPostgresAsync(Path.Combine(bin, "initdb"),
            ["-D", directory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]));
        var cluster = new PostgresCluster(directory, bin, FreePort.Next());
        await cluster.StartAsync();
        return cluster;
    }

    public async Task StartAsync()
    {
        await CheckAsync(await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"),
        [
            "-D", _directory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} -c unix_socket_directories='' -c fsync=off",
            "start",
        ]));
    }

    public async Task StopAsync() =>
        await CheckAsync(await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _directory, "-m", "fast", "-w", "stop"]));

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _directory, "-m", "immediate", "-w", "stop"]);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: `./dnscert test` removes the whole folder at the end anyway.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task<ProcessResult> AsPostgresAsync(string program, IEnumerable<string> arguments, bool asRoot = false)
    {
        if (asRoot)
        {
            return IsRoot ? ProcessRunner.RunAsync(program, arguments) : Task.FromResult(new ProcessResult(0, "", ""));
        }

        return IsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
            : ProcessRunner.RunAsync(program, arguments);
    }

    private static Task CheckAsync(ProcessResult result) => result.ExitCode == 0
        ? Task.CompletedTask
        : throw new InvalidOperationException($"PostgreSQL tool failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput}");
}
