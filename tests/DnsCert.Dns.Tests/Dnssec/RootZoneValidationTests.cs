using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>
/// The real signed root zone of 2017-08-21 against the KSK-2010 anchor (data: DNSCERT_ROOT_ZONE_DIR or
/// /work/shared/data/root-zone).
/// </summary>
public class RootZoneValidationTests
{
    public const string Ksk2010 = ". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5";

    public static string RootZonePath =>
        Path.Combine(Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone", "root-2017-08-21-signed.zone.gz");

    private static ZoneVerifyReport Verify(string path, DateTimeOffset at) =>
        ZoneVerifier.Verify(ZoneFileReader.ReadFile(path), TrustAnchor.Parse(Ksk2010), new DnssecValidationOptions { Now = at });

    [Fact]
    public void The_whole_root_zone_validates_inside_its_window()
    {
        var report = Verify(RootZonePath, new DateTimeOffset(2017, 8, 25, 0, 0, 0, TimeSpan.Zero));

        report.Findings.ShouldBeEmpty();
        // Every RRset with an RRSIG (2950 distinct owner/type pairs, zcat | awk '$4=="RRSIG"' | sort -u) is secure;
        // the 148 delegations without DS are insecure.
        report.Summary.ShouldBe("secure=2950 insecure=148 bogus=0");
        report.Verifications.ShouldBe(2950);
        report.KeySet!.Evidence.ShouldContain("DS 19036/8/2 matches DNSKEY 19036 of .");
    }

    [Fact]
    public void One_flipped_signature_byte_makes_exactly_that_RRset_bogus()
    {
        var dir = Directory.CreateTempSubdirectory("dnscert-dnssec-");
        try
        {
            var path = Path.Combine(dir.FullName, "root.zone");
            var lines = ReadAllLines(RootZonePath);
            // The RRSIG over the DS RRset of "se.": change one base64 character in the middle of the signature.
            var index = lines.FindIndex(l => l.StartsWith("se.\t", StringComparison.OrdinalIgnoreCase) && l.Contains("\tRRSIG\tDS ", StringComparison.Ordinal));
            index.ShouldBeGreaterThan(0);
            var line = lines[index];
            var at = line.Length - 40;
            lines[index] = line[..at] + (line[at] == 'A' ? 'B' : 'A') + line[(at + 1)..];
            File.WriteAllLines(path, lines);

            var report = Verify(path, new DateTimeOffset(2017, 8, 25, 0, 0, 0, TimeSpan.Zero));

            report.Summary.ShouldBe("secure=2949 insecure=148 bogus=1");
            var finding = report.Findings.ShouldHaveSingleItem();
            finding.Owner.ToString().ShouldBe("SE."); // the transfer kept this case
            finding.Type.ShouldBe(DnsRecordType.DS);
            finding.Reason.ShouldBe(DnssecReasons.SignatureInvalid);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void After_expiry_the_signatures_are_reported_expired()
    {
        // 2017-09-05: the ZSK signatures ended 2017-09-03, the DNSKEY RRset signature runs to 2017-09-10.
        var report = Verify(RootZonePath, new DateTimeOffset(2017, 9, 5, 0, 0, 0, TimeSpan.Zero));

        report.Summary.ShouldBe("secure=1 insecure=148 bogus=2949");
        report.Findings.ShouldAllBe(f => f.Reason == DnssecReasons.ExpirationInPast);

        // 2017-09-20: the DNSKEY RRset itself has expired, so nothing can be authenticated.
        var later = Verify(RootZonePath, new DateTimeOffset(2017, 9, 20, 0, 0, 0, TimeSpan.Zero));
        later.KeySet!.Reason.ShouldBe(DnssecReasons.ExpirationInPast);
        later.Bogus.ShouldBe(2950);
        later.Secure.ShouldBe(0);
    }

    [Fact]
    public void The_wrong_anchor_makes_the_zone_bogus_with_no_SEP()
    {
        var ksk2017 = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
        var report = ZoneVerifier.Verify(ZoneFileReader.ReadFile(RootZonePath), TrustAnchor.Parse(ksk2017),
            new DnssecValidationOptions { Now = new DateTimeOffset(2017, 8, 25, 0, 0, 0, TimeSpan.Zero) });

        // KSK-2017 was published in the root DNSKEY RRset on 2017-07-11 but did not sign it until 2018-10-11.
        report.KeySet!.Reason.ShouldBe(DnssecReasons.NoSep);
        report.Secure.ShouldBe(0);
    }

    private static List<string> ReadAllLines(string gzPath)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(gzPath), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
