using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Agents;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Tests;

/// <summary>The agent's spool file, its schedule, and probing from a chosen source address.</summary>
public sealed class AgentUnitTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dnscert-spool-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static ResultBatch Batch(int results, DateTimeOffset at) => new(Guid.CreateVersion7(), "vp",
        [.. Enumerable.Range(0, results).Select(i => new ProbeMeasurement("vp", "example.", "ns1.example.", "192.0.2.1", "udp", "example.", "SOA",
            ProbeOutcome.Answered, "NOERROR", true, 12.5 + i, 7, at.AddMilliseconds(i)))]);

    [Fact]
    public void Unacknowledged_batches_survive_a_reopen_in_order_and_the_file_goes_when_all_are_acknowledged()
    {
        var path = ResultSpool.FileFor(_directory, "vp/a b");
        Path.GetFileName(path).ShouldBe("vp_a_b.spool");
        var t = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var (a, b, c) = (Batch(2, t), Batch(3, t.AddSeconds(1)), Batch(1, t.AddSeconds(2)));
        using (var spool = ResultSpool.Open(path))
        {
            spool.Append(a);
            spool.Append(b);
            spool.Append(c);
            spool.Acknowledge(b.BatchId);
        }

        using (var spool = ResultSpool.Open(path))
        {
            spool.Pending.Select(x => x.BatchId).ShouldBe([a.BatchId, c.BatchId]);
            spool.PendingResults.ShouldBe(3);
            spool.Pending[0].Results[1].ShouldBe(a.Results[1]);
            spool.Acknowledge(a.BatchId);
            File.Exists(path).ShouldBeTrue();
            spool.Acknowledge(c.BatchId);
            File.Exists(path).ShouldBeFalse("every batch acknowledged: the spool is deleted");
        }

        using var empty = ResultSpool.Open(path);
        empty.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void A_torn_last_line_is_cut_and_the_complete_batches_before_it_are_kept()
    {
        var path = ResultSpool.FileFor(_directory, "vp");
        var a = Batch(2, DateTimeOffset.UtcNow);
        using (var spool = ResultSpool.Open(path))
        {
            spool.Append(a);
        }

        File.AppendAllText(path, "B {\"batchId\":\"0190");
        using (var spool = ResultSpool.Open(path))
        {
            spool.Pending.Select(x => x.BatchId).ShouldBe([a.BatchId]);
            var b = Batch(1, DateTimeOffset.UtcNow);
            spool.Append(b);
        }

        using var again = ResultSpool.Open(path);
        again.Pending.Count.ShouldBe(2);
        File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l.StartsWith("B {", StringComparison.Ordinal) && l.EndsWith('}'));
    }

    [Fact]
    public void Each_vantage_point_probes_a_zone_once_per_interval_at_a_fixed_offset_inside_its_first_three_quarters()
    {
        var interval = ProbeSchedule.Interval(60, 3);
        interval.ShouldBe(TimeSpan.FromSeconds(3));
        ProbeSchedule.Interval(60, 60).ShouldBe(TimeSpan.FromSeconds(60));
        ProbeSchedule.Interval(300, 60).ShouldBe(TimeSpan.FromSeconds(300));
        ProbeSchedule.Interval(10, 60).ShouldBe(TimeSpan.FromSeconds(60), "never below one cycle");
        var offsets = new HashSet<TimeSpan>();
        foreach (var vp in new[] { "a", "b", "c", "d", "e" })
        {
            var offset = ProbeSchedule.Offset(vp, "example.", TimeSpan.FromSeconds(60));
            offset.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
            offset.ShouldBeLessThan(TimeSpan.FromSeconds(45));
            ProbeSchedule.Offset(vp, "EXAMPLE.", TimeSpan.FromSeconds(60)).ShouldBe(offset, "zone names compare case-insensitively");
            offsets.Add(offset);
        }

        offsets.Count.ShouldBeGreaterThan(1, "vantage points are spread over the interval");
        var now = new DateTimeOffset(2026, 11, 21, 10, 0, 30, TimeSpan.Zero);
        var slot = ProbeSchedule.SlotIn(now, "a", "example.", TimeSpan.FromSeconds(60));
        AvailabilityEvaluator.CycleOf(slot, TimeSpan.FromSeconds(60)).ShouldBe(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));
        var next = ProbeSchedule.NextDue(now, "a", "example.", TimeSpan.FromSeconds(60));
        next.ShouldBeGreaterThanOrEqualTo(now);
        (next == slot || next == slot.AddMinutes(1)).ShouldBeTrue();
    }

    [Fact]
    public void Cycles_are_aligned_on_the_epoch_and_a_minute_cycle_is_the_minute()
    {
        var t = new DateTimeOffset(2026, 11, 21, 10, 7, 41, 500, TimeSpan.FromHours(2));
        AvailabilityEvaluator.CycleOf(t, TimeSpan.FromMinutes(1)).ShouldBe(AvailabilityEvaluator.MinuteOf(t));
        AvailabilityEvaluator.CycleOf(t, TimeSpan.FromSeconds(3)).ShouldBe(new DateTimeOffset(2026, 11, 21, 8, 7, 39, TimeSpan.Zero));
    }

    [Fact]
    public async Task Probes_leave_from_the_configured_source_address()
    {
        // A silent server on an address no lab uses; the prober always queries port 53.
        var server = IPAddress.Parse("127.52.0.3");
        var source = IPAddress.Parse("127.52.0.4");
        using var socket = new UdpClient(new IPEndPoint(server, 53));
        using var listener = new TcpListener(server, 53);
        listener.Start();
        using var prober = new Prober(new ProbeSettings { SourceAddress = source, Timeout = TimeSpan.FromSeconds(1), KeepResults = false });
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var udp = prober.QueryAsync("ns1", server, DnsName.Parse("example.test."), DnsRecordType.SOA, ProbeQuery.Udp, guard.Token);
        var received = await socket.ReceiveAsync(guard.Token);
        received.RemoteEndPoint.Address.ShouldBe(source);
        var tcp = prober.QueryAsync("ns1", server, DnsName.Parse("example.test."), DnsRecordType.SOA, ProbeQuery.OverTcp, guard.Token);
        using var accepted = await listener.AcceptTcpClientAsync(guard.Token);
        ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address.ShouldBe(source);
        (await udp).Outcome.ShouldBe(ProbeOutcome.Timeout);
        accepted.Close();
        (await tcp).Answered.ShouldBeFalse();
        prober.All.ShouldBeEmpty("a long-lived agent's prober keeps no results");
    }
}
