using DnsCert.Core.Campaigns;

namespace DnsCert.Core.Tests.Campaigns;

public class CampaignNamesTests
{
    [Theory]
    [InlineData("Example.COM", "example.com.")]
    [InlineData("example.com.", "example.com.")]
    [InlineData("  bücher.de  ", "xn--bcher-kva.de.")]
    [InlineData("BÜCHER.DE.", "xn--bcher-kva.de.")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de.")]
    [InlineData("пример.рф", "xn--e1afmkfd.xn--p1ai.")]
    [InlineData("a-b.info", "a-b.info.")]
    public void Names_become_lower_case_a_labels_with_the_final_dot(string input, string expected)
    {
        var result = CampaignNames.Normalise(input);
        result.Error.ShouldBeNull();
        result.Name.ShouldBe(expected);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("localhost", "single label")]
    [InlineData("foo..com", "empty label")]
    [InlineData("-foo.com", "hyphen")]
    [InlineData("foo_bar.com", "letters, digits and hyphens")]
    [InlineData("foo bar.com", "letters, digits and hyphens")]
    [InlineData("xn--zz.com", "A-label")]
    [InlineData("a\uFFFFb.com", "internationalised")]
    public void Malformed_names_are_refused_with_the_reason(string input, string reason)
    {
        var result = CampaignNames.Normalise(input);
        result.Name.ShouldBeNull();
        result.Error!.ShouldContain(reason);
    }

    [Fact]
    public void Labels_and_names_over_the_rfc_1035_limits_are_refused()
    {
        CampaignNames.Normalise(new string('a', 64) + ".com").Error!.ShouldContain("63");
        CampaignNames.Normalise(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".com").Error!.ShouldContain("253");
        CampaignNames.Normalise(new string('a', 63) + ".com").Ok.ShouldBeTrue();
    }

    [Fact]
    public void Actions_parse_from_their_codes_and_registry_words()
    {
        CampaignActions.Parse("serverHold").ShouldBe(CampaignAction.Suspend);
        CampaignActions.Parse("reserve").ShouldBe(CampaignAction.Block);
        CampaignActions.Parse("Sinkhole").ShouldBe(CampaignAction.Sinkhole);
        Should.Throw<ValidationException>(() => CampaignActions.Parse("delete")).Field.ShouldBe("action");
    }

    [Fact]
    public void A_draft_names_its_wrong_field()
    {
        var now = DateTimeOffset.UtcNow;
        var good = new CampaignDraft("Conficker", Core.Visibility.Tlp.Amber, now.AddDays(1), CampaignAction.Block);
        Should.Throw<ValidationException>(() => (good with { Name = " " }).Validate(now)).Field.ShouldBe("name");
        Should.Throw<ValidationException>(() => (good with { Deadline = now }).Validate(now)).Field.ShouldBe("deadline");
        Should.Throw<ValidationException>(() => (good with { Action = CampaignAction.Sinkhole }).Validate(now)).Field.ShouldBe("sinkholeNameServers");
        Should.Throw<ValidationException>(() => (good with { Action = CampaignAction.Transfer }).Validate(now)).Field.ShouldBe("trustedRegistrar");
        Should.Throw<ValidationException>(() => (good with { Action = CampaignAction.Sinkhole, SinkholeNameServers = ["ns1..sink.example"] }).Validate(now))
            .Field.ShouldBe("sinkholeNameServers");
        (good with { Action = CampaignAction.Sinkhole, SinkholeNameServers = ["NS1.Sink.Example", "ns1.sink.example."] }).Validate(now)
            .SinkholeNameServers.ShouldBe(["ns1.sink.example."]);
    }
}
