using System.Diagnostics;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Zones;

/// <summary>
/// The real root zones parse through the streaming reader and give the same record set as ldns-read-zone.
/// Both sides are compared in canonical RFC 3597 form (lower-cased owner, TYPEnnn, canonical RDATA hex), so the
/// check covers every RDATA octet and not just our printer. Data directory: DNSCERT_ROOT_ZONE_DIR or
/// /work/shared/data/root-zone.
/// </summary>
public class RootZoneTests
{
    private static readonly string s_dataDir =
        Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone";

    [Theory]
    [InlineData("root-2017-08-21-signed.zone.gz", 2017082100u)]
    [InlineData("root-2018-01-29-nosig.zone.gz", 2018012900u)]
    [InlineData("root-2018-03-12-nosig.zone.gz", 2018031200u)]
    public async Task Root_zone_matches_ldnsAsync(string file, uint serial)
    {
        var path = Path.Combine(s_dataDir, file);
        File.Exists(path).ShouldBeTrue($"test data missing: {path}");

        var ours = new List<string>();
        var soaSerial = 0u;
        var soaCount = 0;
        var timer = Stopwatch.StartNew();
        foreach (var record in ZoneFileReader.ReadFile(path))
        {
            if (record.Data is SoaRecord soa)
            {
                soaSerial = soa.Serial;
                soaCount++;
            }

            ours.Add(ReferenceTools.Canonical(record));
        }

        timer.Stop();
        soaSerial.ShouldBe(serial);

        var theirs = await ReferenceTools.RunLdnsAsync(path);
        // AXFR dumps repeat the SOA at the end; ldns keeps a zone's single SOA and drops the repeat.
        (ours.Count - (soaCount - 1)).ShouldBe(theirs.Count, "record count differs from ldns-read-zone");
        var missing = theirs.Except(ours).Take(5).ToList();
        var extra = ours.Except(theirs).Take(5).ToList();
        missing.ShouldBeEmpty("records ldns has and we do not");
        extra.ShouldBeEmpty("records we have and ldns does not");
        new HashSet<string>(ours).SetEquals(theirs).ShouldBeTrue();
        timer.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Canonical_writer_output_of_a_root_zone_reads_back_identically()
    {
        var path = Path.Combine(s_dataDir, "root-2018-03-12-nosig.zone.gz");
        var records = ZoneFileReader.ReadFile(path).ToList();
        var text = new StringWriter();
        ZoneFileWriter.Write(text, records);
        var again = ZoneFileReader.Read(new StringReader(text.ToString())).ToList();
        again.Count.ShouldBe(records.Count);
        again.ShouldBe(records);
    }
}
