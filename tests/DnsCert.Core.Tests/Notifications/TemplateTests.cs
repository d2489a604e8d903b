using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Notifications;

public class TemplateTests
{
    public static TheoryData<NotificationKind> Kinds() => [.. NotificationKinds.All];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_has_all_five_languages_with_the_same_placeholders(NotificationKind kind)
    {
        var english = TemplateCatalog.All.Single(t => t.Kind == kind && t.Language == "en");
        english.Placeholders().ShouldContain("ticket");
        foreach (var language in NotificationLanguages.Supported)
        {
            var template = TemplateCatalog.All.SingleOrDefault(t => t.Kind == kind && t.Language == language);
            template.ShouldNotBeNull($"{kind.Name()}.{language}.txt is missing");
            template.Placeholders().ShouldBe(english.Placeholders(), $"{kind.Name()}.{language}");
        }
    }

    [Fact]
    public void The_first_supported_preference_wins_and_english_is_the_fallback()
    {
        NotificationLanguages.Choose(["de-DE", "pt-BR", "fr"]).ShouldBe("pt");
        NotificationLanguages.Choose(["ar_EG"]).ShouldBe("ar");
        NotificationLanguages.Choose(["de", "ja"]).ShouldBe("en");
        NotificationLanguages.Choose(null).ShouldBe("en");
    }

    [Fact]
    public void The_tlp_label_leads_subject_and_body_untranslated_and_values_cannot_break_the_subject_line()
    {
        var rendered = NotificationRenderer.Render(NotificationKind.IncidentUpdate, Tlp.AmberStrict, "es", 77,
            [new Dictionary<string, string> { ["incident"] = "INC-9", ["status"] = "open\r\nBcc: evil@example.test", ["title"] = "t", ["summary"] = "<b>x</b>" }]);
        rendered.Subject.ShouldBe("[TLP:AMBER+STRICT] Incidente INC-9: open Bcc: evil@example.test [DnsCert #77]");
        rendered.Text.ShouldStartWith("TLP:AMBER+STRICT\n\nHola:");
        rendered.Html.ShouldContain("&lt;b&gt;x&lt;/b&gt;");
        rendered.Html.ShouldContain("#FFC000");
    }

    [Fact]
    public void Aggregated_items_repeat_and_arabic_html_is_right_to_left()
    {
        var rendered = NotificationRenderer.Render(NotificationKind.CampaignSlice, Tlp.Green, "ar", 5,
            [new Dictionary<string, string> { ["domain"] = "a.test", ["campaign"] = "C", ["title"] = "T", ["due"] = "d" },
             new Dictionary<string, string> { ["domain"] = "b.test" }]);
        rendered.Text.ShouldContain("a.test\nb.test\n");
        rendered.Subject.ShouldContain("2");
        rendered.Html.ShouldContain("dir=\"rtl\"");
    }

    [Fact]
    public void Findings_for_one_operator_share_an_aggregation_key_and_wait_for_the_window()
    {
        var rules = new NotificationRules(new NotificationRulesOptions { FindingWindow = TimeSpan.FromMinutes(15) });
        var org = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var a = rules.Apply(new FindingEvent(org, Tlp.Amber, at, "a.test.", "c", "s", "d")).ShouldHaveSingleItem();
        var b = rules.Apply(new FindingEvent(org, Tlp.Amber, at.AddMinutes(3), "b.test.", "c", "s", "d")).ShouldHaveSingleItem();
        a.AggregationKey.ShouldBe(b.AggregationKey);
        a.NotBefore.ShouldBe(at.AddMinutes(15));
        a.ContactRole.ShouldBe("technical");
    }

    [Fact]
    public void Throttle_delays_the_message_over_the_limit_until_the_oldest_ages_out()
    {
        var now = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var recent = new[] { now.AddMinutes(-50), now.AddMinutes(-30), now.AddMinutes(-10) };
        RecipientThrottle.NextAllowed(recent, now, 4, TimeSpan.FromHours(1)).ShouldBe(now);
        RecipientThrottle.NextAllowed(recent, now, 3, TimeSpan.FromHours(1)).ShouldBe(now.AddMinutes(10));
    }
}
