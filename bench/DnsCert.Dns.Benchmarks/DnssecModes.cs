using System.Diagnostics;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Benchmarks;

/// <summary>
/// The plain DNSSEC modes of Program, run by bench/dnssec-bench.sh next to <c>openssl speed</c> and
/// <c>ldns-verify-zone</c>: whole-zone verification split into parse and validation time.
/// </summary>
public static class DnssecModes
{
    /// <summary>The KSK-2010 DS, the root zone's anchor (see /work/shared/data/root-zone/README.md).</summary>
    public const string RootAnchor = ". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5";

    /// <summary>Validation time for the 2017 root zone (inside every signature's window).</summary>
    public static readonly DateTimeOffset RootTime = new(2017, 8, 25, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Parses the zone file into memory once, then validates it <paramref name="rounds"/> times; prints the parse time,
    /// the best and mean validation time and the verdict.
    /// </summary>
    public static string VerifyZone(string path, int rounds)
    {
        var parse = Stopwatch.StartNew();
        var records = ZoneFileReader.ReadFile(path).ToList();
        var parseTime = parse.Elapsed;
        var anchor = TrustAnchor.Parse(RootAnchor);
        var options = new DnssecValidationOptions { Now = RootTime };
        ZoneVerifyReport? report = null;
        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var stopwatch = Stopwatch.StartNew();
            report = ZoneVerifier.Verify(records, anchor, options);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        return FormattableString.Invariant(
            $"records={records.Count} parse_ms={parseTime.TotalMilliseconds:0} verify_first_ms={times[0]:0} verify_best_ms={times.Min():0} verify_mean_ms={times.Average():0} verifications={report!.Verifications} {report.Summary}");
    }
}
