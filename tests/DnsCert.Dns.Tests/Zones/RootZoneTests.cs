using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
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

            ours.Add(Canonical(record));
        }

        timer.Stop();
        soaSerial.ShouldBe(serial);

        var theirs = await RunLdnsAsync(path);
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

    private static string Canonical(ResourceRecord record)
    {
        var rdata = record.Data.ToCanonicalWire();
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.Name.ToLowerInvariant()} {record.Ttl} {DnsMnemonics.ClassToString(record.Class)} TYPE{(ushort)record.Type} {rdata.Length} {Convert.ToHexStringLower(rdata)}");
    }

    // ldns-read-zone -c canonicalises; "-U SOA -u SOA" prints every type in RFC 3597 "\# len hex" form.
    private static async Task<List<string>> RunLdnsAsync(string gzPath)
    {
        var plain = Path.GetTempFileName();
        try
        {
            await using (var input = new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress))
            await using (var output = File.Create(plain))
            {
                await input.CopyToAsync(output);
            }

            var start = new ProcessStartInfo("ldns-read-zone", ["-c", "-U", "SOA", "-u", "SOA", plain])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, await stderr);
            var lines = new List<string>();
            foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                var rdata = fields[4].Split(' ');
                rdata[0].ShouldBe(@"\#");
                var hex = rdata.Length > 2 ? string.Concat(rdata.Skip(2)).ToLowerInvariant() : string.Empty;
                lines.Add($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} {rdata[1]} {hex}");
            }

            return lines;
        }
        finally
        {
            File.Delete(plain);
        }
    }
}
