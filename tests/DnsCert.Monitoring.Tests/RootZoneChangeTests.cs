using System.Net;
using System.Text;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;
using DnsCert.Monitoring.Changes;
using DnsCert.TestSupport;

namespace DnsCert.Monitoring.Tests;

/// <summary>
/// Delegation-change detection on the real root zones of 2018-01-29 (baseline) and 2018-03-12 (observation), checked
/// against an independent computation from ldns-read-zone's canonical output (owner, type, RDATA hex).
/// </summary>
public sealed class RootZoneChangeTests
{
    private static string Zone(string date) => Path.Combine(RepoPaths.SharedData, "root-zone", $"root-{date}-nosig.zone.gz");

    private static readonly string s_baseline = Zone("2018-01-29");
    private static readonly string s_observation = Zone("2018-03-12");

    [Fact]
    public async Task Changes_per_tld_equal_an_independent_set_difference_of_ldns_read_zone_output()
    {
        var findings = ChangeDetector.CompareAll(DelegationSnapshot.FromZoneFile(s_baseline, DnsName.Root), DelegationSnapshot.FromZoneFile(s_observation, DnsName.Root));
        var ours = findings.Select(f => f.CheckId switch
        {
            "CHG-03" => $"CHG-03 {f.Zone} {f.Subject}",
            _ => $"{f.CheckId} {f.Zone}",
        }).ToHashSet(StringComparer.Ordinal);

        var before = Reference.Read(await LdnsReadZone.CanonicalLinesAsync(s_baseline));
        var after = Reference.Read(await LdnsReadZone.CanonicalLinesAsync(s_observation));
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tld in before.Ns.Keys.Union(after.Ns.Keys))
        {
            var nsBefore = before.Ns.GetValueOrDefault(tld) ?? [];
            var nsAfter = after.Ns.GetValueOrDefault(tld) ?? [];
            if (!nsBefore.SetEquals(nsAfter))
            {
                expected.Add($"CHG-01 {tld}");
            }

            if (nsBefore.Count == 0 || nsAfter.Count == 0)
            {
                continue;
            }

            if (!(before.Ds.GetValueOrDefault(tld) ?? []).SetEquals(after.Ds.GetValueOrDefault(tld) ?? []))
            {
                expected.Add($"CHG-02 {tld}");
            }

            var knownGlue = nsBefore.SelectMany(n => before.Addresses.GetValueOrDefault(n) ?? []).ToHashSet(StringComparer.Ordinal);
            foreach (var name in nsAfter.Except(nsBefore))
            {
                if ((after.Addresses.GetValueOrDefault(name) ?? []).Any(a => !knownGlue.Contains(a)))
                {
                    expected.Add($"CHG-03 {tld} {name}");
                }
            }

            foreach (var name in nsBefore.Intersect(nsAfter))
            {
                if (!(before.Addresses.GetValueOrDefault(name) ?? []).SetEquals(after.Addresses.GetValueOrDefault(name) ?? []))
                {
                    expected.Add($"CHG-03 {tld} {name}");
                }
            }
        }

        expected.Count.ShouldBeGreaterThan(10, "two root zones six weeks apart differ in more than a handful of delegations");
        expected.ShouldContain(e => e.StartsWith("CHG-01", StringComparison.Ordinal));
        expected.ShouldContain(e => e.StartsWith("CHG-02", StringComparison.Ordinal));
        expected.ShouldContain(e => e.StartsWith("CHG-03", StringComparison.Ordinal));
        ours.Except(expected).ShouldBeEmpty("changes we report that the reference does not see");
        expected.Except(ours).ShouldBeEmpty("changes the reference sees that we miss");
    }

    [Fact]
    public async Task Check_changes_command_prints_the_same_changes_and_exits_critical()
    {
        var findings = ChangeDetector.CompareAll(DelegationSnapshot.FromZoneFile(s_baseline, DnsName.Root), DelegationSnapshot.FromZoneFile(s_observation, DnsName.Root));
        var result = await ProcessRunner.RunAsync("dotnet", [MonitoringLabFixture.CliDll, "check", "changes", s_baseline, s_observation], timeout: TimeSpan.FromMinutes(2));
        result.ExitCode.ShouldBe(5, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.StartsWith("CHG-", StringComparison.Ordinal)).ShouldBe(findings.Count);
        lines[^1].ShouldBe($"changes: {findings.Count} in {findings.Select(f => f.Zone).Distinct().Count()} zones");
        var same = await ProcessRunner.RunAsync("dotnet", [MonitoringLabFixture.CliDll, "check", "changes", s_baseline, s_baseline], timeout: TimeSpan.FromMinutes(2));
        same.ExitCode.ShouldBe(0);
        same.StandardOutput.Trim().ShouldBe("changes: 0 in 0 zones");
    }

    [Fact]
    public void A_respelled_zone_shows_no_change()
    {
        // The baseline again, written with upper-case names, no trailing-dot shortcuts, fully expanded IPv6 and
        // lower-case DS digests: the same delegations, so no finding.
        var records = ZoneFileReader.ReadFile(s_baseline).Where(r => r.Type is DnsRecordType.NS or DnsRecordType.DS or DnsRecordType.A or DnsRecordType.AAAA).ToList();
        var text = new StringBuilder();
        foreach (var r in records)
        {
            var owner = r.Name.ToString().ToUpperInvariant();
            var data = r.Data switch
            {
                NsRecord ns => ns.Target.ToString().ToUpperInvariant(),
                AaaaRecord aaaa => Expanded(aaaa.Address),
                DsRecord ds => $"{ds.KeyTag} {ds.Algorithm} {ds.DigestType} {Convert.ToHexStringLower(ds.Digest.Span)}",
                _ => r.Data.ToString(),
            };
            text.Append(owner).Append(' ').Append(r.Ttl).Append(" IN ").Append(DnsMnemonics.TypeToString(r.Type)).Append(' ').AppendLine(data);
        }

        text.ToString().ShouldContain(":0000:", customMessage: "the respelled copy must really spell IPv6 differently");
        var respelled = DelegationSnapshot.FromZone(ZoneFileReader.Read(new StringReader(text.ToString()), new ZoneFileReaderOptions { Origin = DnsName.Root }), DnsName.Root);
        var original = DelegationSnapshot.FromZoneFile(s_baseline, DnsName.Root);
        respelled.Count.ShouldBe(original.Count);
        ChangeDetector.CompareAll(original, respelled).ShouldBeEmpty();
    }

    private static string Expanded(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return string.Join(":", Enumerable.Range(0, 8).Select(i => Convert.ToHexStringLower(bytes, i * 2, 2)));
    }

    /// <summary>The reference side: sets of RDATA hex straight from ldns-read-zone -c lines, names decoded from wire hex.</summary>
    private sealed record Reference(Dictionary<string, HashSet<string>> Ns, Dictionary<string, HashSet<string>> Ds, Dictionary<string, HashSet<string>> Addresses)
    {
        public static Reference Read(IEnumerable<string> lines)
        {
            var reference = new Reference(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
            foreach (var line in lines)
            {
                // owner ttl class TYPEn length hex
                var f = line.Split(' ');
                var (owner, type, hex) = (f[0], f[3], f.Length > 5 ? f[5] : "");
                var map = type switch
                {
                    "TYPE2" when owner != "." => reference.Ns,
                    "TYPE43" => reference.Ds,
                    "TYPE1" or "TYPE28" => reference.Addresses,
                    _ => null,
                };
                if (map is null)
                {
                    continue;
                }

                var value = type == "TYPE2" ? WireName(hex) : type == "TYPE43" ? hex.ToUpperInvariant() : new IPAddress(Convert.FromHexString(hex)).ToString();
                if (!map.TryGetValue(owner, out var set))
                {
                    map[owner] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(value);
            }

            return reference;
        }

        private static string WireName(string hex)
        {
            var bytes = Convert.FromHexString(hex);
            var labels = new List<string>();
            for (var i = 0; bytes[i] != 0; i += bytes[i] + 1)
            {
                labels.Add(Encoding.ASCII.GetString(bytes, i + 1, bytes[i]));
            }

            return string.Join(".", labels) + ".";
        }
    }
}
