using System.Globalization;
using DnsCert.Dns;
using DnsCert.Dns.Zones;
using DnsCert.TestSupport;

namespace DnsCert.Cli.Tests;

public sealed class ZoneCommandsTests : IDisposable
{
    private static readonly string s_rootZones = Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR")
        ?? Path.Combine(RepoPaths.SharedData, "root-zone");

    private readonly string _dir = Directory.CreateTempSubdirectory("dnscert-zone-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("root-2018-01-29-nosig.zone.gz")]
    [InlineData("root-2017-08-21-signed.zone.gz")]
    public async Task Check_of_a_real_root_zone_counts_what_ldns_counts(string file)
    {
        var path = Path.Combine(s_rootZones, file);
        var ldns = await LdnsCanonicalAsync(path);

        var result = await CliProcess.RunAsync(null, "zone", "check", path);

        result.ExitCode.ShouldBe(0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe($"{path}: OK, {ldns.Count} records");
        var perType = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => f[0], f => int.Parse(f[1], CultureInfo.InvariantCulture));
        var ldnsPerType = ldns.GroupBy(l => l.Split(' ')[3]).ToDictionary(g => g.Key, g => g.Count());
        perType.Values.Sum().ShouldBe(ldns.Count);
        perType.Count.ShouldBe(ldnsPerType.Count);
        foreach (var (type, count) in perType)
        {
            DnsMnemonics.TryParseType(type, out var t).ShouldBeTrue();
            ldnsPerType["TYPE" + (ushort)t].ShouldBe(count, type);
        }
    }

    [Theory]
    [InlineData("example. 3600 IN SOA ns. host. 1 2 3 4 5\nwww 1h IN A 192.0.2.300\n", 2, 13, "192.0.2.300")]
    [InlineData("example. 3600 IN SOA ns. host. 1 2 3 4 5\nwww 3600 IN FROB 1\n", 2, 13, "FROB")]
    [InlineData("example. 3600 IN SOA ns. host. 1 2 3 4 5\n\n\nmail 3600 IN MX ten mail\n", 4, 17, "ten")]
    [InlineData("example. 3600 IN SOA ns. host. 1 2 3 4 5\nwww 3600 IN AAAA 2001:db8::1::2\n", 2, 18, "2001:db8::1::2")]
    [InlineData("$TTL 1x\nexample. IN SOA ns. host. 1 2 3 4 5\n", 1, 6, "1x")]
    [InlineData("example. 3600 IN SOA ns. host. ( 1 2 3 4 5\nwww 3600 IN A 192.0.2.1\n", 0, 0, "")]
    public async Task Check_of_a_malformed_file_points_at_file_line_and_column(string text, int line, int column, string token)
    {
        var path = Write("bad.zone", text);

        var result = await CliProcess.RunAsync(null, "zone", "check", path, "--origin", "example.");

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldBeEmpty();
        var error = result.StandardError.Trim();
        error.Split('\n').Length.ShouldBe(1);
        if (line > 0)
        {
            error.ShouldStartWith($"dnscert: {path}:{line}:{column}: ");
            error.ShouldContain(token);
        }
        else
        {
            error.ShouldMatch($@"dnscert: {System.Text.RegularExpressions.Regex.Escape(path)}:\d+:\d+: .+");
        }
    }

    [Fact]
    public async Task Check_with_an_origin_resolves_relative_names_and_a_missing_file_is_exit_2()
    {
        var path = Write("relative.zone", "@ 3600 IN SOA ns host 1 2 3 4 5\n");

        var badOrigin = await CliProcess.RunAsync(null, "zone", "check", path, "--origin", "a..b");
        var withOrigin = await CliProcess.RunAsync(null, "zone", "check", path, "--origin", "example");
        var missing = await CliProcess.RunAsync(null, "zone", "check", Path.Combine(_dir, "nope.zone"));

        badOrigin.ExitCode.ShouldBe(2);
        badOrigin.StandardError.Trim().ShouldBe("dnscert: bad origin 'a..b'");
        withOrigin.ExitCode.ShouldBe(0, withOrigin.StandardError);
        withOrigin.StandardOutput.ShouldContain("OK, 1 records");
        missing.ExitCode.ShouldBe(2);
        missing.StandardError.Trim().ShouldBe($"dnscert: {Path.Combine(_dir, "nope.zone")}: no such file");
    }

    [Fact]
    public async Task Diff_of_a_pair_differing_only_in_spelling_prints_nothing()
    {
        var a = Write("a.zone", """
            $ORIGIN example.
            $TTL 3600
            @        IN SOA ns1 hostmaster ( 2024010101 1h 15m 7d 300 )
                     IN NS  ns1
            ns1      IN A    192.0.2.1
            ns1      IN AAAA 2001:db8:0:0:0:0:0:53
            www      IN AAAA 2001:0DB8::0:1
            mail     IN MX   10 Mail.Example.
            txt      IN TXT  "hello world"
            """);
        var b = Write("b.zone", """
            EXAMPLE.       3600 IN SOA NS1.example. HostMaster.EXAMPLE. 2024010101 3600 900 604800 5m
            Example.       1h   IN NS  NS1.EXAMPLE.
            NS1.example.   60m  IN A    192.0.2.1
            ns1.EXAMPLE.   3600 IN AAAA 2001:db8::53
            WWW.example.   1H   IN AAAA 2001:db8::1
            mail.example.  3600 IN MX   10 mail.example.
            TXT.example.   3600 IN TXT  hello\032world
            """);

        var result = await CliProcess.RunAsync(null, "zone", "diff", a, b);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task Diff_prints_real_changes_sorted_removal_before_addition()
    {
        var a = Write("a.zone", "$ORIGIN example.\n$TTL 3600\n@ SOA ns1 host 1 1 1 1 1\nwww A 192.0.2.1\nb AAAA 2001:db8::1\nttl 300 TXT x\n");
        var b = Write("b.zone", "$ORIGIN example.\n$TTL 3600\n@ SOA ns1 host 2 1 1 1 1\nWWW A 192.0.2.1\nb AAAA 2001:db8::2\nttl 600 TXT x\nnew NS ns.other.\n");

        var result = await CliProcess.RunAsync(null, "zone", "diff", a, b);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(
        [
            "- example.\t3600\tIN\tSOA\tns1.example. host.example. 1 1 1 1 1",
            "+ example.\t3600\tIN\tSOA\tns1.example. host.example. 2 1 1 1 1",
            "- b.example.\t3600\tIN\tAAAA\t2001:db8::1",
            "+ b.example.\t3600\tIN\tAAAA\t2001:db8::2",
            "+ new.example.\t3600\tIN\tNS\tns.other.",
            "- ttl.example.\t300\tIN\tTXT\t\"x\"",
            "+ ttl.example.\t600\tIN\tTXT\t\"x\"",
        ]);
    }

    [Fact]
    public async Task Diff_of_the_2018_root_zones_prints_only_real_changes_and_agrees_with_ldns()
    {
        var a = Path.Combine(s_rootZones, "root-2018-01-29-nosig.zone.gz");
        var b = Path.Combine(s_rootZones, "root-2018-03-12-nosig.zone.gz");

        var result = await CliProcess.RunAsync(null, "zone", "diff", a, b);
        var again = await CliProcess.RunAsync(null, "zone", "diff", a, b);

        result.ExitCode.ShouldBe(0, result.StandardError);
        again.StandardOutput.ShouldBe(result.StandardOutput);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBeGreaterThan(100);
        lines.ShouldAllBe(l => l.StartsWith("- ", StringComparison.Ordinal) || l.StartsWith("+ ", StringComparison.Ordinal));

        // No removed record may equal an added one once case and address spelling are taken away.
        var removed = lines.Where(l => l[0] == '-').Select(l => Canonical(l[2..])).ToList();
        var added = lines.Where(l => l[0] == '+').Select(l => Canonical(l[2..])).ToList();
        removed.Intersect(added).ShouldBeEmpty();
        removed.Distinct().Count().ShouldBe(removed.Count);
        added.Distinct().Count().ShouldBe(added.Count);

        // Textual check too: an opposite-signed pair whose texts differ only in case or IPv6 spelling.
        var removedText = lines.Where(l => l[0] == '-').Select(l => Spelling(l[2..])).ToHashSet();
        lines.Where(l => l[0] == '+').Select(l => Spelling(l[2..])).Where(removedText.Contains).ShouldBeEmpty();

        // Sorted: the output is in the canonical order of its records.
        var records = lines.Select(l => ZoneFileReader.Read(new StringReader(l[2..])).Single()).ToList();
        for (var i = 1; i < records.Count; i++)
        {
            ZoneFileWriter.CompareCanonical(records[i - 1], records[i]).ShouldBeLessThanOrEqualTo(0, lines[i]);
        }

        // Independent computation: ldns-read-zone -c of both files, set differences.
        var ldnsA = (await LdnsCanonicalAsync(a)).ToHashSet();
        var ldnsB = (await LdnsCanonicalAsync(b)).ToHashSet();
        removed.Order(StringComparer.Ordinal).ShouldBe(ldnsA.Except(ldnsB).Order(StringComparer.Ordinal));
        added.Order(StringComparer.Ordinal).ShouldBe(ldnsB.Except(ldnsA).Order(StringComparer.Ordinal));
    }

    // "owner ttl class TYPEn len hex" of a presentation line, as the ldns output below is normalised.
    private static string Canonical(string presentation)
    {
        var record = ZoneFileReader.Read(new StringReader(presentation)).Single();
        var rdata = record.Data.ToCanonicalWire();
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.Name.ToLowerInvariant()} {record.Ttl} {DnsMnemonics.ClassToString(record.Class)} TYPE{(ushort)record.Type} {rdata.Length} {Convert.ToHexStringLower(rdata)}");
    }

    // Lower case, and every IPv6-looking word rewritten through IPAddress (so 2001:DB8:0::1 == 2001:db8::1).
    private static string Spelling(string line) =>
        string.Join(' ', line.ToLowerInvariant().Split(['\t', ' ']).Select(w =>
            w.Contains(':', StringComparison.Ordinal) && System.Net.IPAddress.TryParse(w, out var ip) ? ip.ToString() : w));

    private static Task<List<string>> LdnsCanonicalAsync(string gzPath) => LdnsReadZone.CanonicalLinesAsync(gzPath);
}
