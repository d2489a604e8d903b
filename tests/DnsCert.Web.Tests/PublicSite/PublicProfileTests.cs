using System.Globalization;
using System.Net;
using DnsCert.Web.PublicSite;

namespace DnsCert.Web.Tests.PublicSite;

public class PublicProfileTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private static Dictionary<string, List<string>> Fields(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(l => !l.StartsWith('#'))
        .Select(l => l.Split(": ", 2))
        .GroupBy(p => p[0], p => p[1])
        .ToDictionary(g => g.Key, g => g.ToList());

    [Fact]
    public async Task Security_txt_is_public_and_has_the_rfc_9116_fields()
    {
        var response = await Browser.Open(factory).Client.GetAsync("/.well-known/security.txt");
        var fields = Fields(await response.Content.ReadAsStringAsync());

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        fields["Contact"].ShouldBe(["mailto:duty@dns-cert.example"]);
        var expires = DateTimeOffset.Parse(fields["Expires"].Single(), CultureInfo.InvariantCulture);
        expires.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(30));
        expires.ShouldBeLessThan(DateTimeOffset.UtcNow.AddYears(1), "RFC 9116 §2.5.5: less than a year ahead");
        fields["Preferred-Languages"].ShouldBe(["en, fr, es, pt, ar"]);
        fields["Canonical"].ShouldBe(["https://localhost/.well-known/security.txt"]);
    }

    [Fact]
    public void Optional_fields_appear_when_configured()
    {
        var team = new TeamOptions
        {
            Email = "soc@dns-cert.example",
            Phone = "+41225550100",
            OpenPgpKeyUrl = "https://dns-cert.example/key.asc",
            PublicUrl = "https://dns-cert.example/",
            PolicyUrl = "https://dns-cert.example/disclosure",
        };

        var fields = Fields(SecurityTxt.Render(team, new DateTimeOffset(2026, 11, 21, 18, 30, 0, TimeSpan.Zero), "https://ignored"));

        fields["Contact"].ShouldBe(["mailto:soc@dns-cert.example", "tel:+41225550100"]);
        fields["Expires"].ShouldBe(["2027-02-19T00:00:00Z"]);
        fields["Encryption"].ShouldBe(["https://dns-cert.example/key.asc"]);
        fields["Canonical"].ShouldBe(["https://dns-cert.example/.well-known/security.txt"]);
        fields["Policy"].ShouldBe(["https://dns-cert.example/disclosure"]);
    }

    [Fact]
    public void Bad_team_settings_are_named_with_the_reason()
    {
        var result = new TeamOptionsValidator().Validate(null, new TeamOptions
        {
            Email = "not-an-address",
            PublicUrl = "http://dns-cert.example",
            Phone = "0041 22 555",
            TimeZone = "Mars/Olympus",
        });

        result.Failures!.ShouldBe([
            "Team:Email must be the team's contact mail address (got 'not-an-address')",
            "Team:PublicUrl must be an https:// URL (got 'http://dns-cert.example')",
            "Team:Phone must be in E.164 form, e.g. +14155550123 (got '0041 22 555')",
            "Team:TimeZone must be an IANA time zone such as Europe/Paris (got 'Mars/Olympus')",
        ]);
    }

    [Fact]
    public async Task The_rfc_2350_profile_is_public_and_in_the_readers_language()
    {
        var (response, english) = await Browser.Open(factory).GetAsync("/about");
        var (_, french) = await Browser.Open(factory).GetAsync("/about", "fr");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        english.ShouldContain("id=\"team-email\">duty@dns-cert.example<");
        foreach (var section in new[] { "document", "contact", "charter", "policies" })
        {
            english.ShouldContain($"<h2 id=\"{section}\">");
        }

        english.ShouldContain("24 hours a day, 7 days a week");
        french.ShouldContain("<h1>À propos: DNS Computer Emergency Response Team</h1>");
        french.ShouldContain("TLP 2.0");
    }
}
