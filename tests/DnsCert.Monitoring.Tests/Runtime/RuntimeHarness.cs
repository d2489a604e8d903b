using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Persistence;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// A real server process (with its monitoring runtime on a short cycle, checks from the test lab) on its own PostgreSQL
/// cluster, an agent token, and agent processes (<c>dnscert agent</c>) whose output lines are collected.
/// </summary>
public sealed class RuntimeHarness : IAsyncDisposable
{
    private readonly MonitoringLabFixture _lab;
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, string> _settings;

    private RuntimeHarness(MonitoringLabFixture lab, PostgresCluster cluster, string database, NpgsqlDataSource db, string token,
        Dictionary<string, string> settings)
    {
        _lab = lab;
        Cluster = cluster;
        Database = database;
        Db = db;
        Token = token;
        _settings = settings;
        Port = FreePort.Next();
    }

    public PostgresCluster Cluster { get; }

    public string Database { get; }

    public NpgsqlDataSource Db { get; }

    public string Token { get; }

    public int Port { get; }

    public int CycleSeconds => int.Parse(_settings["Monitoring__Runtime__CycleSeconds"], CultureInfo.InvariantCulture);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "dnscert-runtime-" + Guid.NewGuid().ToString("N")[..8]);

    public Process? Server { get; private set; }

    /// <summary>Every line the server wrote (stdout and stderr).</summary>
    public ConcurrentQueue<string> ServerLines { get; } = new();

    public static async Task<RuntimeHarness> CreateAsync(MonitoringLabFixture lab, int cycleSeconds, Dictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var cluster = await PostgresCluster.CreateAsync();
        var database = await cluster.CreateDatabaseAsync("runtime");
        var db = NpgsqlDataSource.Create(database);
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);
        var userId = Guid.CreateVersion7();
        await using (var user = db.CreateCommand("""
            INSERT INTO users (id, user_name, display_name, roles, must_change_password, created_at)
            VALUES ($1, 'probe-agents', 'Probe agents', '{administrator}', false, now())
            """))
        {
            user.Parameters.Add(new() { Value = userId });
            await user.ExecuteNonQueryAsync();
        }

        var (token, _) = await new ApiTokenStore(db, TimeProvider.System).CreateAsync(userId, "agents", [ApiScopes.Agent], TimeSpan.FromDays(1), default);
        var harness = new RuntimeHarness(lab, cluster, database, db, token, new Dictionary<string, string>
        {
            ["Monitoring__Runtime__CycleSeconds"] = cycleSeconds.ToString(CultureInfo.InvariantCulture),
            ["Monitoring__Runtime__EvaluationDelaySeconds"] = "3",
            ["Monitoring__Runtime__HintsFile"] = lab.Lab.RootHintsFile,
            ["Monitoring__Runtime__AnchorFile"] = lab.Lab.TrustAnchorFile,
            ["Monitoring__Runtime__PrivateTree"] = "true",
            ["Monitoring__Runtime__MinimumVantagePoints"] = "1",
        });
        harness._settings["Monitoring__Runtime__SpoolDirectory"] = Path.Combine(harness.Directory, "server-spool");
        foreach (var (key, value) in extra ?? [])
        {
            harness._settings[key] = value;
        }

        return harness;
    }

    /// <summary>Adds a watched zone (default interval: one cycle).</summary>
    public Task WatchAsync(string zone) => new WatchedZoneStore(Db, TimeProvider.System).AddAsync(zone, 60, default);

    /// <summary>Starts the server process and waits until it is ready.</summary>
    public async Task StartServerAsync()
    {
        var environment = ServerProcess.Environment(Database, Port);
        foreach (var (key, value) in _settings)
        {
            environment[key] = value;
        }

        var server = ServerProcess.Start(environment);
        Server = server;
        _processes.Add(server);
        Collect(server, ServerLines);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/readyz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (server.HasExited)
            {
                throw new InvalidOperationException("server exited: " + string.Join('\n', ServerLines));
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("server never became ready");
    }

    /// <summary>Kills the server (SIGKILL).</summary>
    public async Task KillServerAsync()
    {
        if (Server is { HasExited: false } server)
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    /// <summary>Starts <c>dnscert agent</c>; its output lines go to <paramref name="lines"/>.</summary>
    public Process StartAgent(string name, string source, ConcurrentQueue<string> lines)
    {
        var agent = ProcessRunner.Start("dotnet",
            [MonitoringLabFixture.CliDll, "agent", "--server", $"http://127.0.0.1:{Port}", "--token", Token, "--name", name, "--source", source,
                "--spool", Path.Combine(Directory, "agent-spool")]);
        _processes.Add(agent);
        Collect(agent, lines);
        return agent;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the time is up; false on timeout.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
                // The test's own reads may meet the stopped database.
            }

            await Task.Delay(200);
        }

        return false;
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }

            process.Dispose();
        }

        await Db.DisposeAsync();
        await Cluster.DisposeAsync();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        GC.KeepAlive(_lab);
    }

    private static void Collect(Process process, ConcurrentQueue<string> lines)
    {
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue("stderr: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }
}
