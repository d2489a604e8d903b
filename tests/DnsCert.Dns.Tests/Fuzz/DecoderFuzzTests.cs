using System.Diagnostics;
using System.Globalization;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Fuzz;

/// <summary>
/// Mutation and random-input fuzzing of the message decoder. The only exception allowed out of
/// <see cref="DnsMessage.Decode"/> is <see cref="DnsFormatException"/>; whatever decodes must re-encode, print, and
/// (except OPT) survive a presentation round trip.
/// Environment: DNSCERT_FUZZ_ITERATIONS (default 20000; set 1000000 or more for a long run) and
/// DNSCERT_FUZZ_SEED (default 20240601) to reproduce a failure.
/// </summary>
public class DecoderFuzzTests
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("DNSCERT_FUZZ_ITERATIONS"),
        NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 20_000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DNSCERT_FUZZ_SEED"),
        NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 20240601;

    [Fact]
    public void Decoder_only_throws_its_format_exception()
    {
        var corpus = BuildCorpus();
        var random = new Random(Seed);
        var decoded = 0;
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            var input = i % 10 == 9 ? RandomMessage(random) : Mutate(corpus[random.Next(corpus.Count)], corpus, random);
            var timer = Stopwatch.StartNew();
            try
            {
                var message = DnsMessage.Decode(input);
                decoded++;
                CheckDecodedMessage(message);
            }
            catch (DnsFormatException)
            {
                // The one acceptable failure.
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {i} (seed {Seed}): {ex.GetType().Name}: {ex.Message}\ninput: {Convert.ToHexStringLower(input)}\n{ex.StackTrace}");
            }

            if (timer.Elapsed > slowest)
            {
                slowest = timer.Elapsed;
            }
        }

        // Both outcomes must be exercised, or the mutator is not doing its job.
        decoded.ShouldBeGreaterThan(Iterations / 20);
        decoded.ShouldBeLessThan(Iterations);
        slowest.ShouldBeLessThan(TimeSpan.FromSeconds(1), "a single input took too long: possible hang");
        total.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(Math.Max(120, Iterations / 2000)));
    }

    private static void CheckDecodedMessage(DnsMessage message)
    {
        var again = DnsMessage.Decode(message.Encode());
        again.Answers.Count.ShouldBe(message.Answers.Count);
        _ = message.ToString();
        var records = message.Answers.Concat(message.Authorities).Concat(message.Additionals).Select(r => r.Data);
        if (message.Edns is not null)
        {
            records = records.Append(new OptRecord(message.Edns.Options));
        }

        foreach (var data in records)
        {
            var text = data.ToString();
            RecordData reparsed;
            try
            {
                reparsed = RecordData.Parse(data.Type, text);
            }
            catch (ZoneFileException ex)
            {
                throw new InvalidOperationException($"{DnsMnemonics.TypeToString(data.Type)} printed as '{text}' does not parse back: {ex.Reason}");
            }

            // LOC precisions like 0x01 (0 x 10^1 cm) have no exact presentation and read back as 0x00.
            if (!reparsed.ToWire().AsSpan().SequenceEqual(data.ToWire()) && !HasZeroMantissaPrecision(data))
            {
                throw new InvalidOperationException($"{DnsMnemonics.TypeToString(data.Type)} '{text}' changed in a presentation round trip");
            }
        }
    }

    private static bool HasZeroMantissaPrecision(RecordData data) =>
        data is LocRecord loc && new[] { loc.Size, loc.HorizontalPrecision, loc.VerticalPrecision }.Any(p => p >> 4 == 0 && (p & 0xF) != 0);

    private static List<byte[]> BuildCorpus()
    {
        var corpus = new List<byte[]>();
        var owner = DnsName.Parse("www.Example.com.");
        var samples = new (DnsRecordType Type, string Text)[]
        {
            (DnsRecordType.A, "192.0.2.1"), (DnsRecordType.AAAA, "2001:db8::1"), (DnsRecordType.NS, "ns1.example.com."),
            (DnsRecordType.CNAME, "web.example.com."), (DnsRecordType.DNAME, "example.net."), (DnsRecordType.PTR, "host.example.com."),
            (DnsRecordType.SOA, "ns1.example.com. hostmaster.example.com. 1 2 3 4 5"), (DnsRecordType.MX, "10 mail.example.com."),
            (DnsRecordType.TXT, "\"v=spf1 -all\" \"\\000x\""), (DnsRecordType.SPF, "\"v=spf1\""), (DnsRecordType.HINFO, "\"PC\" \"Linux\""),
            (DnsRecordType.RP, "mbox.example.com. txt.example.com."), (DnsRecordType.SRV, "0 5 5060 sip.example.com."),
            (DnsRecordType.NAPTR, "100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."),
            (DnsRecordType.CAA, "128 issue \"ca.example.net\""), (DnsRecordType.URI, "10 1 \"ftp://ftp1.example.com/public\""),
            (DnsRecordType.TLSA, "3 1 1 0C72AC70B745AC19998811B131D662C9"), (DnsRecordType.SSHFP, "4 2 E3B0C44298FC1C149AFBF4C8996FB924"),
            (DnsRecordType.DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"), (DnsRecordType.CDS, "0 0 0 00"),
            (DnsRecordType.DNSKEY, "257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1v"), (DnsRecordType.CDNSKEY, "0 3 0 AA=="),
            (DnsRecordType.RRSIG, "A 8 3 86400 20300101000000 20200101000000 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip"),
            (DnsRecordType.NSEC, "host.example.com. A MX RRSIG NSEC TYPE1234"),
            (DnsRecordType.NSEC3, "1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM"),
            (DnsRecordType.NSEC3PARAM, "1 0 0 -"), (DnsRecordType.ZONEMD, "2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C"),
            (DnsRecordType.CSYNC, "66 3 A NS AAAA"), (DnsRecordType.LOC, "42 21 54 N 71 06 18 W -24m 30m"),
            (DnsRecordType.SVCB, "16 foo.example.org. mandatory=alpn alpn=h2,h3 port=853 ipv4hint=192.0.2.1 ech=AEX+ ipv6hint=::1 dohpath=\"/q{?dns}\""),
            (DnsRecordType.HTTPS, "1 . alpn=h3 no-default-alpn ohttp key999=\"x\""), ((DnsRecordType)65534, "\\# 4 0a000001"),
        };

        var all = new DnsMessage { Id = 1, IsResponse = true, Edns = new EdnsInfo { DnssecOk = true } };
        all.Questions.Add(new DnsQuestion(owner, DnsRecordType.ANY));
        foreach (var (type, text) in samples)
        {
            var record = new ResourceRecord(owner, DnsClass.IN, 3600, RecordData.Parse(type, text));
            all.Answers.Add(record);
            var single = new DnsMessage { Id = 2, IsResponse = true };
            single.Questions.Add(new DnsQuestion(owner, type));
            single.Answers.Add(record);
            single.Authorities.Add(new ResourceRecord(DnsName.Parse("example.com."), DnsClass.IN, 60, new NsRecord(DnsName.Parse("ns.example.com."))));
            corpus.Add(single.Encode());
        }

        all.Edns.Options.Add(new NsidOption([1, 2]));
        all.Edns.Options.Add(new ClientSubnetOption(System.Net.IPAddress.Parse("2001:db8::"), 56, 48));
        all.Edns.Options.Add(new CookieOption([1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]));
        all.Edns.Options.Add(new PaddingOption(3));
        all.Edns.Options.Add(new ExtendedErrorOption(6, "bogus"));
        corpus.Add(all.Encode());

        var key = new TsigKey(DnsName.Parse("key."), [1, 2, 3, 4]);
        corpus.Add(TsigSigner.Sign(DnsMessage.CreateQuery(owner, DnsRecordType.A, id: 3).Encode(), key, DateTimeOffset.UnixEpoch).Message);
        return corpus;
    }

    private static byte[] Mutate(byte[] seed, List<byte[]> corpus, Random random)
    {
        var data = new List<byte>(seed);
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds && data.Count > 0; r++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    // Compression pointer to a random offset, including forward and self pointers.
                    data[at] = (byte)(0xC0 | random.Next(64));
                    if (at + 1 < data.Count)
                    {
                        data[at + 1] = (byte)random.Next(256);
                    }

                    break;
                case 6:
                    // Section counts are where length confusion starts.
                    if (data.Count >= 12)
                    {
                        var field = 4 + (2 * random.Next(4));
                        data[field] = (byte)random.Next(3);
                        data[field + 1] = (byte)random.Next(256);
                    }

                    break;
                case 7:
                    var other = corpus[random.Next(corpus.Count)];
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.Skip(from).Take(1 + random.Next(40)));
                    break;
                default:
                    // Length octets near boundaries: 0, 63, 64, 255.
                    data[at] = (byte)new[] { 0, 1, 63, 64, 127, 128, 191, 255 }[random.Next(8)];
                    break;
            }
        }

        return [.. data];
    }

    private static byte[] RandomMessage(Random random)
    {
        var bytes = new byte[random.Next(0, 600)];
        random.NextBytes(bytes);
        if (bytes.Length >= 12)
        {
            for (var field = 4; field < 12; field += 2)
            {
                bytes[field] = 0;
                bytes[field + 1] = (byte)random.Next(4);
            }
        }

        return bytes;
    }
}
