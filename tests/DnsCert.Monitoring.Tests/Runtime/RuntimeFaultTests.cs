using DnsCert.Infrastructure.Monitoring;
using DnsCert.Lab;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// The whole lab fault catalogue through the runtime (the server's check loop on a 3-s cycle, its local agent), one
/// watched zone per fault at the same time, each with its approved baseline (the healthy delegation): every zone turns
/// up from the agent's probes; after the breaks each zone shows its fault's check IDs (<see cref="FaultExpectations"/>,
/// the one-shot check's table) within 3 check runs of its own break, with evidence; after <c>lab fix --all</c> they
/// clear within 3 runs. Runs are the zone's check starts (watched_zones.last_check_at), sampled in the background.
/// </summary>
[Collection("monitoring-lab")]
public sealed class RuntimeFaultTests(MonitoringLabFixture fixture, ITestOutputHelper output)
{
    private const int MaxRuns = 3;
    private static readonly Guid s_alice = Guid.Parse("00000000-0000-7000-8000-00000000000a");
    private static readonly Guid s_bob = Guid.Parse("00000000-0000-7000-8000-00000000000b");

    [Fact]
    public async Task Every_fault_is_found_by_its_checks_within_3_runs_and_cleared_within_3_runs_after_the_fix()
    {
        var watched = FaultExpectations.ByFault.Select(f => new Watched(f.Key, fixture.Take(f.Key), f.Value)).ToList();
        await using var h = await RuntimeHarness.CreateAsync(fixture, cycleSeconds: 3);
        var store = new WatchedZoneStore(h.Db, TimeProvider.System);
        foreach (var w in watched)
        {
            await h.WatchAsync(w.Zone.Fqdn);
            // CHG-xx compare with an approved (four-eyes) baseline: the healthy delegation.
            var healthy = await fixture.CheckAsync(w.Zone);
            await store.ProposeBaselineAsync(healthy.Snapshot, s_alice, default);
            await store.ApproveBaselineAsync(w.Zone.Fqdn, s_bob, default);
        }

        await h.StartServerAsync();
        await using var runs = CheckRuns.Start(h.Db);
        (await RuntimeHarness.WaitUntilAsync(async () => await h.ScalarAsync("SELECT count(*) FROM zone_states WHERE state = 'up'") == watched.Count,
                TimeSpan.FromSeconds(120)))
            .ShouldBeTrue("not every zone turned up:\n" + string.Join('\n', h.ServerLines.TakeLast(40)));
        foreach (var w in watched)
        {
            (await OpenAsync(h.Db, w, since: null)).ShouldBeEmpty($"{w.Fault} on the healthy {w.Zone.Fqdn}");
        }

        var fixedAll = false;
        try
        {
            foreach (var w in watched)
            {
                await fixture.Lab.BreakAsync(w.Zone.Name, w.Fault);
                w.Broken = DateTimeOffset.UtcNow;
            }

            // Found: every expected check seen (open) in a run that started after the zone's own break; the run is the
            // latest of those (last_seen is that run's start; samples come every 250 ms, runs seconds apart).
            (await RuntimeHarness.WaitUntilAsync(async () =>
            {
                foreach (var w in watched.Where(w => w.Found is null))
                {
                    var seen = await OpenAsync(h.Db, w, since: w.Broken);
                    if (seen.Count == w.Expected.Length)
                    {
                        w.Found = seen.Values.Max();
                    }
                }

                return watched.All(w => w.Found is not null);
            }, TimeSpan.FromSeconds(120))).ShouldBeTrue("not found: " + string.Join(", ", watched.Where(w => w.Found is null).Select(w => $"{w.Fault} ({w.Zone.Fqdn})")));
            foreach (var w in watched)
            {
                (await CountAsync(h.Db, "SELECT count(*) FROM zone_findings WHERE zone = $1 AND check_id = ANY($2) AND cleared_at IS NULL AND jsonb_array_length(evidence) = 0",
                    w.Key, w.Expected)).ShouldBe(0, $"{w.Fault}: every finding carries its evidence");
            }

            await fixture.Lab.FixAllAsync();
            fixedAll = true;
        }
        finally
        {
            if (!fixedAll)
            {
                await fixture.Lab.FixAllAsync();
            }
        }

        var fixedAt = DateTimeOffset.UtcNow;
        (await RuntimeHarness.WaitUntilAsync(async () =>
        {
            foreach (var w in watched.Where(w => w.Cleared is null))
            {
                if ((await OpenAsync(h.Db, w, since: null)).Count == 0)
                {
                    await using var command = h.Db.CreateCommand("SELECT max(cleared_at) FROM zone_findings WHERE zone = $1 AND check_id = ANY($2)");
                    command.Parameters.Add(new() { Value = w.Key });
                    command.Parameters.Add(new() { Value = w.Expected });
                    var cleared = new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!, TimeSpan.Zero);
                    w.Cleared = cleared > fixedAt ? cleared : fixedAt;
                }
            }

            return watched.All(w => w.Cleared is not null);
        }, TimeSpan.FromSeconds(90))).ShouldBeTrue("not cleared: " + string.Join(", ", watched.Where(w => w.Cleared is null).Select(w => w.Fault)));

        foreach (var w in watched)
        {
            output.WriteLine($"{w.Fault,-20} {w.Zone.Fqdn,-24} found after {runs.Between(w.Key, w.Broken, w.Found!.Value)} run(s), "
                + $"cleared after {runs.Between(w.Key, fixedAt, w.Cleared!.Value)} run(s) [{string.Join(' ', w.Expected)}]");
        }

        watched.ShouldAllBe(w => runs.Between(w.Key, w.Broken, w.Found!.Value) <= MaxRuns, "check runs from the break to the finding (see output)");
        watched.ShouldAllBe(w => runs.Between(w.Key, fixedAt, w.Cleared!.Value) <= MaxRuns, "check runs from lab fix to the clearing (see output)");
    }

    /// <summary>The open findings of the fault's checks, by check ID, with their last run (seen in a run that started after <paramref name="since"/>).</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> OpenAsync(NpgsqlDataSource db, Watched w, DateTimeOffset? since)
    {
        await using var command = db.CreateCommand("""
            SELECT check_id, max(last_seen) FROM zone_findings
            WHERE zone = $1 AND check_id = ANY($2) AND cleared_at IS NULL AND ($3::timestamptz IS NULL OR last_seen > $3)
            GROUP BY check_id
            """);
        command.Parameters.Add(new() { Value = w.Key });
        command.Parameters.Add(new() { Value = w.Expected });
        command.Parameters.Add(new() { Value = since is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var open = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            open[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return open;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, string zone, string[] checks)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new() { Value = zone });
        command.Parameters.Add(new() { Value = checks });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class Watched(string fault, LabZone zone, string[] expected)
    {
        public string Fault { get; } = fault;

        public LabZone Zone { get; } = zone;

        public string Key { get; } = zone.Fqdn.ToLowerInvariant();

        public string[] Expected { get; } = expected;

        public DateTimeOffset Broken { get; set; }

        public DateTimeOffset? Found { get; set; }

        public DateTimeOffset? Cleared { get; set; }
    }
}
