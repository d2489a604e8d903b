using System.Globalization;
using System.Text;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Fuzz;

/// <summary>
/// Mutated zone text into the streaming reader: only <see cref="ZoneFileException"/> may escape, whatever parses
/// must print and parse back. DNSCERT_ZONE_FUZZ_ITERATIONS (default 3000) and DNSCERT_FUZZ_SEED tune the run.
/// </summary>
public class ZoneParserFuzzTests
{
    private const string Seed = """
        $ORIGIN example.
        $TTL 1h
        @ IN SOA ns1 hostmaster ( 1 2 3 4 5 )
          NS ns1
          MX 10 mail
          TXT "a;b" "c\"d" e\032f
          CAA 0 issue "ca.example"
          LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m
          SVCB 1 . alpn="h2,h3" port=853 mandatory=port key999="x"
          HTTPS 0 svc
          DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
          NSEC3 1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA
          NSEC3PARAM 1 0 0 -
          NSEC a.example. A NS TYPE65534
          RRSIG A 8 2 3600 20300101000000 20200101000000 1 example. AAAA
          DNSKEY 257 3 8 AwEAAQ==
          TLSA 3 1 1 ABCD
          SSHFP 1 1 ABCD
          ZONEMD 1 1 1 000102030405060708090A0B
          CSYNC 1 3 A NS
          URI 1 1 "https://x"
          NAPTR 1 1 "u" "s" "r" .
          SRV 0 0 53 ns1
          HINFO "x" "y"
          RP a. b.
          TYPE999 \# 2 ABCD
        ns1 300 A 192.0.2.1
          AAAA 2001:db8::1
        $GENERATE 1-3 h$ A 192.0.2.$
        $GENERATE 1-2/1 ${1,2,x}.n PTR h${0,1,n}.
        """;

    private const string Alphabet = " \t\n();\"\\$@.*-_0123456789abcdefxyzAINSMXTLOCH=,/:#";

    [Fact]
    public void Zone_reader_only_throws_its_syntax_exception()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("DNSCERT_ZONE_FUZZ_ITERATIONS"), NumberStyles.None,
            CultureInfo.InvariantCulture, out var n) ? n : 3000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DNSCERT_FUZZ_SEED"), NumberStyles.None,
            CultureInfo.InvariantCulture, out var s) ? s : 20240601;
        var random = new Random(seed);
        var options = new ZoneFileReaderOptions { AllowInclude = false, MaxGeneratedRecords = 1000 };
        var parsed = 0;
        var failed = 0;
        for (var i = 0; i < iterations; i++)
        {
            var text = Mutate(random);
            try
            {
                var records = ZoneFileReader.Read(new StringReader(text), options).ToList();
                foreach (var record in records)
                {
                    var line = record.ToString();
                    var again = ZoneFileReader.Read(new StringReader(line), options).Single();
                    if (!again.Equals(record))
                    {
                        Assert.Fail($"iteration {i} (seed {seed}): '{line}' does not read back as the same record");
                    }
                }

                parsed++;
            }
            catch (ZoneFileException)
            {
                failed++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {i} (seed {seed}): {ex.GetType().Name}: {ex.Message}\n{text}\n{ex.StackTrace}");
            }
        }

        parsed.ShouldBeGreaterThan(0);
        failed.ShouldBeGreaterThan(0);
    }

    private static string Mutate(Random random)
    {
        var sb = new StringBuilder(Seed);
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0:
                    sb[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 1:
                    sb.Remove(at, Math.Min(sb.Length - at, 1 + random.Next(6)));
                    break;
                case 2:
                    sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    // Swap a number for a boundary value.
                    sb.Insert(at, new[] { "0", "255", "256", "65535", "65536", "4294967295", "4294967296", "-1", "99999999999" }[random.Next(9)]);
                    break;
            }
        }

        return sb.ToString();
    }
}
