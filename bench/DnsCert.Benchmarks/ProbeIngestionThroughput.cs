using System.Diagnostics;
using System.Globalization;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Persistence;
using DnsCert.Monitoring.Model;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/DnsCert.Benchmarks -- probes [results] [batch size]</c>: probe results per
/// second stored by <see cref="ProbeIngestion"/> (validation, batch claim, binary COPY into the day partition, commit)
/// into a fresh migrated database on a throw-away PostgreSQL (TestDatabase: DNSCERT_TEST_DATABASE or its own cluster).
/// Runs once with one writer and once with two writers (two agents pushing at the same time). The results look like a
/// real sweep: 1,000 zones × 4 name-server addresses × UDP and TCP, from 3 vantage points, over the last minutes.
/// </summary>
public static class ProbeIngestionThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var total = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400_000;
        var batchSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5_000;
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);
        var options = new MonitoringStorageOptions();
        var partitions = new ProbePartitions(db, options);
        var ingestion = new ProbeIngestion(db, partitions, options, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        await partitions.MaintainAsync(now, default);

        var batches = Generate(total, batchSize, now.AddMinutes(-30));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} results in batches of {batchSize}; {Environment.ProcessorCount} cores; load average {LoadAverage()}"));

        // Warm-up: JIT, connection pool, first COPY.
        await ingestion.IngestAsync("warm-up", Guid.NewGuid(), batches[0], default);

        // 1 writer again at the end: the first pass still runs partly on tier-0 JIT code.
        foreach (var writers in new[] { 1, 2, 1 })
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var next = -1;
            var agent = "bench-" + Guid.NewGuid().ToString("N");
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < batches.Count)
                {
                    var result = await ingestion.IngestAsync(agent, Guid.NewGuid(), batches[i], default);
                    if (result.Stored != batches[i].Count)
                    {
                        throw new InvalidOperationException("batch not fully stored");
                    }
                }
            })));
            clock.Stop();
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{writers} writer(s): {total / clock.Elapsed.TotalSeconds,9:0} results/s  ({clock.Elapsed.TotalSeconds:0.00} s wall, client CPU {used.TotalMilliseconds * 1000 / total:0.0} µs/result)"));
        }

        await using var size = db.CreateCommand("""
            SELECT sum(pg_total_relation_size(inhrelid))::bigint, (SELECT count(*) FROM probe_results)
            FROM pg_inherits WHERE inhparent = 'probe_results'::regclass
            """);
        await using var reader = await size.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stored {reader.GetInt64(1)} rows, {reader.GetInt64(0) / (double)reader.GetInt64(1):0} bytes/row with the (zone, time) index"));
        return 0;
    }

    private static List<IReadOnlyList<ProbeMeasurement>> Generate(int total, int batchSize, DateTimeOffset start)
    {
        var all = new List<ProbeMeasurement>(total);
        string[] vantagePoints = ["vp-paris", "vp-dakar", "vp-lima"];
        for (var i = 0; all.Count < total; i++)
        {
            var zone = $"zone{i % 1000}.test.";
            var server = $"ns{i % 4 + 1}.{zone}";
            var address = i % 2 == 0 ? $"192.0.{i % 4}.{i % 250 + 1}" : $"2001:db8:{i % 4:x}::{i % 250 + 1:x}";
            var udp = i % 5 != 0;
            var timeout = i % 97 == 0;
            all.Add(new ProbeMeasurement(vantagePoints[i % 3], zone, server, address, udp ? "udp" : "tcp", zone, "SOA",
                timeout ? ProbeOutcome.Timeout : ProbeOutcome.Answered, timeout ? null : "NOERROR", !timeout, timeout ? 4000 : 5 + i % 200,
                timeout ? null : 2026112100u, start.AddMilliseconds(i % 1_800_000)));
        }

        return all.Chunk(batchSize).Select(c => (IReadOnlyList<ProbeMeasurement>)c).ToList();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
