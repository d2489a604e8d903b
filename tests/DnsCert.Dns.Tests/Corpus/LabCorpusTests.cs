using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Corpus;

/// <summary>Every response of the lab corpus (Data/README.md) decodes, re-encodes to the same octets and prints.</summary>
public class LabCorpusTests
{
    [Fact]
    public void Corpus_holds_at_least_10000_responses_covering_the_lab_types_and_answer_kinds()
    {
        var messages = LabCorpus.Load().Select(b => DnsMessage.Decode(b)).ToList();

        messages.Count.ShouldBeGreaterThanOrEqualTo(10_000);
        var types = messages.SelectMany(m => m.Answers.Concat(m.Authorities).Concat(m.Additionals)).Select(r => r.Type).ToHashSet();
        foreach (var type in new[]
                 {
                     DnsRecordType.SOA, DnsRecordType.NS, DnsRecordType.A, DnsRecordType.MX, DnsRecordType.TXT, DnsRecordType.DS,
                     DnsRecordType.DNSKEY, DnsRecordType.RRSIG, DnsRecordType.NSEC, DnsRecordType.NSEC3, DnsRecordType.NSEC3PARAM,
                 })
        {
            types.ShouldContain(type);
        }

        messages.ShouldContain(m => m.ResponseCode == DnsResponseCode.NXDomain && m.Authorities.Any(r => r.Type == DnsRecordType.NSEC3));
        messages.ShouldContain(m => m.ResponseCode == DnsResponseCode.NXDomain && m.Authorities.Any(r => r.Type == DnsRecordType.NSEC));
        messages.ShouldContain(m => m.ResponseCode == DnsResponseCode.NoError && m.IsAuthoritative && m.Answers.Count == 0
                                    && m.Questions[0].Type == DnsRecordType.CAA);
        messages.ShouldContain(m => m.ResponseCode == DnsResponseCode.NoError && !m.IsAuthoritative && m.Answers.Count == 0
                                    && m.Authorities.Any(r => r.Type == DnsRecordType.NS) && m.Authorities.Any(r => r.Type == DnsRecordType.DS));
        messages.ShouldContain(m => m.Edns != null && m.Edns.Options.Count > 0);
    }

    /// <summary>
    /// Name compression is the writer's choice and NSD, Knot and BIND each choose differently (which names they
    /// compress, and against which earlier name), so octet identity cannot hold for every server. What must hold,
    /// and is checked here: every octet but the compression pointers is reproduced (both messages compared with
    /// every pointer expanded by an independent walker below), our message decodes to an equal message, and more
    /// than half of the corpus is octet-identical. (BIND points owner names into NSEC RDATA, which we never do, so a
    /// few of our messages are a few octets longer than BIND's; NSD leaves some names uncompressed that we compress.)
    /// </summary>
    [Fact]
    public void Every_response_re_encodes_to_the_same_octets_up_to_compression_choices()
    {
        var failures = new List<string>();
        var identical = 0;
        var corpus = LabCorpus.Load();
        for (var index = 0; index < corpus.Count; index++)
        {
            var bytes = corpus[index];
            var message = DnsMessage.Decode(bytes);
            var encoded = message.Encode();
            if (encoded.AsSpan().SequenceEqual(bytes))
            {
                identical++;
                continue;
            }

            var expandedIn = Uncompressed.Expand(bytes);
            var expandedOut = Uncompressed.Expand(encoded);
            if (!expandedOut.AsSpan().SequenceEqual(expandedIn) || DnsMessage.Decode(encoded).ToString() != message.ToString())
            {
                failures.Add($"#{index}: {bytes.Length} octets in, {encoded.Length} out, expanded differ at "
                             + $"{expandedOut.AsSpan().CommonPrefixLength(expandedIn)}\n{message}");
            }
        }

        failures.Count.ShouldBe(0, string.Join('\n', failures.Take(3)));
        identical.ShouldBeGreaterThan(corpus.Count / 2);
    }

    [Fact]
    public void Every_record_prints_in_presentation_form_that_parses_back_to_the_same_record()
    {
        var text = new StringBuilder();
        var records = new List<ResourceRecord>();
        foreach (var bytes in LabCorpus.Load())
        {
            var message = DnsMessage.Decode(bytes);
            message.ToString().ShouldContain(";; QUESTION");
            foreach (var record in message.Answers.Concat(message.Authorities).Concat(message.Additionals))
            {
                text.Append(record).Append('\n');
                records.Add(record);
            }
        }

        var parsed = ZoneFileReader.Read(new StringReader(text.ToString())).ToList();
        parsed.Count.ShouldBe(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            parsed[i].ShouldBe(records[i], records[i].ToString());
            parsed[i].Data.ToWire().ShouldBe(records[i].Data.ToWire(), records[i].ToString());
        }
    }
}

/// <summary>
/// Rewrites a message with every compression pointer replaced by the labels it points at, without the library's
/// reader: names in the owner and question fields and in the RDATA of the RFC 1035 types servers compress
/// (NS, CNAME, PTR, DNAME, SOA, MX). Any other RDATA is copied as it is.
/// </summary>
internal static class Uncompressed
{
    public static byte[] Expand(byte[] m)
    {
        var output = new List<byte>(m.Length * 2);
        output.AddRange(m.AsSpan(0, 12));
        var counts = new int[4];
        for (var i = 0; i < 4; i++)
        {
            counts[i] = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(4 + (2 * i)));
        }

        var at = 12;
        for (var q = 0; q < counts[0]; q++)
        {
            at = Name(m, at, output);
            output.AddRange(m.AsSpan(at, 4));
            at += 4;
        }

        for (var r = 0; r < counts[1] + counts[2] + counts[3]; r++)
        {
            at = Name(m, at, output);
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at));
            output.AddRange(m.AsSpan(at, 8));
            var length = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at + 8));
            at += 10;
            var rdata = new List<byte>();
            var p = at;
            switch (type)
            {
                case DnsRecordType.NS or DnsRecordType.CNAME or DnsRecordType.PTR or DnsRecordType.DNAME:
                    p = Name(m, p, rdata);
                    break;
                case DnsRecordType.SOA:
                    p = Name(m, Name(m, p, rdata), rdata);
                    break;
                case DnsRecordType.MX:
                    rdata.AddRange(m.AsSpan(p, 2));
                    p = Name(m, p + 2, rdata);
                    break;
            }

            rdata.AddRange(m.AsSpan(p, at + length - p));
            output.Add((byte)(rdata.Count >> 8));
            output.Add((byte)rdata.Count);
            output.AddRange(rdata);
            at += length;
        }

        at.ShouldBe(m.Length);
        return [.. output];
    }

    // Copies the name at `at` uncompressed; returns the offset after it in the message.
    private static int Name(byte[] m, int at, List<byte> output)
    {
        var end = -1;
        while (true)
        {
            var length = m[at];
            if ((length & 0xC0) == 0xC0)
            {
                end = end < 0 ? at + 2 : end;
                at = ((length & 0x3F) << 8) | m[at + 1];
                continue;
            }

            output.AddRange(m.AsSpan(at, length + 1));
            at += length + 1;
            if (length == 0)
            {
                return end < 0 ? at : end;
            }
        }
    }
}

/// <summary>Reads Data/lab-responses.bin.gz: gzip of [uint16 big-endian length][message] frames.</summary>
internal static class LabCorpus
{
    public static string Path
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(d.FullName, "DnsCert.slnx")))
                {
                    return System.IO.Path.Combine(d.FullName, "tests", "DnsCert.Dns.Tests", "Corpus", "Data", "lab-responses.bin.gz");
                }
            }

            throw new InvalidOperationException("DnsCert.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static List<byte[]> Load()
    {
        using var input = new GZipStream(File.OpenRead(Path), CompressionMode.Decompress);
        var messages = new List<byte[]>();
        var length = new byte[2];
        while (input.ReadAtLeast(length, 2, throwOnEndOfStream: false) == 2)
        {
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            input.ReadExactly(message);
            messages.Add(message);
        }

        return messages;
    }
}
