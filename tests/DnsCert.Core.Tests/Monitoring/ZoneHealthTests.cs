using DnsCert.Core.Accounts;
using DnsCert.Core.Monitoring;
using DnsCert.Core.Visibility;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;

namespace DnsCert.Core.Tests.Monitoring;

public class ZoneHealthTests
{
    [Theory]
    [InlineData(ZoneState.Down, null, ZoneHealth.Down)]
    [InlineData(ZoneState.Down, Severity.Critical, ZoneHealth.Down)]
    [InlineData(ZoneState.Up, Severity.Error, ZoneHealth.Degraded)]
    [InlineData(ZoneState.Up, Severity.Critical, ZoneHealth.Degraded)]
    [InlineData(ZoneState.Inconclusive, Severity.Error, ZoneHealth.Degraded)]
    [InlineData(ZoneState.Up, Severity.Warning, ZoneHealth.Up)]
    [InlineData(ZoneState.Inconclusive, Severity.Warning, ZoneHealth.Inconclusive)]
    [InlineData(ZoneState.Unknown, null, ZoneHealth.Unknown)]
    [InlineData(null, Severity.Critical, ZoneHealth.Degraded)]
    [InlineData(null, null, ZoneHealth.Unknown)]
    public void State_and_worst_finding_give_the_health(ZoneState? state, Severity? worst, ZoneHealth expected) =>
        ZoneHealthRules.Of(state, worst).ShouldBe(expected);

    [Fact]
    public void The_table_the_sql_joins_covers_every_pair_once()
    {
        var table = ZoneHealthRules.Table().ToList();
        table.Count.ShouldBe((Enum.GetValues<ZoneState>().Length + 1) * (Enum.GetValues<Severity>().Length + 1));
        table.Select(r => (r.State, r.Worst)).Distinct().Count().ShouldBe(table.Count);
        table.ShouldAllBe(r => r.Health == ZoneHealthRules.Of(r.State, r.Worst));
    }

    [Theory]
    [InlineData("down", ZoneHealth.Down)]
    [InlineData("Degraded", ZoneHealth.Degraded)]
    public void Codes_parse(string code, ZoneHealth health) => ZoneHealthRules.ParseCode(code).ShouldBe(health);

    [Theory]
    [InlineData("4")]
    [InlineData("sideways")]
    public void Unknown_codes_name_the_field(string code) => Should.Throw<ValidationException>(() => ZoneHealthRules.ParseCode(code)).Field.ShouldBe("state");

    [Fact]
    public void A_watched_zone_is_visible_to_the_core_team_and_its_holders_only()
    {
        var holder = Guid.NewGuid();
        var target = WatchedZoneVisibility.Target([holder]);
        VisibilityPolicy.CanSee(Viewer.Person(Guid.NewGuid(), null, Roles.Analyst), target).ShouldBeTrue();
        VisibilityPolicy.CanSee(Viewer.Person(Guid.NewGuid(), holder, Roles.Constituent), target).ShouldBeTrue();
        VisibilityPolicy.CanSee(Viewer.Person(Guid.NewGuid(), Guid.NewGuid(), Roles.Constituent), target).ShouldBeFalse();
        VisibilityPolicy.CanSee(Viewer.Person(Guid.NewGuid(), holder, Roles.Governance), target).ShouldBeFalse();
        VisibilityPolicy.CanSee(Viewer.Public, target).ShouldBeFalse();
        MonitoringPermissions.CanManage(Viewer.Person(Guid.NewGuid(), holder, Roles.Constituent)).ShouldBeFalse();
        MonitoringPermissions.CanManage(Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer)).ShouldBeTrue();
    }
}

public class WatchedZoneNameTests
{
    [Theory]
    [InlineData("Bank.ML", "bank.ml.")]
    [InlineData("bank.ml.", "bank.ml.")]
    [InlineData(".", ".")]
    [InlineData("_dmarc.example.org", "_dmarc.example.org.")]
    public void Names_are_normalised(string input, string expected) => WatchedZoneNames.Normalize(input).ShouldBe(expected);

    [Theory]
    [InlineData("not a name!")]
    [InlineData("")]
    [InlineData("-bad.ml")]
    [InlineData("a..b")]
    public void Other_text_is_refused_naming_the_field(string input) =>
        Should.Throw<ValidationException>(() => WatchedZoneNames.Normalize(input)).Field.ShouldBe("zone");
}
