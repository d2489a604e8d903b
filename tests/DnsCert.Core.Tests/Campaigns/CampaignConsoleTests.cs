using DnsCert.Core.Campaigns;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Campaigns;

/// <summary>The coverage view's order (laggards first) and a campaign's state in the list.</summary>
public class CampaignConsoleTests
{
    private static readonly DateTimeOffset s_deadline = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static RegistryCoverage Registry(string name, long requested, long acknowledged, long actioned, long verified, long contradicted = 0) =>
        new(Guid.NewGuid(), name, "en", [], requested, acknowledged, actioned, verified, contradicted);

    [Fact]
    public void Laggards_come_first_lowest_verified_share_then_overdue_then_least_progress()
    {
        var done = Registry("done", 0, 0, 0, 10);
        var half = Registry("half", 0, 0, 5, 5);
        var silent = Registry("silent", 10, 0, 0, 0);
        var acting = Registry("acting", 0, 2, 8, 0);
        var contradicted = Registry("contradicted", 0, 0, 0, 0, 10);

        CampaignLaggards.Order([done, half, acting, silent], s_deadline, s_deadline.AddDays(-1)).Select(r => r.OrganisationName)
            .ShouldBe(["silent", "acting", "half", "done"]);

        // Past the deadline, outstanding names make a registry overdue: it comes before one whose names are all
        // actioned or contradicted, at the same verified share.
        var late = s_deadline.AddHours(1);
        CampaignLaggards.IsOverdue(acting, s_deadline, late).ShouldBeTrue();
        CampaignLaggards.IsOverdue(contradicted, s_deadline, late).ShouldBeFalse();
        CampaignLaggards.IsOverdue(acting, s_deadline, s_deadline.AddHours(-1)).ShouldBeFalse();
        CampaignLaggards.Order([contradicted, acting], s_deadline, late).Select(r => r.OrganisationName).ShouldBe(["acting", "contradicted"]);
    }

    [Fact]
    public void A_campaign_is_complete_when_every_routable_name_is_verified_and_overdue_after_its_deadline()
    {
        CampaignListItem Item(long names, long unroutable, long verified) =>
            new(Guid.NewGuid(), "c", Tlp.Amber, CampaignAction.Block, s_deadline, s_deadline.AddDays(-3), names, unroutable, verified, 0, 2);

        Item(10, 2, 8).State(s_deadline.AddDays(1)).ShouldBe(CampaignState.Complete);
        Item(10, 2, 7).State(s_deadline.AddDays(1)).ShouldBe(CampaignState.Overdue);
        Item(10, 2, 7).State(s_deadline.AddDays(-1)).ShouldBe(CampaignState.Open);
        Item(10, 2, 4).Coverage.ShouldBe(0.5);
        Item(3, 3, 0).State(s_deadline.AddDays(-1)).ShouldBe(CampaignState.Open);
    }

    [Fact]
    public async Task The_slice_csv_reads_back_as_outcomes_once_filled_in()
    {
        CampaignOutcomeCsv.Slice(["b.ws.", "a.ws."]).ShouldBe("name,outcome,detail\r\nb.ws,,\r\na.ws,,\r\n");
        var outcomes = await CampaignOutcomeCsv.ReadAsync(new StringReader("\uFEFFname,outcome,detail\r\nb.ws,serverHold,\r\na.ws,,\r\n"), default);
        outcomes.ShouldBe([new ReportedOutcome("b.ws", NameOutcome.Actioned, "")]);
        (await Should.ThrowAsync<ValidationException>(() => CampaignOutcomeCsv.ReadAsync(new StringReader("domain,status\n"), default))).Field.ShouldBe("file");
    }
}
