using System.Net;
using DnsCert.Core.Constituency;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Tests.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.PublicSite;

/// <summary>The public status page (TLP:CLEAR monitoring only) and the RFC 2350 profile, without signing in.</summary>
public sealed class StatusPageTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    [Fact]
    public async Task Only_zones_published_as_tlp_clear_appear_aggregated_per_tld_and_the_page_is_cacheable()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (clearTld, amberTld) = ("clr" + suffix, "amb" + suffix);
        var (clear, amber) = ($"bank.{clearTld}.", $"secret-holder.{amberTld}.");
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        var seed = new MonitoringSeed(db);
        await seed.ZoneAsync(clear, ZoneState.Down);
        await seed.ZoneAsync(amber, ZoneState.Down);
        var directory = factory.Services.GetRequiredService<IDirectoryRepository>();
        var holder = await directory.CreateOrganisationAsync(new OrganisationInput("Holder " + suffix, OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr"],
            "Africa/Bamako", true), DirectoryActor.System, CancellationToken.None);
        await directory.AddAssetAsync(holder, AssetKind.Zone, clear.TrimEnd('.'), DirectoryActor.System, CancellationToken.None);
        await seed.Zones.SetPublicStatusAsync(clear, true, CancellationToken.None);

        var (response, html) = await Browser.Open(factory).GetAsync("/status");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.Private.ShouldBeTrue();
        response.Headers.CacheControl.NoStore.ShouldBeFalse();
        response.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromSeconds(60));
        html.ShouldContain($"<tr data-tld=\"{clearTld}\" data-state=\"down\">");
        html.ShouldNotContain(amberTld, customMessage: "a TLP:AMBER zone's TLD must not appear");
        html.ShouldNotContain("bank.", customMessage: "aggregated per TLD: no zone names");
        html.ShouldNotContain("Holder " + suffix, customMessage: "no constituent data");
        html.ShouldContain("id=\"public-open\"");

        // Withdrawn, it is TLP:AMBER again and leaves the page.
        await seed.Zones.SetPublicStatusAsync(clear, false, CancellationToken.None);
        (await Browser.Open(factory).GetAsync("/status")).Html.ShouldNotContain(clearTld);
    }

    [Fact]
    public async Task The_rfc_2350_profile_has_the_seven_sections_as_a_page_and_as_text_in_the_readers_language()
    {
        var (response, english) = await Browser.Open(factory).GetAsync("/rfc2350");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var section in new[] { "document", "contact", "charter", "policies", "services", "reporting", "disclaimers" })
        {
            english.ShouldContain($"<h2 id=\"{section}\">");
        }

        english.ShouldContain("id=\"team-email\">duty@dns-cert.example<");
        english.ShouldContain("2.11 Hours of operation");
        english.ShouldContain("24 hours a day, 7 days a week");
        english.ShouldContain("href=\"/rfc2350.txt\"");
        var (_, french) = await Browser.Open(factory).GetAsync("/rfc2350", "fr");
        french.ShouldContain("<h1>Profil de l&#x27;équipe (RFC 2350): DNS Computer Emergency Response Team</h1>");
        french.ShouldContain("7. Avertissements");
        var (_, arabic) = await Browser.Open(factory).GetAsync("/rfc2350", "ar");
        arabic.ShouldContain("dir=\"rtl\"");
        arabic.ShouldContain("5. الخدمات");

        var text = await Browser.Open(factory).Client.GetAsync("/rfc2350.txt");
        text.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
        var body = await text.Content.ReadAsStringAsync();
        body.ShouldStartWith("Team profile (RFC 2350): DNS Computer Emergency Response Team\n");
        foreach (var heading in new[] { "1. Document information", "2. Contact information", "3. Charter", "4. Policies", "5. Services",
                     "6. Incident reporting forms", "7. Disclaimers" })
        {
            body.ShouldContain("\n" + heading + "\n");
        }

        body.ShouldContain("2.7 Electronic mail\n     duty@dns-cert.example\n");
        body.ShouldContain("https://localhost/report");

        var securityTxt = await (await Browser.Open(factory).Client.GetAsync("/.well-known/security.txt")).Content.ReadAsStringAsync();
        securityTxt.ShouldContain("Policy: https://localhost/rfc2350#policies\n");
    }
}
