using System.Net;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Zones;

public class ZoneFileReaderTests
{
    private static List<ResourceRecord> Parse(string text, ZoneFileReaderOptions? options = null) =>
        ZoneFileReader.Read(new StringReader(text), options, "test.zone").ToList();

    private const string Sample = """
        $ORIGIN example.com.
        $TTL 1h ; default
        @   IN  SOA ns1 hostmaster (
                    2024010101 ; serial
                    7200 3600 1209600 300 )
            IN  NS  ns1
            IN  NS  ns2.example.net.
        ns1 300 A   192.0.2.1
            AAAA    2001:db8::1
        www IN 60 CNAME @
        txt TXT "hello world" "semi;colon" unquoted
        $ORIGIN sub.example.com.
        a   A   192.0.2.2
        """;

    [Fact]
    public void Directives_relative_names_and_omitted_fields()
    {
        var records = Parse(Sample);
        records.Count.ShouldBe(8);
        var soa = records[0];
        soa.Name.ToString().ShouldBe("example.com.");
        soa.Ttl.ShouldBe(3600u);
        var soaData = soa.Data.ShouldBeOfType<SoaRecord>();
        soaData.PrimaryServer.ToString().ShouldBe("ns1.example.com.");
        soaData.Serial.ShouldBe(2024010101u);
        soaData.Minimum.ShouldBe(300u);

        records[1].Name.ToString().ShouldBe("example.com.");
        records[2].Data.ShouldBeOfType<NsRecord>().Target.ToString().ShouldBe("ns2.example.net.");
        records[3].Ttl.ShouldBe(300u);
        records[4].Name.ToString().ShouldBe("ns1.example.com.");
        records[4].Ttl.ShouldBe(3600u);
        records[4].Data.ShouldBeOfType<AaaaRecord>().Address.ShouldBe(IPAddress.Parse("2001:db8::1"));
        records[5].Ttl.ShouldBe(60u);
        records[5].Data.ShouldBeOfType<CnameRecord>().Target.ToString().ShouldBe("example.com.");
        var txt = records[6].Data.ShouldBeOfType<TxtRecord>();
        txt.Strings.Select(s => System.Text.Encoding.ASCII.GetString(s)).ShouldBe(["hello world", "semi;colon", "unquoted"]);
        records[7].Name.ToString().ShouldBe("a.sub.example.com.");
    }

    [Fact]
    public async Task Reading_asynchronously_gives_the_same_recordsAsync()
    {
        var list = new List<ResourceRecord>();
        await foreach (var record in ZoneFileReader.ReadAsync(new StringReader(Sample)))
        {
            list.Add(record);
        }

        list.ShouldBe(Parse(Sample));
    }

    [Fact]
    public async Task Streams_are_read_sync_and_asyncAsync()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Sample);
        using var stream = new MemoryStream(bytes);
        ZoneFileReader.Read(stream).Count().ShouldBe(8);
        stream.CanRead.ShouldBeTrue();
        stream.Position = 0;
        var count = 0;
        await foreach (var unused in ZoneFileReader.ReadAsync(stream))
        {
            count++;
        }

        count.ShouldBe(8);
    }

    [Fact]
    public void Reader_is_lazy()
    {
        // A syntax error on the last line must not prevent reading the first records.
        var text = "$ORIGIN example.\n$TTL 60\na A 192.0.2.1\nb A 192.0.2.2\nc A not-an-address\n";
        using var enumerator = ZoneFileReader.Read(new StringReader(text)).GetEnumerator();
        enumerator.MoveNext().ShouldBeTrue();
        enumerator.Current.Name.ToString().ShouldBe("a.example.");
        enumerator.MoveNext().ShouldBeTrue();
        Should.Throw<ZoneFileException>(() => enumerator.MoveNext()).Line.ShouldBe(5);
    }

    [Fact]
    public void Unclosed_parenthesis_fails_early_at_the_parenthesis()
    {
        IEnumerable<string> Lines()
        {
            yield return "$TTL 60";
            yield return "a TXT ( \"start\"";
            for (var i = 0; i < 20_000; i++)
            {
                yield return "b A 192.0.2.1 c A 192.0.2.2";
            }
        }

        var ex = Should.Throw<ZoneFileException>(() => Parse(string.Join('\n', Lines())));
        ex.Line.ShouldBe(2);
        ex.Column.ShouldBe(7);
        ex.Reason.ShouldContain("closed");
    }

    [Fact]
    public void Ttl_falls_back_to_the_previous_explicit_ttl()
    {
        var records = Parse("a.example. 120 IN A 192.0.2.1\nb.example. IN A 192.0.2.2\n");
        records[1].Ttl.ShouldBe(120u);
    }

    [Fact]
    public void Generate_expands_with_modifiers()
    {
        var records = Parse("$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 300\n$GENERATE 1-3/2 $ PTR host-${10,3,d}.example.\n$GENERATE 10-11 x${0,0,x} A 192.0.2.$\n");
        records.Count.ShouldBe(4);
        records[0].Name.ToString().ShouldBe("1.2.0.192.in-addr.arpa.");
        records[0].Data.ShouldBeOfType<PtrRecord>().Target.ToString().ShouldBe("host-011.example.");
        records[1].Name.ToString().ShouldBe("3.2.0.192.in-addr.arpa.");
        records[1].Data.ShouldBeOfType<PtrRecord>().Target.ToString().ShouldBe("host-013.example.");
        records[2].Name.ToString().ShouldBe("xa.2.0.192.in-addr.arpa.");
        records[3].Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("192.0.2.11"));
    }

    [Fact]
    public void Include_reads_another_file_with_its_own_origin()
    {
        var dir = Directory.CreateTempSubdirectory("dnscert-zone-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "inner.zone"), "host A 192.0.2.9\n$ORIGIN elsewhere.\nx A 192.0.2.10\n");
            File.WriteAllText(Path.Combine(dir.FullName, "outer.zone"), "$TTL 60\n$ORIGIN example.\n$INCLUDE inner.zone sub.example.\nafter A 192.0.2.11\n");
            var records = ZoneFileReader.ReadFile(Path.Combine(dir.FullName, "outer.zone")).ToList();
            records.Select(r => r.Name.ToString()).ShouldBe(["host.sub.example.", "x.elsewhere.", "after.example."]);

            File.WriteAllText(Path.Combine(dir.FullName, "loop.zone"), "$TTL 60\n$INCLUDE loop.zone\n");
            var ex = Should.Throw<ZoneFileException>(() => ZoneFileReader.ReadFile(Path.Combine(dir.FullName, "loop.zone")).ToList());
            ex.Reason.ShouldContain("deeper");
            Should.Throw<ZoneFileException>(() => Parse("$INCLUDE /etc/passwd\n", new ZoneFileReaderOptions { AllowInclude = false }))
                .Column.ShouldBe(1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("$TTL 60\nwww IN A 192.0.2.300\n", 2, 10, "dotted-quad")]
    [InlineData("$TTL 60\nwww IN BOGUS 1\n", 2, 8, "unknown record type")]
    [InlineData("$TTL 60\nwww IN MX 10\n", 2, 13, "missing exchange")]
    [InlineData("$TTL 60\nwww IN TXT \"open\n", 2, 12, "unterminated")]
    [InlineData("$TTL 60\n\nwww IN SOA a. b. (1 2\n 3 4\n", 3, 18, "never closed")]
    [InlineData("$TTL 60\nwww IN A 192.0.2.1 )\n", 2, 20, "without matching")]
    [InlineData("  IN A 192.0.2.1\n", 1, 3, "no previous owner")]
    [InlineData("www IN A 192.0.2.1\n", 1, 8, "no TTL")]
    [InlineData("$TTL 60\na..b IN A 192.0.2.1\n", 2, 1, "empty label")]
    [InlineData("$TTL 60\n$BOGUS x\n", 2, 1, "unknown directive")]
    [InlineData("$TTL sixty\n", 1, 6, "not a TTL")]
    [InlineData("$TTL 60\nwww IN A 192.0.2.1\nwww CH A 192.0.2.1\n", 3, 5, "same class")]
    [InlineData("$TTL 60\n$GENERATE 5-1 $ A 192.0.2.$\n", 2, 11, "start <= stop")]
    [InlineData("$TTL 60\nx IN DS 1 8 2 ABC\n", 2, 15, "odd number")]
    [InlineData("$TTL 60\n$GENERATE 1-2 h${0,2000000000,d} A 192.0.2.1\n", 2, 15, "larger than a domain name")]
    [InlineData("$TTL 60\nx IN TYPE99 \\# 3 abcd\n", 2, 16, "does not match")]
    public void Errors_carry_file_line_and_column(string text, int line, int column, string reason)
    {
        var ex = Should.Throw<ZoneFileException>(() => Parse(text));
        ex.FileName.ShouldBe("test.zone");
        ex.Reason.ShouldContain(reason);
        ex.Line.ShouldBe(line);
        ex.Column.ShouldBe(column);
        ex.Message.ShouldStartWith($"test.zone:{line}:{column}:");
    }

    [Fact]
    public void Writer_output_reads_back_to_the_same_records()
    {
        var records = Parse(Sample);
        var writer = new StringWriter();
        ZoneFileWriter.Write(writer, records);
        var text = writer.ToString();
        text.ShouldContain("ns1.example.com.\t300\tIN\tA\t192.0.2.1\n");
        Parse(text).ShouldBe(records);
    }

    [Fact]
    public async Task Async_writer_matches_the_sync_writerAsync()
    {
        var sync = new StringWriter();
        ZoneFileWriter.Write(sync, Parse(Sample));
        var async = new StringWriter();
        await ZoneFileWriter.WriteAsync(async, ZoneFileReader.ReadAsync(new StringReader(Sample)));
        async.ToString().ShouldBe(sync.ToString());
        sync.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(8);
    }

    [Fact]
    public void Canonicalize_sorts_and_lowercases()
    {
        var records = Parse("$TTL 60\nB.example. A 192.0.2.2\na.EXAMPLE. MX 10 MAIL.example.\na.example. A 192.0.2.1\nb.example. A 192.0.2.2\n");
        var canonical = ZoneFileWriter.Canonicalize(records);
        canonical.Select(r => r.ToString()).ShouldBe([
            "a.example.\t60\tIN\tA\t192.0.2.1",
            "a.example.\t60\tIN\tMX\t10 mail.example.",
            "b.example.\t60\tIN\tA\t192.0.2.2",
        ]);
    }
}
