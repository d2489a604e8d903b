using DnsCert.Lab.Faults;
using static DnsCert.Lab.Tests.Dig;

namespace DnsCert.Lab.Tests;

/// <summary>
/// The scenarios on the shared lab: every fault of the story proved with an independent tool, then <c>fix --all</c>
/// and every zone of the story healthy again.
/// </summary>
[Collection("lab")]
public sealed class ScenarioTests
{
    private readonly LabFixture _fixture;

    public ScenarioTests(LabFixture fixture)
    {
        _fixture = fixture;
    }

    private LabUniverse Lab => _fixture.Lab;

    private static string[] Zones(Scenario scenario) => scenario.Faults.Select(f => f.Zone).Distinct().ToArray();

    /// <summary>Breaks the scenario's zones (the fixture keeps them away from every other test) after proving them healthy.</summary>
    private async Task BreakAsync(Scenario scenario)
    {
        foreach (var zone in Zones(scenario))
        {
            await LabProofs.AssertHealthyAsync(Lab, Lab.Plan.Get(zone));
        }

        foreach (var (zone, fault) in scenario.Faults)
        {
            await Lab.BreakAsync(zone, fault);
        }

        // Only this scenario's faults count: a fault another test failed to repair is not this test's business.
        Lab.Status().Faults.Where(f => Zones(scenario).Contains(f.Zone)).Select(f => (f.Zone, f.Fault)).Order().ShouldBe(scenario.Faults.Order());
    }

    private async Task FixAllAndProveHealthyAsync(Scenario scenario)
    {
        await Lab.FixAllAsync();
        Lab.Status().Faults.ShouldBeEmpty();
        foreach (var (zone, _) in scenario.Faults)
        {
            await LabProofs.AssertHealthyAsync(Lab, Lab.Plan.Get(zone));
        }
    }

    private LabZone Zone(Scenario scenario, string fault, int skip = 0) =>
        Lab.Plan.Get(scenario.Faults.Where(f => f.Fault == fault).Skip(skip).First().Zone);

    [Fact]
    public async Task Cctld_hijack_2009()
    {
        var scenario = Scenarios.Get(Lab.Plan, "cctld-hijack-2009");
        await using var repair = _fixture.RepairOnExit(Zones(scenario));
        var hijacked = scenario.Faults.Where(f => f.Fault == FaultCatalogue.DelegationHijack).Select(f => Lab.Plan.Get(f.Zone)).ToList();
        hijacked.Count.ShouldBe(2);
        var genuine = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var zone in hijacked)
        {
            genuine[zone.Name] = Records(await ResolveAsync(Lab.ResolverAddress, "www." + zone.Fqdn, "A"), "A").Single()[4];
        }

        await BreakAsync(scenario);

        // Hijacks: the parent delegates to crackers1/2 on rogue addresses; the lab's resolver returns the forged address,
        // which is neither the genuine one nor any server's address (rogue servers included), and differs per hijack.
        var serverAddresses = Lab.Plan.AllServers.Select(s => s.Address).ToHashSet(StringComparer.Ordinal);
        var forgedSeen = new List<string>();
        foreach (var zone in hijacked)
        {
            var slot = Lab.Status().Faults.Single(f => f.Zone == zone.Name).Slot;
            var referral = await KdigAsync("@" + zone.Parent!.Primary.Address, "+norec", zone.Fqdn, "NS");
            var ns = Records(referral, "NS");
            ns.Count.ShouldBe(2, referral);
            ns.ShouldAllBe(r => r[4].StartsWith("crackers", StringComparison.Ordinal));
            var glue = Records(referral, "A").Select(r => r[4]).Order().ToList();
            glue.ShouldBe(new[] { Lab.Plan.RogueAddress(slot, 0), Lab.Plan.RogueAddress(slot, 1) }.Order().ToList(), referral);
            var rogue = await KdigAsync("@" + glue[0], "+norec", "www." + zone.Fqdn, "A");
            Flags(rogue).ShouldContain("aa", rogue);
            var forged = Records(await ResolveAsync(Lab.ResolverAddress, "www." + zone.Fqdn, "A"), "A").Single()[4];
            forged.ShouldBe(Lab.Plan.ForgedAddress(slot));
            forged.ShouldNotBe(genuine[zone.Name]);
            serverAddresses.ShouldNotContain(forged);
            forgedSeen.Add(forged);
            forgedSeen.AddRange(glue);
        }

        forgedSeen.Distinct().Count().ShouldBe(forgedSeen.Count, "two hijacks never share a rogue or forged address");

        // Stale glue: the parent's glue for ns1 is not the address ns1 has in its own zone, and nothing answers there.
        var glueZone = Zone(scenario, FaultCatalogue.GlueMismatch);
        var ns1 = glueZone.Servers[0];
        var glueReferral = await KdigAsync("@" + glueZone.Parent!.Primary.Address, "+norec", "www." + glueZone.Fqdn, "A");
        var staleGlue = Records(glueReferral, "A").Where(r => r[0] == ns1.Name + ".").Select(r => r[4]).Single();
        var childA = Records(await KdigAsync("@" + ns1.Address, "+norec", ns1.Name, "A"), "A").Single()[4];
        staleGlue.ShouldNotBe(childA);
        childA.ShouldBe(ns1.Address);
        Status(await KdigAsync("@" + staleGlue, "+norec", glueZone.Fqdn, "SOA")).ShouldBe("NO-ANSWER");

        // The NS set the child does not know: parent and child NS sets differ.
        var nsZone = Zone(scenario, FaultCatalogue.NsMismatch);
        var parentNs = Records(await KdigAsync("@" + nsZone.Parent!.Primary.Address, "+norec", nsZone.Fqdn, "NS"), "NS").Select(r => r[4]).Order().ToList();
        var childNs = Records(await KdigAsync("@" + nsZone.Primary.Address, "+norec", nsZone.Fqdn, "NS"), "NS").Select(r => r[4]).Order().ToList();
        childNs.ShouldNotBe(parentNs);

        await FixAllAndProveHealthyAsync(scenario);
        foreach (var zone in hijacked)
        {
            Records(await KdigAsync("@" + zone.Parent!.Primary.Address, "+norec", zone.Fqdn, "NS"), "NS")
                .ShouldAllBe(r => !r[4].StartsWith("crackers", StringComparison.Ordinal));
            Records(await ResolveAsync(Lab.ResolverAddress, "www." + zone.Fqdn, "A"), "A").Single()[4].ShouldBe(genuine[zone.Name]);
        }

        Records(await KdigAsync("@" + glueZone.Parent.Primary.Address, "+norec", "www." + glueZone.Fqdn, "A"), "A")
            .Where(r => r[0] == ns1.Name + ".").Select(r => r[4]).ShouldBe([ns1.Address]);
        Records(await KdigAsync("@" + nsZone.Primary.Address, "+norec", nsZone.Fqdn, "NS"), "NS").Select(r => r[4]).Order().ToList().ShouldBe(parentNs);
    }

    [Fact]
    public async Task Rollover_gone_wrong()
    {
        var scenario = Scenarios.Get(Lab.Plan, "rollover-gone-wrong");
        await using var repair = _fixture.RepairOnExit(Zones(scenario));
        await BreakAsync(scenario);

        // DS for a key never published: no DS key tag at the parent is a key tag of the zone's DNSKEY set; delv fails.
        var dsZone = Zone(scenario, FaultCatalogue.DsMismatch);
        var ds = Records(await KdigAsync("@" + dsZone.Parent!.Primary.Address, "+norec", dsZone.Fqdn, "DS"), "DS");
        ds.ShouldNotBeEmpty();
        var tags = await LabProofs.KeyTagsAsync(dsZone.Primary.Address, dsZone);
        tags.Count.ShouldBe(Records(await KdigAsync("@" + dsZone.Primary.Address, "+norec", dsZone.Fqdn, "DNSKEY"), "DNSKEY").Count);
        ds.Select(d => d[4]).Intersect(tags).ShouldBeEmpty();
        (await LabProofs.DelvAsync(Lab, dsZone)).ShouldContain("resolution failed");

        // Expired signatures: ldns-verify-zone on the secondary's copy says so; delv fails.
        var expiredZone = Zone(scenario, FaultCatalogue.ExpiredSignatures);
        var verify = await LabProofs.VerifyZoneAsync(await LabProofs.AxfrFileAsync(Lab, expiredZone, expiredZone.Servers[1].Address));
        verify.ExitCode.ShouldNotBe(0);
        (verify.StandardOutput + verify.StandardError).ShouldContain("expired");
        (await LabProofs.DelvAsync(Lab, expiredZone)).ShouldContain("resolution failed");

        // A secondary without the DNSKEY set: empty there, present on the primary.
        var keyZone = Zone(scenario, FaultCatalogue.DnskeyMissing);
        var broken = keyZone.Servers.Single(s => s.Name == Lab.Status().Faults.Single(f => f.Zone == keyZone.Name).Server);
        broken.ShouldNotBe(keyZone.Primary);
        Records(await KdigAsync("@" + broken.Address, "+norec", keyZone.Fqdn, "DNSKEY"), "DNSKEY").ShouldBeEmpty();
        Records(await KdigAsync("@" + keyZone.Primary.Address, "+norec", keyZone.Fqdn, "DNSKEY"), "DNSKEY").ShouldNotBeEmpty();

        await FixAllAndProveHealthyAsync(scenario);
        var dsAfter = await KdigAsync("@" + dsZone.Parent.Primary.Address, "+norec", dsZone.Fqdn, "DS");
        var tagsAfter = await LabProofs.KeyTagsAsync(dsZone.Primary.Address, dsZone);
        Records(dsAfter, "DS").Select(d => d[4]).Intersect(tagsAfter).ShouldNotBeEmpty(dsAfter + "\nDNSKEY tags: " + string.Join(" ", tagsAfter));
        (await LabProofs.VerifyZoneAsync(await LabProofs.AxfrFileAsync(Lab, expiredZone, expiredZone.Servers[1].Address))).ExitCode.ShouldBe(0);
        (await LabProofs.DelvAsync(Lab, expiredZone)).ShouldContain("; fully validated");
        Records(await KdigAsync("@" + broken.Address, "+norec", keyZone.Fqdn, "DNSKEY"), "DNSKEY").ShouldNotBeEmpty();
    }
}
