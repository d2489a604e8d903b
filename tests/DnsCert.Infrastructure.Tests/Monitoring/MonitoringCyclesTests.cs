using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Monitoring;

/// <summary>The runtime's evaluation pass and findings store on a real PostgreSQL, with a clock the test moves.</summary>
public sealed class MonitoringCyclesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly MonitoringStorageOptions _storage = new();
    private readonly MovingTime _time = new(s_t0);
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await MigratedDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class MovingTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static IEnumerable<ProbeMeasurement> Minute(int minute, string vantagePoint, bool up) =>
        new[] { ("ns1.cycles.test.", "192.0.2.1"), ("ns2.cycles.test.", "192.0.2.2") }.Select(s => new ProbeMeasurement(vantagePoint, "cycles.test.",
            s.Item1, s.Item2, "udp", "cycles.test.", "SOA", up ? ProbeOutcome.Answered : ProbeOutcome.Timeout, up ? "NOERROR" : null, up, up ? 20 : 4000,
            up ? 1u : null, s_t0.AddMinutes(minute).AddSeconds(17)));

    [Fact]
    public async Task Three_passed_cycles_turn_a_zone_up_three_failed_down_and_three_with_one_vantage_point_inconclusive()
    {
        await new WatchedZoneStore(_db, _time).AddAsync("cycles.test.", 60, default);
        await using (var targets = _db.CreateCommand("""
            UPDATE watched_zones SET targets = '[{"serverName":"ns1.cycles.test.","address":"192.0.2.1"},{"serverName":"ns2.cycles.test.","address":"192.0.2.2"}]'
            WHERE zone = 'cycles.test.'
            """))
        {
            await targets.ExecuteNonQueryAsync();
        }

        var ingestion = new ProbeIngestion(_db, new ProbePartitions(_db, _storage), _storage, new FixedTime(s_t0.AddHours(1)));
        var results = new List<ProbeMeasurement>();
        for (var minute = 0; minute < 9; minute++)
        {
            var up = minute is < 3;
            results.AddRange(Minute(minute, "vp-a", up));
            if (minute < 6)
            {
                results.AddRange(Minute(minute, "vp-b", up));
            }
        }

        await ingestion.IngestAsync("test", Guid.CreateVersion7(), results, default);
        var options = new MonitoringRuntimeOptions { CycleSeconds = 60, EvaluationDelaySeconds = 5, MinimumVantagePoints = 2 };
        var states = new ZoneStateStore(_db, _time);
        var cycles = new MonitoringCycles(_db, states, new ZoneFindingStore(_db), new WatchedZoneStore(_db, _time), new ZoneCheckResultStore(_db), options, _time);
        var applied = 0;
        for (var minute = 1; minute <= 9; minute++)
        {
            _time.Now = s_t0.AddMinutes(minute).AddSeconds(5);
            var pass = await cycles.EvaluateAsync(default);
            applied += pass.CyclesApplied;
            (await cycles.EvaluateAsync(default)).CyclesApplied.ShouldBe(0, "a cycle is applied once");
        }

        applied.ShouldBe(9);
        var history = await states.HistoryAsync("cycles.test.", 10, default);
        history.Select(c => (c.From, c.To, c.At)).Reverse().ShouldBe(
        [
            (ZoneState.Unknown, ZoneState.Up, s_t0.AddMinutes(2)),
            (ZoneState.Up, ZoneState.Down, s_t0.AddMinutes(5)),
            (ZoneState.Down, ZoneState.Inconclusive, s_t0.AddMinutes(8)),
        ]);

        // Before the evaluation delay has passed, the cycle that just ended is not evaluated yet.
        _time.Now = s_t0.AddMinutes(10).AddSeconds(2);
        (await cycles.EvaluateAsync(default)).CyclesApplied.ShouldBe(0);
        // After a long pause only the last MaxCatchUpCycles cycles are applied (nothing measured: inconclusive).
        _time.Now = s_t0.AddMinutes(40).AddSeconds(5);
        (await cycles.EvaluateAsync(default)).CyclesApplied.ShouldBe(options.MaxCatchUpCycles);
    }

    [Fact]
    public async Task A_finding_stays_one_row_while_seen_clears_after_the_configured_misses_and_reopens_as_a_new_row()
    {
        var store = new ZoneFindingStore(_db);
        var evidence = new ProbeEvidence("ns1.f.test.", "192.0.2.1", "udp", "f.test. SOA +dnssec +norec", ProbeOutcome.Timeout, null, 4000, s_t0, "AAAA", null, "timeout");
        Finding Lame(Severity severity = Severity.Error) => new("DEL-04", severity, "f.test.", "ns1.f.test. (192.0.2.1)", "lame", "monitoring.fix.DEL-04", [evidence]);
        Finding Open() => new("NS-03", Severity.Notice, "f.test.", "ns2.f.test. (192.0.2.2)", "open AXFR", "monitoring.fix.NS-03", []);

        (await store.RecordRunAsync("F.test", [Lame(), Open(), Lame()], s_t0, 2, default)).ShouldBe(new FindingChanges(2, 0, 0));
        (await store.RecordRunAsync("f.test.", [Lame(Severity.Critical)], s_t0.AddMinutes(1), 2, default)).ShouldBe(new FindingChanges(0, 1, 0));
        (await store.OpenAsync("f.test.", default)).Count.ShouldBe(2, "one miss does not clear with ClearAfterRuns = 2");
        (await store.RecordRunAsync("f.test.", [Lame()], s_t0.AddMinutes(2), 2, default)).ShouldBe(new FindingChanges(0, 1, 1));
        var open = (await store.OpenAsync("f.test.", default)).ShouldHaveSingleItem();
        (open.CheckId, open.FirstSeen, open.LastSeen, open.Severity).ShouldBe(("DEL-04", s_t0, s_t0.AddMinutes(2), Severity.Error));
        open.EvidenceJson.ShouldContain("\"queryWire\": \"AAAA\"");

        (await store.RecordRunAsync("f.test.", [Lame(), Open()], s_t0.AddMinutes(3), 2, default)).ShouldBe(new FindingChanges(1, 1, 0));
        var history = await store.HistoryAsync("f.test.", 10, default);
        history.Where(f => f.CheckId == "NS-03").Select(f => (f.FirstSeen, f.ClearedAt))
            .ShouldBe([(s_t0.AddMinutes(3), (DateTimeOffset?)null), (s_t0, s_t0.AddMinutes(2))]);
    }
}
