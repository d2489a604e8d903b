using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Tests;

/// <summary>The pure evaluation: per-address and zone availability per minute, RTT statistics, the zone state machine.</summary>
public sealed class EvaluationTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly EvaluationSettings s_settings = new();

    private static ProbeMeasurement M(
        string vantagePoint, string address = "192.0.2.1", bool ok = true, double rtt = 20, string transport = "udp", int second = 5,
        int minute = 0, string server = "ns1.example.test.", string zone = "example.test.", bool aa = true, string rcode = "NOERROR",
        ProbeOutcome outcome = ProbeOutcome.Answered) =>
        new(vantagePoint, zone, server, address, transport, zone, "SOA", ok ? outcome : ProbeOutcome.Timeout, ok ? rcode : null, aa,
            ok ? rtt : 4000, ok ? 1u : null, s_t0.AddMinutes(minute).AddSeconds(second));

    private static IEnumerable<ProbeMeasurement> VantagePoints(int up, int down, string address = "192.0.2.1", string server = "ns1.example.test.",
        int minute = 0)
    {
        for (var i = 0; i < up; i++)
        {
            yield return M($"vp-up-{i}", address, true, server: server, minute: minute);
        }

        for (var i = 0; i < down; i++)
        {
            yield return M($"vp-down-{i}", address, false, server: server, minute: minute);
        }
    }

    [Theory]
    [InlineData(49, 51, Availability.Down)] // exactly 51% of 100 vantage points: down
    [InlineData(51, 49, Availability.Up)]
    [InlineData(50, 50, Availability.Up)] // 50% is below the 51% rule
    [InlineData(50, 51, Availability.Up)] // 51 of 101 is 50.5%: below the 51% rule (integer arithmetic, no rounding up)
    [InlineData(1, 2, Availability.Down)] // 2 of 3 agents see it down: 66.7%
    [InlineData(2, 1, Availability.Up)] // 1 of 3: 33.3%
    [InlineData(1, 1, Availability.Up)] // 1 of 2: 50%
    [InlineData(0, 2, Availability.Down)]
    [InlineData(0, 1, Availability.Inconclusive)] // one vantage point is below the default quorum of 2
    [InlineData(1, 0, Availability.Inconclusive)]
    public void Address_availability_follows_the_51_percent_rule(int up, int down, Availability expected)
    {
        var result = Assert.Single(AvailabilityEvaluator.EvaluateAddresses(VantagePoints(up, down), s_settings));
        Assert.Equal(expected, result.Availability);
        Assert.Equal(up + down, result.VantagePoints);
        Assert.Equal(down, result.VantagePointsDown);
        Assert.Equal(s_t0, result.Minute);
    }

    [Fact]
    public void Quorum_is_configurable_and_inconclusive_never_counts_as_down()
    {
        var settings = s_settings with { MinimumVantagePoints = 20 };
        var result = Assert.Single(AvailabilityEvaluator.EvaluateAddresses(VantagePoints(0, 19), settings));
        Assert.Equal(Availability.Inconclusive, result.Availability);
        Assert.Equal(Availability.Down, Assert.Single(AvailabilityEvaluator.EvaluateAddresses(VantagePoints(0, 20), settings)).Availability);
    }

    [Theory]
    [InlineData(ProbeOutcome.Answered, "NOERROR", true, 2500, "udp", true)] // exactly 5 × 500 ms is still answered
    [InlineData(ProbeOutcome.Answered, "NOERROR", true, 2500.5, "udp", false)]
    [InlineData(ProbeOutcome.Answered, "NOERROR", true, 7500, "tcp", true)]
    [InlineData(ProbeOutcome.Answered, "NOERROR", true, 7501, "TCP", false)]
    [InlineData(ProbeOutcome.Answered, "SERVFAIL", true, 10, "udp", false)]
    [InlineData(ProbeOutcome.Answered, "REFUSED", true, 10, "udp", false)]
    [InlineData(ProbeOutcome.Answered, "NOERROR", false, 10, "udp", false)] // lame: no AA
    [InlineData(ProbeOutcome.NetworkError, null, false, 1, "tcp", false)]
    [InlineData(ProbeOutcome.Malformed, null, false, 1, "udp", false)]
    public void A_valid_answer_needs_noerror_aa_and_five_times_the_limit(
        ProbeOutcome outcome, string? rcode, bool aa, double rtt, string transport, bool valid)
    {
        var m = new ProbeMeasurement("vp", "example.test.", "ns1.example.test.", "192.0.2.1", transport, "example.test.", "SOA", outcome, rcode, aa,
            rtt, 1, s_t0);
        Assert.Equal(valid, AvailabilityEvaluator.IsValid(m, s_settings));
    }

    [Fact]
    public void A_vantage_point_with_one_failed_probe_in_the_minute_sees_the_address_down()
    {
        // vp-a: UDP fine, TCP refused; vp-b: both fine; vp-c: both fine → 1 of 3 down → up.
        // With vp-b also failing TCP, 2 of 3 → down.
        var probes = new List<ProbeMeasurement>
        {
            M("vp-a"), M("vp-a", transport: "tcp", ok: false), M("vp-b"), M("vp-b", transport: "tcp"), M("vp-c"),
        };
        Assert.Equal(Availability.Up, Assert.Single(AvailabilityEvaluator.EvaluateAddresses(probes, s_settings)).Availability);
        probes.Add(M("vp-b", transport: "tcp", ok: false, second: 40));
        var result = Assert.Single(AvailabilityEvaluator.EvaluateAddresses(probes, s_settings));
        Assert.Equal(Availability.Down, result.Availability);
        Assert.Equal(2, result.VantagePointsDown);
    }

    [Fact]
    public void Late_results_count_in_the_minute_they_were_measured_not_when_they_arrived()
    {
        // Minute 0 first saw only vp-a (inconclusive); vp-b and vp-c's minute-0 results arrive after minute 1's.
        var arrived = new List<ProbeMeasurement> { M("vp-a", ok: false, minute: 0) };
        arrived.AddRange(VantagePoints(3, 0, minute: 1));
        var before = AvailabilityEvaluator.EvaluateAddresses(arrived, s_settings);
        Assert.Equal(Availability.Inconclusive, before.Single(a => a.Minute == s_t0).Availability);

        arrived.Add(M("vp-b", ok: false, minute: 0, second: 59));
        arrived.Add(M("vp-c", ok: true, minute: 0, second: 0));
        var after = AvailabilityEvaluator.EvaluateAddresses(arrived, s_settings);
        var minute0 = after.Single(a => a.Minute == s_t0);
        Assert.Equal(Availability.Down, minute0.Availability);
        Assert.Equal(3, minute0.VantagePoints);
        var minute1 = after.Single(a => a.Minute == s_t0.AddMinutes(1));
        Assert.Equal(Availability.Up, minute1.Availability);
        Assert.Equal(3, minute1.VantagePoints);
    }

    [Fact]
    public void Minutes_are_utc_minute_buckets_whatever_the_offset()
    {
        var local = new DateTimeOffset(2026, 11, 21, 12, 0, 59, 999, TimeSpan.FromHours(2));
        Assert.Equal(s_t0, AvailabilityEvaluator.MinuteOf(local));
        Assert.Equal(s_t0.AddMinutes(1), AvailabilityEvaluator.MinuteOf(local.AddMilliseconds(1)));
    }

    [Fact]
    public void Names_compare_case_insensitively_with_or_without_the_final_dot()
    {
        var probes = new[]
        {
            M("vp-a", zone: "Example.TEST", server: "NS1.example.test"), M("vp-b", zone: "example.test.", server: "ns1.example.test."),
        };
        var result = Assert.Single(AvailabilityEvaluator.EvaluateAddresses(probes, s_settings));
        Assert.Equal("example.test.", result.Zone);
        Assert.Equal(2, result.VantagePoints);
    }

    private static IEnumerable<ProbeMeasurement> Server(string name, int upVantagePoints, int downVantagePoints, params string[] addresses) =>
        addresses.SelectMany(a => VantagePoints(upVantagePoints, downVantagePoints, a, name));

    [Fact]
    public void Zone_is_up_with_two_name_servers_up_on_all_their_addresses()
    {
        var probes = Server("ns1.example.test.", 3, 0, "192.0.2.1", "2001:db8::1")
            .Concat(Server("ns2.example.test.", 3, 0, "192.0.2.2"))
            .Concat(Server("ns3.example.test.", 0, 3, "192.0.2.3"));
        var zone = Assert.Single(AvailabilityEvaluator.EvaluateZones(probes, s_settings));
        Assert.Equal(Availability.Up, zone.Availability);
        Assert.Equal(2, zone.ServersUp);
        Assert.Equal(3, zone.ServersTotal);
        Assert.Equal(4, zone.Addresses.Count);
    }

    [Fact]
    public void One_address_down_takes_its_name_server_down_and_the_zone_with_it()
    {
        // ns1 is down on IPv6 only; with ns3 down, only ns2 is fully up → zone down.
        var probes = Server("ns1.example.test.", 3, 0, "192.0.2.1")
            .Concat(Server("ns1.example.test.", 1, 2, "2001:db8::1"))
            .Concat(Server("ns2.example.test.", 3, 0, "192.0.2.2"))
            .Concat(Server("ns3.example.test.", 0, 3, "192.0.2.3"));
        var zone = Assert.Single(AvailabilityEvaluator.EvaluateZones(probes, s_settings));
        Assert.Equal(Availability.Down, zone.Availability);
        Assert.Equal(1, zone.ServersUp);
    }

    [Fact]
    public void A_single_name_server_zone_is_never_up()
    {
        var zone = Assert.Single(AvailabilityEvaluator.EvaluateZones(Server("ns1.example.test.", 5, 0, "192.0.2.1"), s_settings));
        Assert.Equal(Availability.Down, zone.Availability);
        var relaxed = Assert.Single(AvailabilityEvaluator.EvaluateZones(
            Server("ns1.example.test.", 5, 0, "192.0.2.1"), s_settings with { MinimumServersUp = 1 }));
        Assert.Equal(Availability.Up, relaxed.Availability);
    }

    [Fact]
    public void Zone_is_inconclusive_not_down_when_a_missing_quorum_could_hide_the_second_server()
    {
        // ns1 up; ns2 seen by one agent only (and it failed): we cannot say the zone is down.
        var probes = Server("ns1.example.test.", 3, 0, "192.0.2.1").Concat(Server("ns2.example.test.", 0, 1, "192.0.2.2"));
        Assert.Equal(Availability.Inconclusive, Assert.Single(AvailabilityEvaluator.EvaluateZones(probes, s_settings)).Availability);

        // ns2 definitely down and ns3 inconclusive: still inconclusive; ns3 down as well: down.
        var withThird = Server("ns1.example.test.", 3, 0, "192.0.2.1").Concat(Server("ns2.example.test.", 0, 3, "192.0.2.2"))
            .Concat(Server("ns3.example.test.", 1, 0, "192.0.2.3"));
        Assert.Equal(Availability.Inconclusive, Assert.Single(AvailabilityEvaluator.EvaluateZones(withThird, s_settings)).Availability);
        var allKnown = Server("ns1.example.test.", 3, 0, "192.0.2.1").Concat(Server("ns2.example.test.", 0, 3, "192.0.2.2"))
            .Concat(Server("ns3.example.test.", 1, 2, "192.0.2.3"));
        Assert.Equal(Availability.Down, Assert.Single(AvailabilityEvaluator.EvaluateZones(allKnown, s_settings)).Availability);
    }

    [Fact]
    public void A_name_server_with_no_report_in_a_minute_is_inconclusive_not_down()
    {
        // Minute 0: ns1 and ns2 up. Minute 1: ns1 up, nothing at all about ns2 (agents lost their results).
        var probes = Server("ns1.example.test.", 3, 0, "192.0.2.1").Concat(Server("ns2.example.test.", 3, 0, "192.0.2.2"))
            .Concat(VantagePoints(3, 0, "192.0.2.1", "ns1.example.test.", minute: 1)).ToList();
        var zones = AvailabilityEvaluator.EvaluateZones(probes, s_settings);
        var minute1 = zones.Single(z => z.Minute == s_t0.AddMinutes(1));
        Assert.Equal(Availability.Inconclusive, minute1.Availability);
        Assert.Equal(1, minute1.ServersUp);
        Assert.Equal(2, minute1.ServersTotal);
        Assert.Equal(Availability.Up, zones.Single(z => z.Minute == s_t0).Availability);

        // The delegation names ns2 although no agent ever reported it: inconclusive as well.
        var onlyNs1 = Server("ns1.example.test.", 3, 0, "192.0.2.1").ToList();
        var expected = new Dictionary<string, IReadOnlyCollection<string>> { ["Example.test"] = ["NS1.example.test", "ns2.example.test."] };
        var zone = Assert.Single(AvailabilityEvaluator.EvaluateZones(onlyNs1, s_settings, expected));
        Assert.Equal(Availability.Inconclusive, zone.Availability);
        Assert.Equal(2, zone.ServersTotal);

        // Without that knowledge a single reported server is still a single-server zone: down (never up).
        Assert.Equal(Availability.Down, Assert.Single(AvailabilityEvaluator.EvaluateZones(onlyNs1, s_settings)).Availability);

        // A reported server that is down still counts as down.
        var ns2Down = onlyNs1.Concat(Server("ns2.example.test.", 0, 3, "192.0.2.2"));
        Assert.Equal(Availability.Down, Assert.Single(AvailabilityEvaluator.EvaluateZones(ns2Down, s_settings, expected)).Availability);
    }

    [Fact]
    public void Zones_and_minutes_are_evaluated_separately()
    {
        var probes = Server("ns1.example.test.", 2, 0, "192.0.2.1").Concat(Server("ns2.example.test.", 2, 0, "192.0.2.2"))
            .Concat(VantagePoints(0, 2, "192.0.2.2", "ns2.example.test.", minute: 1))
            .Concat(VantagePoints(2, 0, "192.0.2.1", "ns1.example.test.", minute: 1))
            .Append(M("vp-x", zone: "other.test.", server: "ns1.other.test.", address: "198.51.100.1"))
            .Append(M("vp-x", zone: "other.test.", server: "ns2.other.test.", address: "198.51.100.2"));
        var zones = AvailabilityEvaluator.EvaluateZones(probes, s_settings);
        Assert.Equal(3, zones.Count);
        Assert.Equal(Availability.Up, zones.Single(z => z.Zone == "example.test." && z.Minute == s_t0).Availability);
        Assert.Equal(Availability.Down, zones.Single(z => z.Zone == "example.test." && z.Minute == s_t0.AddMinutes(1)).Availability);
        Assert.Equal(Availability.Inconclusive, zones.Single(z => z.Zone == "other.test.").Availability);
    }

    [Fact]
    public void Nearest_rank_percentiles()
    {
        double[] values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        Assert.Equal(50, RttStatistics.Percentile(values, 50));
        Assert.Equal(100, RttStatistics.Percentile(values, 95));
        Assert.Equal(90, RttStatistics.Percentile(values, 90));
        Assert.Equal(10, RttStatistics.Percentile(values, 1));
        Assert.Equal(7, RttStatistics.Percentile([7], 95));
        Assert.Null(RttStatistics.Percentile([], 50));
    }

    [Fact]
    public void Rtt_service_level_needs_95_percent_within_the_limit_and_unanswered_counts_against_it()
    {
        // 19 UDP answers at 100 ms and 1 at exactly 500 ms: 20 of 20 within → meets.
        var probes = Enumerable.Range(0, 19).Select(i => M($"vp{i}", rtt: 100)).Append(M("vp-last", rtt: 500)).ToList();
        var udp = RttStatistics.Compute(probes, "udp", s_settings);
        Assert.Equal(20, udp.Queries);
        Assert.Equal(20, udp.WithinLimit);
        Assert.True(udp.MeetsServiceLevel);
        Assert.Equal(100, udp.MedianMilliseconds);
        Assert.Equal(100, udp.Percentile95Milliseconds);

        // One slow (501 ms) of 20: 19/20 = 95% → still meets; a second miss (a timeout) → 18/21 < 95% → fails.
        probes[^1] = M("vp-last", rtt: 501);
        Assert.True(RttStatistics.Compute(probes, "udp", s_settings).MeetsServiceLevel);
        probes.Add(M("vp-timeout", ok: false));
        var failing = RttStatistics.Compute(probes, "udp", s_settings);
        Assert.Equal(21, failing.Queries);
        Assert.Equal(20, failing.Answered);
        Assert.False(failing.MeetsServiceLevel);
    }

    [Fact]
    public void Tcp_rtt_uses_its_own_1500_ms_limit()
    {
        var probes = new[] { M("a", transport: "tcp", rtt: 1500), M("b", transport: "tcp", rtt: 1400), M("c", transport: "udp", rtt: 900) };
        var tcp = RttStatistics.Compute(probes, "tcp", s_settings);
        Assert.Equal(2, tcp.Queries);
        Assert.Equal(1500, tcp.LimitMilliseconds);
        Assert.True(tcp.MeetsServiceLevel);
        Assert.Equal(1400, tcp.MedianMilliseconds);
        var udp = RttStatistics.Compute(probes, "udp", s_settings);
        Assert.Equal(1, udp.Queries);
        Assert.False(udp.MeetsServiceLevel);
        Assert.Equal(0, RttStatistics.Compute([], "udp", s_settings).Queries);
    }

    private static List<ZoneStateChange> Run(ZoneStateMachine machine, params Availability[] cycles) =>
        cycles.Select((verdict, i) => machine.Apply(s_t0.AddMinutes(i), verdict)).OfType<ZoneStateChange>().ToList();

    [Fact]
    public void State_turns_down_after_three_failed_cycles_and_up_after_three_passes()
    {
        var machine = new ZoneStateMachine("example.test.", s_settings);
        var changes = Run(machine, Availability.Up, Availability.Up, Availability.Up, Availability.Down, Availability.Down);
        Assert.Equal(ZoneState.Up, machine.State);
        Assert.Equal(ZoneState.Up, Assert.Single(changes).To);
        Assert.Equal(s_t0.AddMinutes(2), changes[0].At);

        Assert.Equal(ZoneState.Down, machine.Apply(s_t0.AddMinutes(5), Availability.Down)?.To);
        Assert.Null(machine.Apply(s_t0.AddMinutes(6), Availability.Up));
        Assert.Null(machine.Apply(s_t0.AddMinutes(7), Availability.Up));
        var back = machine.Apply(s_t0.AddMinutes(8), Availability.Up);
        Assert.Equal((ZoneState.Down, ZoneState.Up), (back?.From, back?.To));
        Assert.Equal("3 consecutive passed cycles", back?.Reason);
    }

    [Fact]
    public void A_pass_between_failures_resets_the_streak()
    {
        var machine = new ZoneStateMachine("example.test.", s_settings);
        Run(machine, Availability.Up, Availability.Up, Availability.Up);
        var changes = Run(new ZoneStateMachine("example.test.", s_settings, machine.Snapshot with { LastCycle = null }),
            Availability.Down, Availability.Down, Availability.Up, Availability.Down, Availability.Down);
        Assert.Empty(changes);
    }

    [Fact]
    public void Inconclusive_cycles_never_turn_the_zone_down()
    {
        var machine = new ZoneStateMachine("example.test.", s_settings);
        Run(machine, Availability.Up, Availability.Up, Availability.Up);
        var changes = Run(new ZoneStateMachine("example.test.", s_settings, machine.Snapshot with { LastCycle = null }),
            Availability.Down, Availability.Down, Availability.Inconclusive, Availability.Inconclusive, Availability.Inconclusive);
        var change = Assert.Single(changes);
        Assert.Equal((ZoneState.Up, ZoneState.Inconclusive), (change.From, change.To));
    }

    [Fact]
    public void An_inconclusive_cycle_neither_counts_nor_breaks_a_streak()
    {
        var machine = new ZoneStateMachine("example.test.", s_settings);
        var changes = Run(machine, Availability.Down, Availability.Inconclusive, Availability.Down, Availability.Inconclusive,
            Availability.Inconclusive, Availability.Down);
        Assert.Equal(ZoneState.Down, Assert.Single(changes).To);
        Assert.Equal(0, machine.Snapshot.InconclusiveStreak);
    }

    [Fact]
    public void Repeated_or_older_cycles_are_ignored_and_the_machine_resumes_from_a_snapshot()
    {
        var machine = new ZoneStateMachine("example.test.", s_settings);
        Run(machine, Availability.Down, Availability.Down);
        Assert.Null(machine.Apply(s_t0.AddMinutes(1), Availability.Down)); // replay of cycle 1
        Assert.Equal(2, machine.Snapshot.FailStreak);

        var resumed = new ZoneStateMachine("EXAMPLE.test.", s_settings, machine.Snapshot);
        var change = resumed.Apply(s_t0.AddMinutes(2), Availability.Down);
        Assert.Equal((ZoneState.Unknown, ZoneState.Down), (change?.From, change?.To));
        Assert.Equal(s_t0.AddMinutes(2), resumed.Snapshot.Since);
        Assert.Throws<ArgumentException>(() => new ZoneStateMachine("other.test.", s_settings, machine.Snapshot));
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZoneStateMachine("example.test.", s_settings with { TurnCycles = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => AvailabilityEvaluator.EvaluateAddresses([], s_settings with { DownPercent = 101 }));
    }

    [Fact]
    public void Inconclusive_cycles_do_not_break_a_pass_streak_so_one_pass_after_them_turns_the_zone_up_again()
    {
        // Documented (ZoneStateMachine): an inconclusive cycle neither counts towards nor breaks a streak.
        var machine = new ZoneStateMachine("example.test.", s_settings);
        var changes = Run(machine, Availability.Up, Availability.Up, Availability.Up,
            Availability.Inconclusive, Availability.Inconclusive, Availability.Inconclusive, Availability.Up);
        Assert.Equal(
            [(ZoneState.Unknown, ZoneState.Up), (ZoneState.Up, ZoneState.Inconclusive), (ZoneState.Inconclusive, ZoneState.Up)],
            changes.Select(c => (c.From, c.To)));
        Assert.Equal(s_t0.AddMinutes(5), changes[1].At);
        Assert.Equal(s_t0.AddMinutes(6), changes[2].At);
        Assert.Equal("4 consecutive passed cycles", changes[2].Reason);
        Assert.Equal(0, machine.Snapshot.InconclusiveStreak);
    }
}
