using DnsCert.TestSupport;
using static DnsCert.Lab.Tests.Dig;

namespace DnsCert.Lab.Tests;

/// <summary>Proofs shared by the fault and scenario tests, each made with an independent tool (kdig, delv, ldns-verify-zone).</summary>
public static class LabProofs
{
    /// <summary>Healthy: resolves through Unbound (AD when signed), every server answers AA with one serial over UDP and TCP.</summary>
    public static async Task AssertHealthyAsync(LabUniverse lab, LabZone zone)
    {
        var output = await ResolveAsync(lab.ResolverAddress, "+dnssec", "www." + zone.Fqdn, "A");
        Status(output).ShouldBe("NOERROR", output);
        Flags(output).Contains("ad").ShouldBe(LabFixture.Secure(zone), output);
        var serials = new List<string>();
        foreach (var server in zone.Servers)
        {
            serials.Add(await SerialAsync(server.Address, zone.Fqdn));
            serials.Add(await SerialAsync(server.Address, zone.Fqdn, tcp: true));
        }

        serials.Distinct().Count().ShouldBe(1, $"{zone.Fqdn}: {string.Join(", ", serials)}");
        serials[0].ShouldNotStartWith("none");
    }

    /// <summary>delv through the lab's resolver with the lab root's trust anchor.</summary>
    public static async Task<string> DelvAsync(LabUniverse lab, LabZone zone)
    {
        var anchors = Path.Combine(lab.Paths.Directory, "delv-anchors.conf");
        var ds = File.ReadAllText(lab.TrustAnchorFile).Trim().Split(' ');
        File.WriteAllText(anchors, $"trust-anchors {{ . initial-ds {ds[3]} {ds[4]} {ds[5]} \"{ds[6]}\"; }};\n");
        var result = await ProcessRunner.RunAsync("delv", ["@" + lab.ResolverAddress, "-a", anchors, "+root", "www." + zone.Fqdn, "A"]);
        return result.StandardOutput + result.StandardError;
    }

    /// <summary>The zone as one server serves it (TSIG-signed AXFR), written to a file ldns-verify-zone can read.</summary>
    public static async Task<string> AxfrFileAsync(LabUniverse lab, LabZone zone, string address)
    {
        var output = await KdigAsync("@" + address, "-y", lab.TsigForKdig, zone.Fqdn, "AXFR", "+nocomments", "+nostats", "+noheader");
        var file = Path.Combine(lab.Paths.Directory, zone.FileName + ".axfr");
        File.WriteAllLines(file, output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(';') && !l.Contains("\tTSIG\t", StringComparison.Ordinal)));
        return file;
    }

    public static async Task<ProcessResult> VerifyZoneAsync(string file) => await ProcessRunner.RunAsync("ldns-verify-zone", [file]);

    /// <summary>Key tags of the DNSKEY set one server answers.</summary>
    public static async Task<List<string>> KeyTagsAsync(string address, LabZone zone) =>
        System.Text.RegularExpressions.Regex.Matches(await KdigAsync("@" + address, "+norec", "+multiline", zone.Fqdn, "DNSKEY"), @"\bid = ([0-9]+)")
            .Select(m => m.Groups[1].Value).ToList();
}
