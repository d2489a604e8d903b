using DnsCert.Lab.Faults;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// The runtime on a short cycle (3 s) against a lab zone: the server's check loop finds a broken zone by the fault's
/// check ID within 3 check runs after the break and clears it within 3 runs after the fix; the evaluation loop brings
/// the healthy zone to "up" from the local agent's probes.
/// </summary>
[Collection("monitoring-lab")]
public sealed class RuntimeFaultTests(MonitoringLabFixture fixture)
{
    [Fact]
    public async Task A_lame_server_is_found_by_DEL_04_within_3_cycles_and_cleared_within_3_cycles_after_the_fix()
    {
        var zone = fixture.Take(FaultCatalogue.Lame);
        await using var h = await RuntimeHarness.CreateAsync(fixture, cycleSeconds: 3);
        await h.WatchAsync(zone.Fqdn);
        await h.StartServerAsync();
        var runs = new Runs(h, zone.Fqdn);

        (await RuntimeHarness.WaitUntilAsync(async () => await h.ScalarAsync(
                "SELECT count(*) FROM zone_states WHERE zone = $1 AND state = 'up'", zone.Fqdn.ToLowerInvariant()) == 1, TimeSpan.FromSeconds(90)))
            .ShouldBeTrue("the zone never turned up:\n" + string.Join('\n', h.ServerLines.TakeLast(40)));
        (await h.ScalarAsync("SELECT count(*) FROM zone_state_changes WHERE zone = $1 AND to_state = 'up'", zone.Fqdn.ToLowerInvariant())).ShouldBe(1);
        (await OpenAsync(h, zone.Fqdn, "DEL-04")).ShouldBe(0, "healthy zone");

        await fixture.Lab.BreakAsync(zone.Name, FaultCatalogue.Lame);
        var broken = DateTimeOffset.UtcNow;
        try
        {
            (await runs.WaitForAsync(async () => await OpenAsync(h, zone.Fqdn, "DEL-04") == 1, TimeSpan.FromSeconds(60)))
                .ShouldBeTrue("DEL-04 never opened");
            var firstSeen = await TimeAsync(h, "SELECT max(first_seen) FROM zone_findings WHERE zone = $1 AND check_id = 'DEL-04'", zone.Fqdn);
            runs.Between(broken, firstSeen).ShouldBeLessThanOrEqualTo(3, "check runs from the break to the finding");
            var evidence = await h.ScalarAsync(
                "SELECT jsonb_array_length(evidence) FROM zone_findings WHERE zone = $1 AND check_id = 'DEL-04' AND cleared_at IS NULL LIMIT 1",
                zone.Fqdn.ToLowerInvariant());
            evidence.ShouldBeGreaterThan(0);
        }
        finally
        {
            await fixture.Lab.FixAsync(zone.Name);
        }

        var fixedAt = DateTimeOffset.UtcNow;
        (await runs.WaitForAsync(async () => await OpenAsync(h, zone.Fqdn, "DEL-04") == 0, TimeSpan.FromSeconds(60)))
            .ShouldBeTrue("DEL-04 never cleared");
        var clearedAt = await TimeAsync(h, "SELECT max(cleared_at) FROM zone_findings WHERE zone = $1 AND check_id = 'DEL-04'", zone.Fqdn);
        runs.Between(fixedAt, clearedAt).ShouldBeLessThanOrEqualTo(3, "check runs from the fix to the clearing");
        runs.Between(fixedAt, clearedAt).ShouldBeGreaterThanOrEqualTo(1, "the runs were sampled");
    }

    private static Task<long> OpenAsync(RuntimeHarness h, string zone, string check) => h.ScalarAsync(
        "SELECT count(*) FROM zone_findings WHERE zone = $1 AND check_id = $2 AND cleared_at IS NULL", zone.ToLowerInvariant(), check);

    private static async Task<DateTimeOffset> TimeAsync(RuntimeHarness h, string sql, string zone)
    {
        await using var command = h.Db.CreateCommand(sql);
        command.Parameters.Add(new() { Value = zone.ToLowerInvariant() });
        // timestamptz comes back as a UTC DateTime.
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!, TimeSpan.Zero);
    }

    /// <summary>The check runs of a zone (their start times, from watched_zones.last_check_at), sampled while waiting.</summary>
    private sealed class Runs(RuntimeHarness h, string zone)
    {
        private readonly SortedSet<DateTimeOffset> _starts = [];

        public async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan limit) =>
            await RuntimeHarness.WaitUntilAsync(async () =>
            {
                await SampleAsync();
                return await condition();
            }, limit);

        /// <summary>Runs that started after <paramref name="from"/> and no later than <paramref name="to"/>.</summary>
        public int Between(DateTimeOffset from, DateTimeOffset to) => _starts.Count(s => s > from && s <= to);

        private async Task SampleAsync()
        {
            await using var command = h.Db.CreateCommand("SELECT last_check_at FROM watched_zones WHERE zone = $1");
            command.Parameters.Add(new() { Value = zone.ToLowerInvariant() });
            if (await command.ExecuteScalarAsync() is DateTime start)
            {
                _starts.Add(new DateTimeOffset(start, TimeSpan.Zero));
            }
        }
    }
}
