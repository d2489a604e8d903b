using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Tests.Monitoring;

/// <summary>
/// Puts monitoring data into a database through the application's own stores (never SQL): a watched zone, its state
/// and state change, its latest check with findings and evidence, and probe results with their daily SLA aggregates.
/// Shared by the web tests and the browser test (linked).
/// </summary>
public sealed class MonitoringSeed(NpgsqlDataSource dataSource)
{
    private readonly WatchedZoneStore _zones = new(dataSource, TimeProvider.System);
    private readonly ZoneStateStore _states = new(dataSource, TimeProvider.System);
    private readonly ZoneCheckResultStore _checks = new(dataSource);

    public WatchedZoneStore Zones => _zones;

    /// <summary>Watches <paramref name="zone"/>, gives it <paramref name="state"/> (changed from unknown an hour ago) and a check with <paramref name="findings"/>.</summary>
    public async Task ZoneAsync(string zone, ZoneState? state, params Finding[] findings)
    {
        await _zones.AddAsync(zone, 60, CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        if (state is { } s)
        {
            await _states.SaveAsync(new ZoneStateSnapshot(zone, s, at, s == ZoneState.Up ? 3 : 0, s == ZoneState.Down ? 3 : 0, 0, at),
                new ZoneStateChange(zone, ZoneState.Unknown, s, at, $"3 cycles {s.ToString().ToLowerInvariant()}"), CancellationToken.None);
        }

        var observed = new DelegationSnapshot
        {
            Zone = zone,
            NameServers = ["ns1." + zone, "ns2." + zone],
            Glue = new Dictionary<string, IReadOnlyList<string>> { ["ns1." + zone] = ["127.0.0.1"], ["ns2." + zone] = ["127.0.0.2"] },
            Ds = [],
        };
        await _checks.SaveAsync(new CheckReport(zone, "test-vp", DateTimeOffset.UtcNow.AddMinutes(-5), 120, 42, findings, []), observed, CancellationToken.None);
    }

    /// <summary>A finding of the catalogue with one piece of evidence: a real query (wire bytes) and its decoded response.</summary>
    public static Finding Finding(string checkId, string zone, string subject, Severity? severity = null) =>
        CheckCatalogue.Finding(checkId, zone, subject, $"{checkId} seen on {subject}", [Evidence(zone)], severity);

    public static ProbeEvidence Evidence(string zone) => new("ns2." + zone, "127.0.0.2", "udp", zone + " SOA +norec", ProbeOutcome.Answered, "REFUSED",
        12.5, DateTimeOffset.UtcNow.AddMinutes(-5), Convert.ToBase64String(Query(zone)), Convert.ToBase64String(Query(zone)),
        $";; ->>HEADER<<- opcode: QUERY, status: REFUSED, id: 4660\n;; QUESTION SECTION:\n;{zone}\tIN\tSOA");

    /// <summary>
    /// Probe results for <paramref name="hours"/> past hours, one probe a minute per address and transport from two
    /// vantage points, with the given round trips, then the daily aggregates of the days touched.
    /// </summary>
    public async Task ProbesAsync(string zone, int hours, double udpMs, double tcpMs)
    {
        var partitions = new ProbePartitions(dataSource, new MonitoringStorageOptions());
        var ingestion = new ProbeIngestion(dataSource, partitions, new MonitoringStorageOptions(), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var start = now.AddHours(-hours);
        await partitions.MaintainAsync(now, CancellationToken.None);
        var batch = new List<ProbeMeasurement>();
        for (var t = start; t < now; t = t.AddMinutes(1))
        {
            foreach (var vp in new[] { "vp-a", "vp-b" })
            {
                foreach (var (server, address) in new[] { ("ns1." + zone, "127.0.0.1"), ("ns2." + zone, "127.0.0.2") })
                {
                    batch.Add(new ProbeMeasurement(vp, zone, server, address, "udp", zone, "SOA", ProbeOutcome.Answered, "NOERROR", true, udpMs, 1, t));
                    batch.Add(new ProbeMeasurement(vp, zone, server, address, "tcp", zone, "SOA", ProbeOutcome.Answered, "NOERROR", true, tcpMs, 1, t));
                }
            }
        }

        foreach (var chunk in batch.Chunk(5000))
        {
            await ingestion.IngestAsync("seed", Guid.NewGuid(), chunk, CancellationToken.None);
        }

        var aggregator = new SlaDailyAggregator(dataSource, new EvaluationSettings(), TimeProvider.System);
        for (var day = DateOnly.FromDateTime(start.UtcDateTime); day <= DateOnly.FromDateTime(now.UtcDateTime); day = day.AddDays(1))
        {
            await aggregator.ComputeZoneAsync(day, zone, CancellationToken.None);
        }
    }

    private static byte[] Query(string zone)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
        foreach (var label in zone.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0x00, 0x00, 0x06, 0x00, 0x01]);
        return [.. bytes];
    }
}
