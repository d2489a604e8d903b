using DnsCert.Core.Accounts;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Visibility;

public class VisibilityPolicyTests
{
    private static readonly Guid s_registry = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid s_otherRegistry = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    private static readonly Guid s_alice = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid s_bob = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static VisibilityTarget Record(Tlp tlp, Guid[]? orgs = null, Guid[]? users = null, Guid? createdBy = null) =>
        new(tlp, orgs ?? [], users ?? [], createdBy);

    [Theory]
    [InlineData(Tlp.Clear, true)]
    [InlineData(Tlp.Green, false)]
    [InlineData(Tlp.Amber, false)]
    [InlineData(Tlp.AmberStrict, false)]
    [InlineData(Tlp.Red, false)]
    public void The_public_sees_only_clear(Tlp tlp, bool visible)
    {
        VisibilityPolicy.CanSee(Viewer.Public, Record(tlp, [s_registry], [s_alice])).ShouldBe(visible);
    }

    [Theory]
    [InlineData(Roles.Constituent)]
    [InlineData(Roles.Partner)]
    [InlineData(Roles.Governance)]
    [InlineData(Roles.Augmenter)]
    public void Every_signed_in_person_sees_green_but_not_amber_shared_with_others(string role)
    {
        var viewer = Viewer.Person(s_alice, s_registry, role);

        VisibilityPolicy.CanSee(viewer, Record(Tlp.Green)).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.Amber, [s_otherRegistry])).ShouldBeFalse();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.AmberStrict, [s_otherRegistry])).ShouldBeFalse();
    }

    [Theory]
    [InlineData(Roles.Constituent)]
    [InlineData(Roles.Partner)]
    [InlineData(Roles.Augmenter)]
    public void Scoped_roles_see_amber_and_amber_strict_where_their_organisation_is_a_recipient(string role)
    {
        var viewer = Viewer.Person(s_alice, s_registry, role);

        VisibilityPolicy.CanSee(viewer, Record(Tlp.Amber, [s_otherRegistry, s_registry])).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.AmberStrict, [s_registry])).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.Red, [s_registry])).ShouldBeFalse("RED goes to people, not organisations");
    }

    [Fact]
    public void Governance_does_not_get_amber_through_its_organisation()
    {
        VisibilityPolicy.CanSee(Viewer.Person(s_alice, s_registry, Roles.Governance), Record(Tlp.Amber, [s_registry])).ShouldBeFalse();
    }

    [Fact]
    public void A_person_without_an_organisation_gets_nothing_through_organisations()
    {
        VisibilityPolicy.CanSee(Viewer.Person(s_alice, null, Roles.Constituent), Record(Tlp.Amber, [s_registry])).ShouldBeFalse();
    }

    [Theory]
    [InlineData(Roles.DutyOfficer)]
    [InlineData(Roles.IncidentHandler)]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Administrator)]
    public void The_core_team_sees_up_to_amber_strict_whatever_the_recipients_but_red_only_when_named(string role)
    {
        var viewer = Viewer.Person(s_alice, null, role);

        VisibilityPolicy.CanSee(viewer, Record(Tlp.Amber, [s_otherRegistry])).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.AmberStrict, [s_otherRegistry])).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.Red, [s_registry], [s_bob])).ShouldBeFalse();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.Red, [], [s_bob, s_alice])).ShouldBeTrue();
    }

    [Fact]
    public void Whoever_created_a_record_sees_it_at_any_level()
    {
        VisibilityPolicy.CanSee(Viewer.Person(s_bob, null, Roles.Constituent), Record(Tlp.Red, createdBy: s_bob)).ShouldBeTrue();
        VisibilityPolicy.CanSee(Viewer.Person(s_alice, null, Roles.Constituent), Record(Tlp.Red, createdBy: s_bob)).ShouldBeFalse();
    }

    [Fact]
    public void Roles_combine_to_the_widest_grant()
    {
        var viewer = Viewer.Person(s_alice, s_registry, Roles.Constituent, Roles.Analyst);

        VisibilityPolicy.CanSee(viewer, Record(Tlp.AmberStrict, [s_otherRegistry])).ShouldBeTrue();
    }

    [Fact]
    public void A_signed_in_person_with_no_role_still_belongs_to_the_community()
    {
        var viewer = Viewer.Person(s_alice, s_registry);

        VisibilityPolicy.CanSee(viewer, Record(Tlp.Green)).ShouldBeTrue();
        VisibilityPolicy.CanSee(viewer, Record(Tlp.Amber, [s_registry])).ShouldBeFalse();
    }

    [Theory]
    [InlineData("TLP:CLEAR", Tlp.Clear)]
    [InlineData("tlp:white", Tlp.Clear)]
    [InlineData("GREEN", Tlp.Green)]
    [InlineData(" TLP:AMBER ", Tlp.Amber)]
    [InlineData("amber+strict", Tlp.AmberStrict)]
    [InlineData("TLP:RED", Tlp.Red)]
    public void Labels_parse(string text, Tlp expected) => TlpLabels.Parse(text).ShouldBe(expected);

    [Fact]
    public void Labels_print_as_tlp_2_spells_them_and_round_trip()
    {
        foreach (var tlp in Enum.GetValues<Tlp>())
        {
            TlpLabels.Parse(tlp.ToLabel()).ShouldBe(tlp);
        }

        Tlp.AmberStrict.ToLabel().ShouldBe("TLP:AMBER+STRICT");
    }

    [Fact]
    public void An_unknown_label_is_refused_naming_the_field()
    {
        var error = Should.Throw<ValidationException>(() => TlpLabels.Parse("TLP:PURPLE", "report.tlp"));

        error.Field.ShouldBe("report.tlp");
        error.Reason.ShouldContain("'TLP:PURPLE' is not a TLP 2.0 label");
    }
}
