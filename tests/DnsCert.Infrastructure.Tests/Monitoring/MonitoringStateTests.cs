using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Monitoring;

/// <summary>Zone state persistence and the daily SLA aggregates computed from stored results, on a real PostgreSQL.</summary>
public sealed class MonitoringStateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly s_day = new(2026, 11, 21);
    private readonly MonitoringStorageOptions _options = new();
    private NpgsqlDataSource _db = null!;
    private ProbeIngestion _ingestion = null!;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _ingestion = new ProbeIngestion(_db, new ProbePartitions(_db, _options), _options, new FixedTime(s_t0.AddHours(1)));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task State_snapshot_and_its_change_round_trip()
    {
        var store = new ZoneStateStore(_db, new FixedTime(s_t0));
        Assert.Null(await store.LoadAsync("example.test.", default));

        var machine = new ZoneStateMachine("example.test.", new EvaluationSettings());
        for (var i = 0; i < 3; i++)
        {
            var change = machine.Apply(s_t0.AddMinutes(i), Availability.Down);
            await store.SaveAsync(machine.Snapshot, change, default);
        }

        // A restarted server resumes from the stored counters: 3 passes bring it back up.
        var resumed = new ZoneStateMachine("example.test.", new EvaluationSettings(), await store.LoadAsync("EXAMPLE.test", default));
        Assert.Equal(ZoneState.Down, resumed.State);
        Assert.Equal(s_t0.AddMinutes(2), resumed.Snapshot.Since);
        Assert.Equal(3, resumed.Snapshot.FailStreak);
        for (var i = 3; i < 6; i++)
        {
            var change = resumed.Apply(s_t0.AddMinutes(i), Availability.Up);
            await store.SaveAsync(resumed.Snapshot, change, default);
        }

        var history = await store.HistoryAsync("example.test.", 10, default);
        Assert.Equal(
            [(ZoneState.Down, ZoneState.Up, s_t0.AddMinutes(5)), (ZoneState.Unknown, ZoneState.Down, s_t0.AddMinutes(2))],
            history.Select(c => (c.From, c.To, c.At)));
        Assert.Equal("3 consecutive failed cycles", history[1].Reason);
        Assert.Equal(resumed.Snapshot, await store.LoadAsync("example.test.", default));
    }

    private static ProbeMeasurement M(string vantagePoint, string server, string address, bool ok, int minute, string transport = "udp", double rtt = 30) =>
        new(vantagePoint, "example.test.", server, address, transport, "example.test.", "SOA", ok ? ProbeOutcome.Answered : ProbeOutcome.Timeout,
            ok ? "NOERROR" : null, ok, ok ? rtt : 4000, ok ? 7u : null, s_t0.AddMinutes(minute).AddSeconds(10));

    private async Task<object[]> ReadAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        Assert.False(await reader.ReadAsync());
        return values;
    }

    [Fact]
    public async Task Daily_aggregates_count_late_results_in_the_minute_they_were_measured()
    {
        // Minute 0: only vp-a reported in time, and ns2 failed for it → inconclusive. Minute 1: 2 agents, both servers up.
        await _ingestion.IngestAsync("vp-a", Guid.NewGuid(), [
            M("vp-a", "ns1.example.test.", "192.0.2.1", true, 0, rtt: 20), M("vp-a", "ns2.example.test.", "192.0.2.2", false, 0),
            M("vp-a", "ns1.example.test.", "192.0.2.1", true, 1, rtt: 40), M("vp-a", "ns2.example.test.", "192.0.2.2", true, 1, "tcp", 900),
        ], default);
        await _ingestion.IngestAsync("vp-b", Guid.NewGuid(), [
            M("vp-b", "ns1.example.test.", "192.0.2.1", true, 1, rtt: 60), M("vp-b", "ns2.example.test.", "192.0.2.2", true, 1, rtt: 600),
        ], default);
        var aggregator = new SlaDailyAggregator(_db, new EvaluationSettings(), TimeProvider.System);
        Assert.Equal(1, await aggregator.ComputeAsync(s_day, default));
        var zoneSql = "SELECT minutes_up, minutes_down, minutes_inconclusive, udp_queries, udp_within_limit, udp_median_ms, tcp_queries, tcp_within_limit FROM sla_zone_daily";
        Assert.Equal(new object[] { 1, 0, 1, 5, 3, 40f, 1, 1 }, await ReadAsync(zoneSql));

        // vp-b's buffered minute-0 results arrive an hour late: ns2 down for 2 of 2 agents → the zone was down at minute 0.
        await _ingestion.IngestAsync("vp-b", Guid.NewGuid(), [
            M("vp-b", "ns1.example.test.", "192.0.2.1", true, 0, rtt: 25), M("vp-b", "ns2.example.test.", "192.0.2.2", false, 0),
        ], default);
        await aggregator.ComputeAsync(s_day, default);
        Assert.Equal(new object[] { 1, 1, 0, 7, 4, 40f, 1, 1 }, await ReadAsync(zoneSql));
        Assert.Equal(new object[] { 1, 1, 0 }, await ReadAsync(
            "SELECT minutes_up, minutes_down, minutes_inconclusive FROM sla_address_daily WHERE address = '192.0.2.2'"));
        Assert.Equal(new object[] { 2, 0, 0 }, await ReadAsync(
            "SELECT minutes_up, minutes_down, minutes_inconclusive FROM sla_address_daily WHERE address = '192.0.2.1'"));
    }
}
