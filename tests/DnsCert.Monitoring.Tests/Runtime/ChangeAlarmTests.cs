using DnsCert.Dns.Dnssec;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Persistence;
using DnsCert.Lab.Faults;
using DnsCert.Monitoring.Resolution;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// The runtime's check of a watched lab zone against its approved (four-eyes) baseline: a hijacked delegation raises
/// CHG-01/03 as open findings; once an approved change record announces exactly the observed delegation, the next run
/// no longer reports them and they clear.
/// </summary>
[Collection("monitoring-lab")]
public sealed class ChangeAlarmTests(MonitoringLabFixture fixture)
{
    private static readonly Guid s_alice = Guid.Parse("00000000-0000-7000-8000-00000000000a");
    private static readonly Guid s_bob = Guid.Parse("00000000-0000-7000-8000-00000000000b");

    [Fact]
    public async Task A_delegation_change_is_an_alarm_unless_an_approved_change_record_covers_it()
    {
        var zone = fixture.Take(FaultCatalogue.DelegationHijack);
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);
        var watched = new WatchedZoneStore(db, TimeProvider.System);
        var findings = new ZoneFindingStore(db);
        var options = new MonitoringRuntimeOptions { PrivateTree = true, ClearAfterRuns = 1, LocalAgentName = "test" };
        var cycles = new MonitoringCycles(db, new ZoneStateStore(db, TimeProvider.System), findings, watched, new ZoneCheckResultStore(db), options, TimeProvider.System);
        var hints = RootHints.Load(fixture.Lab.RootHintsFile);
        var anchor = TrustAnchor.Parse(await File.ReadAllTextAsync(fixture.Lab.TrustAnchorFile));
        await watched.AddAsync(zone.Fqdn, 60, default);
        var healthy = await fixture.CheckAsync(zone);
        await watched.ProposeBaselineAsync(healthy.Snapshot, s_alice, default);
        await watched.ApproveBaselineAsync(zone.Fqdn, s_bob, default);

        await cycles.CheckZoneAsync(zone.Fqdn, hints, anchor, default);
        (await findings.OpenAsync(zone.Fqdn, default)).ShouldNotContain(f => f.CheckId.StartsWith("CHG-", StringComparison.Ordinal));
        await using (var targets = db.CreateCommand("SELECT jsonb_array_length(targets) FROM watched_zones"))
        {
            (await targets.ExecuteScalarAsync()).ShouldBe(healthy.Observation.Servers.Count, "every observed name-server address is a probe target");
        }

        await fixture.Lab.BreakAsync(zone.Name, FaultCatalogue.DelegationHijack);
        try
        {
            await cycles.CheckZoneAsync(zone.Fqdn, hints, anchor, default);
            var open = (await findings.OpenAsync(zone.Fqdn, default)).Select(f => f.CheckId).ToHashSet();
            open.ShouldContain("CHG-01");
            open.ShouldContain("CHG-03");
            (await LatestCheckIdsAsync(db, zone.Fqdn)).ShouldContain("CHG-01", "the console's latest check shows the alarm too");

            // The change announced (by Alice) and approved (by Bob) is exactly what is observed now.
            var hijacked = await fixture.CheckAsync(zone);
            var record = await watched.AddChangeRecordAsync("CHG-2026-001", hijacked.Snapshot, DateTimeOffset.UtcNow.AddMinutes(-5),
                DateTimeOffset.UtcNow.AddHours(1), s_alice, default);
            await cycles.CheckZoneAsync(zone.Fqdn, hints, anchor, default);
            (await findings.OpenAsync(zone.Fqdn, default)).Select(f => f.CheckId).ShouldContain("CHG-01", "an unapproved record covers nothing");
            await watched.ApproveChangeRecordAsync(record, s_bob, default);
            await cycles.CheckZoneAsync(zone.Fqdn, hints, anchor, default);
            (await findings.OpenAsync(zone.Fqdn, default)).ShouldNotContain(f => f.CheckId == "CHG-01" || f.CheckId == "CHG-03");
            (await LatestCheckIdsAsync(db, zone.Fqdn)).ShouldNotContain("CHG-01", "a covered change is no alarm on the console either");
        }
        finally
        {
            await fixture.Lab.FixAsync(zone.Name);
        }
    }

    // What the console reads (zone_check_results, through the monitoring read model): the check IDs of the latest report.
    private static async Task<List<string>> LatestCheckIdsAsync(NpgsqlDataSource db, string zone)
    {
        await using var command = db.CreateCommand(
            "SELECT f->>'checkId' FROM zone_check_results r, jsonb_array_elements(r.report->'findings') f WHERE r.zone = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = DnsCert.Dns.Names.DnsName.TryNormalize(zone, out var key) ? key : zone });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
