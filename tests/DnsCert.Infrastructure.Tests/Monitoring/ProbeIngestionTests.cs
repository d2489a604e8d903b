using DnsCert.Core;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Monitoring;

/// <summary>Probe-result ingestion and day partitions on a real PostgreSQL.</summary>
public sealed class ProbeIngestionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 21, 0, 10, 0, TimeSpan.Zero);
    private readonly MonitoringStorageOptions _options = new() { RetentionDays = 7, PartitionsAhead = 2 };
    private NpgsqlDataSource _db = null!;
    private ProbePartitions _partitions = null!;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _partitions = new ProbePartitions(_db, _options);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private ProbeIngestion Ingestion(DateTimeOffset? now = null) => new(_db, _partitions, _options, new FixedTime(now ?? s_now));

    private static ProbeMeasurement M(DateTimeOffset time, string vantagePoint = "vp-a", string address = "192.0.2.1", string transport = "udp",
        ProbeOutcome outcome = ProbeOutcome.Answered, double rtt = 12.5) =>
        new(vantagePoint, "example.test.", "ns1.example.test.", address, transport, "example.test.", "SOA", outcome,
            outcome == ProbeOutcome.Answered ? "NOERROR" : null, outcome == ProbeOutcome.Answered, rtt,
            outcome == ProbeOutcome.Answered ? 2026112101u : null, time);

    private async Task<long> CountAsync(string sql = "SELECT count(*) FROM probe_results")
    {
        await using var command = _db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Results_round_trip_and_land_in_the_partition_of_their_measurement_time()
    {
        // Buffered over midnight: two results from yesterday arrive with one from today.
        var batch = new[]
        {
            M(s_now.AddMinutes(-15), address: "2001:db8::53"), M(s_now.AddMinutes(-11), transport: "tcp", outcome: ProbeOutcome.Timeout, rtt: 4000),
            M(s_now.AddMinutes(-1)),
        };
        var result = await Ingestion().IngestAsync("agent-1", Guid.NewGuid(), batch, default);
        Assert.Equal(new IngestResult(false, 3, 0), result);

        await using var command = _db.CreateCommand("""
            SELECT tableoid::regclass::text, measured_at, address::text, transport, outcome, rcode, authoritative, rtt_ms, serial, agent
            FROM probe_results ORDER BY measured_at
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            reader.GetValues(values!);
            rows.Add(values.Select(v => v is DBNull ? null : v).ToArray());
        }

        Assert.Equal(3, rows.Count);
        Assert.Equal(["probe_results_p20261120", "probe_results_p20261120", "probe_results_p20261121"], rows.Select(r => (string)r[0]!));
        Assert.Equal(s_now.AddMinutes(-15), new DateTimeOffset((DateTime)rows[0][1]!));
        Assert.Equal("2001:db8::53/128", rows[0][2]);
        Assert.Equal(("tcp", (short)1, null, false, 4000f, null), (rows[1][3], rows[1][4], rows[1][5], rows[1][6], rows[1][7], rows[1][8]));
        Assert.Equal(("NOERROR", true, 12.5f, 2026112101L, "agent-1"), (rows[2][5], rows[2][6], rows[2][7], rows[2][8], rows[2][9]));
    }

    [Fact]
    public async Task A_resent_batch_is_not_counted_twice()
    {
        var id = Guid.NewGuid();
        var batch = Enumerable.Range(0, 50).Select(i => M(s_now.AddSeconds(-i))).ToList();
        Assert.False((await Ingestion().IngestAsync("agent-1", id, batch, default)).Duplicate);
        var again = await Ingestion().IngestAsync("agent-1", id, batch, default);
        Assert.Equal(new IngestResult(true, 0, 0), again);
        Assert.Equal(50, await CountAsync());

        // The batch id is per agent: another agent's batch with the same id is its own.
        Assert.False((await Ingestion().IngestAsync("agent-2", id, batch, default)).Duplicate);
        Assert.Equal(100, await CountAsync());
    }

    [Fact]
    public async Task Concurrent_resends_store_the_batch_once()
    {
        var id = Guid.NewGuid();
        var batch = Enumerable.Range(0, 2000).Select(i => M(s_now.AddMilliseconds(-i * 10))).ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Ingestion().IngestAsync("agent-1", id, batch, default))));
        Assert.Single(results, r => !r.Duplicate);
        Assert.Equal(2000, await CountAsync());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM probe_batches"));
    }

    [Fact]
    public async Task Names_are_stored_normalised_and_rcodes_upper_case_from_the_known_set()
    {
        var batch = new[]
        {
            M(s_now) with { Zone = "Example.TEST", ServerName = "NS1.example.test", Rcode = "NoError" },
            M(s_now) with { VantagePoint = "vp-b", Rcode = "nxdomain" },
            M(s_now) with { VantagePoint = "vp-c", Rcode = "rcode11" },
        };
        Assert.Equal(3, (await Ingestion().IngestAsync("agent-1", Guid.NewGuid(), batch, default)).Stored);
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM probe_results WHERE zone = 'example.test.' AND server_name = 'ns1.example.test.'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM probe_results WHERE rcode = 'RCODE11'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM probe_results WHERE rcode = 'NOERROR'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM probe_results WHERE rcode = 'NXDOMAIN'"));

        var rcode = await Assert.ThrowsAsync<ValidationException>(
            () => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now), M(s_now) with { Rcode = "NOERR" }], default));
        await Assert.ThrowsAsync<ValidationException>(() => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now) with { Rcode = "RCODE4096" }], default));
        Assert.Equal("batch[1].rcode", rcode.Field);
        var zone = await Assert.ThrowsAsync<ValidationException>(
            () => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now) with { Zone = "bad..name" }], default));
        Assert.Equal("batch[0].zone", zone.Field);
        var server = await Assert.ThrowsAsync<ValidationException>(
            () => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now) with { ServerName = new string('a', 64) + ".test." }], default));
        Assert.Equal("batch[0].serverName", server.Field);
        Assert.Equal(3, await CountAsync());
    }

    [Fact]
    public async Task A_bad_row_refuses_the_whole_batch_and_writes_nothing()
    {
        var batch = new[] { M(s_now), M(s_now, address: "ns1.example.test") };
        var e = await Assert.ThrowsAsync<ValidationException>(() => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), batch, default));
        Assert.Equal("batch[1].address", e.Field);
        var quic = await Assert.ThrowsAsync<ValidationException>(() => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now, transport: "quic")], default));
        Assert.Equal("batch[0].transport", quic.Field);
        var future = await Assert.ThrowsAsync<ValidationException>(() => Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now.AddHours(1))], default));
        Assert.Equal("batch[0].time", future.Field);
        await Assert.ThrowsAsync<ValidationException>(() => Ingestion().IngestAsync("", Guid.NewGuid(), [M(s_now)], default));
        Assert.Equal(0, await CountAsync());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM probe_batches"));
    }

    [Fact]
    public async Task Results_older_than_the_retention_are_discarded_and_counted()
    {
        // Retention 7 days: today and the 6 days before are kept.
        var batch = new[] { M(s_now.AddDays(-6)), M(s_now.AddDays(-7)), M(s_now.AddDays(-30)) };
        var result = await Ingestion().IngestAsync("agent-1", Guid.NewGuid(), batch, default);
        Assert.Equal(new IngestResult(false, 1, 2), result);
        Assert.Equal(1, await CountAsync());
        Assert.Equal(2, await CountAsync("SELECT discarded::bigint FROM probe_batches"));
    }

    [Fact]
    public async Task Maintenance_creates_partitions_ahead_and_drops_expired_days()
    {
        var (created, dropped) = await _partitions.MaintainAsync(s_now, default);
        Assert.Equal((3, 0), (created, dropped));
        Assert.Equal([new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 22), new DateOnly(2026, 11, 23)], await _partitions.ListAsync(default));
        Assert.Equal((0, 0), await _partitions.MaintainAsync(s_now, default));

        await Ingestion().IngestAsync("agent-1", Guid.NewGuid(), [M(s_now), M(s_now.AddDays(-2))], default);

        // Eight days later (the 29th) the oldest retained day is the 23rd: the 19th, 21st and 22nd go, the 23rd stays.
        var later = s_now.AddDays(8);
        var (createdLater, droppedLater) = await _partitions.MaintainAsync(later, default);
        Assert.Equal(3, droppedLater);
        Assert.Equal(3, createdLater);
        var days = await _partitions.ListAsync(default);
        Assert.Equal(new DateOnly(2026, 11, 23), days[0]);
        Assert.Equal(new DateOnly(2026, 12, 1), days[^1]);
        Assert.Equal(0, await CountAsync());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM probe_batches"));

        // A result for a dropped day is discarded, not resurrected into a new partition.
        var late = await new ProbeIngestion(_db, _partitions, _options, new FixedTime(later)).IngestAsync("agent-1", Guid.NewGuid(), [M(s_now)], default);
        Assert.Equal(new IngestResult(false, 0, 1), late);
        Assert.DoesNotContain(new DateOnly(2026, 11, 21), await _partitions.ListAsync(default));
    }
}
