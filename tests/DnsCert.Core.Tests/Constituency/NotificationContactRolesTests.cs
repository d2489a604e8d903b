using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Constituency;

public class NotificationContactRolesTests
{
    [Theory]
    [InlineData("emergency", ContactRole.Emergency)]
    [InlineData("24x7", ContactRole.Emergency)]
    [InlineData("on-call", ContactRole.Emergency)]
    [InlineData("reach-test", ContactRole.Emergency)]
    [InlineData("security", ContactRole.SecurityAbuse)]
    [InlineData("abuse", ContactRole.SecurityAbuse)]
    [InlineData("security-abuse", ContactRole.SecurityAbuse)]
    [InlineData("technical", ContactRole.Technical)]
    [InlineData(" Management ", ContactRole.Management)]
    [InlineData("press", ContactRole.Press)]
    public void Each_role_word_means_one_directory_role(string word, ContactRole expected) =>
        NotificationContactRoles.Parse(word).ShouldBe(expected);

    [Fact]
    public void Every_directory_role_can_be_named_by_its_own_code() =>
        Enum.GetValues<ContactRole>().ShouldAllBe(role => NotificationContactRoles.Parse(role.ToCode(), "contactRole") == role);

    [Fact]
    public void Every_role_the_notification_rules_use_is_in_the_table()
    {
        var rules = new NotificationRules(new NotificationRulesOptions());
        var org = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        NotificationEvent[] events =
        [
            new FindingEvent(org, Tlp.Amber, at, "a.test.", "c", "warning", "d"),
            new IncidentUpdateEvent(org, Tlp.Amber, at, "I-1", "t", "open", "s"),
            new CoordinationRequestEvent(org, Tlp.Amber, at, "R-1", "I-1", "t", "a", at),
            new CampaignSliceEvent(org, Tlp.Amber, at, "C-1", "t", ["a.test"], at),
            new ShiftReminderEvent(org, Tlp.Green, at, "S-1", at, at, "UTC"),
        ];
        foreach (var directive in events.SelectMany(rules.Apply))
        {
            Should.NotThrow(() => NotificationContactRoles.Parse(directive.ContactRole));
        }
    }

    [Theory]
    [InlineData("janitor")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_word_is_a_field_error_listing_the_known_ones(string? word)
    {
        var e = Should.Throw<ValidationException>(() => NotificationContactRoles.Parse(word));
        e.Field.ShouldBe("contactRole");
        e.Reason.ShouldContain("technical");
    }

    [Fact]
    public void A_directive_with_an_unknown_role_is_refused_before_it_is_queued()
    {
        var directive = new Directive(Guid.NewGuid(), "janitor", NotificationKind.Finding, Tlp.Amber, "k", DateTimeOffset.UtcNow,
            new Dictionary<string, string>());
        Should.Throw<ValidationException>(directive.Validate).Field.ShouldBe("contactRole");
    }
}
