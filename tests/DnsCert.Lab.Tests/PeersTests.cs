using System.Text.Json;
using DnsCert.Lab.Faults;
using DnsCert.TestSupport;

namespace DnsCert.Lab.Tests;

/// <summary>
/// bench/peers/run-peers.sh against the shared test lab: both peers (Zonemaster CLI, DNSViz) produce real JSON for a
/// healthy zone and for a zone with expired signatures, and both see that fault.
/// </summary>
[Collection("lab")]
public sealed class PeersTests
{
    private readonly LabFixture _fixture;

    public PeersTests(LabFixture fixture)
    {
        _fixture = fixture;
    }

    private LabUniverse Lab => _fixture.Lab;

    private async Task<(JsonElement Zonemaster, JsonElement Grok, string GrokText)> RunPeersAsync(LabZone zone)
    {
        var output = Path.Combine(Lab.Paths.Directory, "peers", zone.FileName);
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "bench", "peers", "run-peers.sh"), zone.Name, Lab.Paths.Directory, output],
            timeout: TimeSpan.FromMinutes(10));
        result.ExitCode.ShouldBe(0, result.StandardOutput + result.StandardError);
        var zonemaster = File.ReadAllText(Path.Combine(output, "zonemaster.json"));
        var grok = File.ReadAllText(Path.Combine(output, "dnsviz-grok.json"));
        zonemaster.Trim().ShouldNotBeEmpty();
        grok.Trim().ShouldNotBeEmpty();
        new FileInfo(Path.Combine(output, "dnsviz-probe.json")).Length.ShouldBeGreaterThan(0);
        using var zm = JsonDocument.Parse(zonemaster);
        using var dv = JsonDocument.Parse(grok);
        return (zm.RootElement.Clone(), dv.RootElement.Clone(), grok);
    }

    private static List<(string Level, string Module, string Tag)> Messages(JsonElement zonemaster) =>
        zonemaster.EnumerateArray().Select(m => (m.GetProperty("level").GetString()!, m.GetProperty("module").GetString()!, m.GetProperty("tag").GetString()!))
            .ToList();

    [Fact]
    public async Task Both_peers_report_on_a_healthy_zone_and_see_expired_signatures()
    {
        var healthy = _fixture.Take(z => LabFixture.OfflineSigned(z) && LabFixture.Secure(z));
        var (zm, dv, _) = await RunPeersAsync(healthy);
        var messages = Messages(zm);
        messages.ShouldContain(m => m.Module == "DNSSEC", "Zonemaster ran its DNSSEC tests");
        messages.Where(m => m.Level is "ERROR" or "CRITICAL").ShouldBeEmpty();
        dv.GetProperty(healthy.Fqdn).GetProperty("delegation").GetProperty("status").GetString().ShouldBe("SECURE");

        var broken = _fixture.Take(z => LabFixture.OfflineSigned(z) && LabFixture.Secure(z));
        await Lab.BreakAsync(broken.Name, FaultCatalogue.ExpiredSignatures);
        try
        {
            (zm, dv, var grokText) = await RunPeersAsync(broken);
            Messages(zm).ShouldContain(m => m.Module == "DNSSEC" && m.Level == "ERROR" && m.Tag.Contains("EXPIRED", StringComparison.Ordinal),
                "Zonemaster reports the expired signatures");
            grokText.ShouldContain("\"EXPIRATION_IN_PAST\"");
            dv.GetProperty(broken.Fqdn).GetProperty("delegation").GetProperty("status").GetString().ShouldBe("BOGUS");
        }
        finally
        {
            await Lab.FixAsync(broken.Name);
        }

        await LabProofs.AssertHealthyAsync(Lab, broken);
    }
}
