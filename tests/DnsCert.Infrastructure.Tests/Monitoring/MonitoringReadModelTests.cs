using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Monitoring;

/// <summary>
/// The read model on a real PostgreSQL: the SQL visibility of watched zones agrees with the in-memory predicate for
/// every kind of viewer, the health ranking agrees with <see cref="ZoneHealthRules"/>, and a newer check is never
/// replaced by an older one.
/// </summary>
public sealed class MonitoringReadModelTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private MonitoringReadModel _model = null!;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _model = new MonitoringReadModel(_db, new ZoneCheckResultStore(_db), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Sql_visibility_and_health_agree_with_the_in_memory_rules_for_every_viewer()
    {
        var directory = new DirectoryRepository(_db, TimeProvider.System);
        var a = await directory.CreateOrganisationAsync(new OrganisationInput("A", OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr"], "UTC", true),
            DirectoryActor.System, default);
        var b = await directory.CreateOrganisationAsync(new OrganisationInput("B", OrganisationKind.Registrar, IcannRegion.Europe, "FR", ["fr"], "UTC", false),
            DirectoryActor.System, default);
        var zones = new WatchedZoneStore(_db, TimeProvider.System);
        var states = new ZoneStateStore(_db, TimeProvider.System);
        var checks = new ZoneCheckResultStore(_db);
        var holders = new Dictionary<string, Guid[]>
        {
            ["a.test."] = [a],
            ["b.test."] = [b],
            ["ab.test."] = [a, b],
            ["none.test."] = [],
        };
        var seeded = new Dictionary<string, (ZoneState? State, Severity? Worst)>
        {
            ["a.test."] = (ZoneState.Down, null),
            ["b.test."] = (ZoneState.Up, Severity.Error),
            ["ab.test."] = (ZoneState.Inconclusive, Severity.Warning),
            ["none.test."] = (null, null),
        };
        foreach (var (zone, owners) in holders)
        {
            await zones.AddAsync(zone, 60, default);
            foreach (var owner in owners)
            {
                await directory.AddAssetAsync(owner, AssetKind.Zone, zone.TrimEnd('.'), DirectoryActor.System, default);
            }

            var (state, worst) = seeded[zone];
            if (state is { } s)
            {
                await states.SaveAsync(new ZoneStateSnapshot(zone, s, DateTimeOffset.UtcNow, 0, 0, 0, DateTimeOffset.UtcNow), null, default);
            }

            Finding[] findings = worst is { } w ? [CheckCatalogue.Finding("DEL-04", zone, zone, "lame", severity: w)] : [];
            await checks.SaveAsync(new CheckReport(zone, "vp", DateTimeOffset.UtcNow, 1, 1, findings, []), null, default);
        }

        var viewers = new[]
        {
            Viewer.Public,
            Viewer.Person(Guid.NewGuid(), null, Roles.Analyst),
            Viewer.Person(Guid.NewGuid(), a, Roles.Constituent),
            Viewer.Person(Guid.NewGuid(), b, Roles.Partner),
            Viewer.Person(Guid.NewGuid(), b, Roles.Augmenter),
            Viewer.Person(Guid.NewGuid(), a, Roles.Governance),
            Viewer.Person(Guid.NewGuid(), null, Roles.Constituent),
        };
        foreach (var viewer in viewers)
        {
            var expected = holders.Where(h => VisibilityPolicy.CanSee(viewer, WatchedZoneVisibility.Target(h.Value))).Select(h => h.Key).Order().ToList();
            var list = await _model.ListAsync(viewer, new WatchedZoneQuery(), default);
            string.Join(" ", list.Zones.Select(z => z.Zone).Order()).ShouldBe(string.Join(" ", expected), string.Join(",", viewer.Roles));
            list.Counts.Values.Sum().ShouldBe(expected.Count);
            foreach (var zone in holders.Keys)
            {
                (await _model.GetAsync(viewer, zone, default) is not null).ShouldBe(expected.Contains(zone), zone);
            }

            foreach (var z in list.Zones)
            {
                z.Health.ShouldBe(ZoneHealthRules.Of(seeded[z.Zone].State, seeded[z.Zone].Worst), z.Zone);
            }
        }

        var all = await _model.ListAsync(viewers[1], new WatchedZoneQuery(), default);
        all.Zones.Select(z => z.Zone).ShouldBe(["a.test.", "b.test.", "ab.test.", "none.test."]);
        all.Organisations.Select(o => o.Name).ShouldBe(["A", "B"]);
        all.Tlds.ShouldBe(["test"]);
        (await _model.ListAsync(viewers[1], new WatchedZoneQuery(OrganisationId: b), default)).Zones.Select(z => z.Zone).ShouldBe(["b.test.", "ab.test."]);
    }

    [Fact]
    public async Task An_older_check_does_not_replace_a_newer_one()
    {
        await new WatchedZoneStore(_db, TimeProvider.System).AddAsync("late.test.", 60, default);
        var checks = new ZoneCheckResultStore(_db);
        var now = DateTimeOffset.UtcNow;
        await checks.SaveAsync(new CheckReport("late.test.", "vp", now, 1, 1, [CheckCatalogue.Finding("NS-01", "late.test.", "x", "new")], []), null, default);
        await checks.SaveAsync(new CheckReport("late.test.", "vp", now.AddMinutes(-5), 1, 1, [], []), null, default);
        var detail = await _model.GetAsync(Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer), "LATE.test", default);
        detail!.LatestCheck!.Report.Findings.Single().Message.ShouldBe("new");
        await Should.ThrowAsync<Core.ValidationException>(() =>
            checks.SaveAsync(new CheckReport("unwatched.test.", "vp", now, 1, 1, [], []), null, default));
    }
}
