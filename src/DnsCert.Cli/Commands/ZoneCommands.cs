using System.CommandLine;
using System.Globalization;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert zone check|diff|verify</c>: offline work on zone files (plain or .gz). Verbs are added in <see cref="Create"/>;
/// each is a static method returning its <see cref="Command"/>, so another verb is one more line there.
/// </summary>
internal static class ZoneCommands
{
    private static readonly Option<string?> s_origin = new("--origin")
    {
        Description = "Origin of relative names when the file has no $ORIGIN (e.g. example.org.)",
        Recursive = true,
    };

    public static Command Create()
    {
        var zone = new Command("zone", "Offline checks of zone files (plain text or .gz).");
        zone.Options.Add(s_origin);
        zone.Subcommands.Add(CreateCheck());
        zone.Subcommands.Add(CreateDiff());
        zone.Subcommands.Add(ZoneVerifyCommand.Create());
        return zone;
    }

    private static Command CreateCheck()
    {
        var file = new Argument<string>("file") { Description = "Zone file (.gz is decompressed)" };
        var check = new Command("check", "Parse a zone file; print the record count per type, or file:line:column: reason.") { file };
        check.SetAction((p, ct) => CliDatabase.RunAsync(() => Task.FromResult(Check(p.GetValue(file)!, Origin(p), Console.Out))));
        return check;
    }

    private static Command CreateDiff()
    {
        var a = new Argument<string>("a") { Description = "Old zone file" };
        var b = new Argument<string>("b") { Description = "New zone file" };
        var diff = new Command("diff", "Semantic diff of two zone files: '- record' / '+ record' in canonical form, sorted.") { a, b };
        diff.SetAction((p, ct) => CliDatabase.RunAsync(() => Task.FromResult(Diff(p.GetValue(a)!, p.GetValue(b)!, Origin(p), Console.Out))));
        return diff;
    }

    /// <summary>The <c>--origin</c> of a parse, validated (exit 2 when it is not a name).</summary>
    internal static DnsName? Origin(ParseResult parseResult)
    {
        if (parseResult.GetValue(s_origin) is not { Length: > 0 } text)
        {
            return null;
        }

        return DnsName.TryParse(text.EndsWith('.') ? text : text + ".", null, out var name)
            ? name
            : throw new CliException(2, $"bad origin '{text}'");
    }

    /// <summary>Reads every record of <paramref name="path"/>; a syntax error becomes exit 1 with its position.</summary>
    internal static List<ResourceRecord> Load(string path, DnsName? origin)
    {
        if (!File.Exists(path))
        {
            throw new CliException(2, $"{path}: no such file");
        }

        try
        {
            return ZoneFileReader.ReadFile(path, new ZoneFileReaderOptions { Origin = origin }).ToList();
        }
        catch (ZoneFileException e)
        {
            // The message is already "file:line:column: reason".
            throw new CliException(1, e.Message);
        }
        catch (IOException e)
        {
            throw new CliException(2, $"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException(2, $"{path}: {e.Message}");
        }
    }

    internal static int Check(string path, DnsName? origin, TextWriter output)
    {
        var records = Load(path, origin);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"{path}: OK, {records.Count} records"));
        foreach (var group in records.GroupBy(r => r.Type).OrderBy(g => (ushort)g.Key))
        {
            output.WriteLine(string.Create(inv, $"{DnsMnemonics.TypeToString(group.Key),-12}{group.Count(),10}"));
        }

        return 0;
    }

    /// <summary>
    /// Prints the records only in <paramref name="pathA"/> ("-") and only in <paramref name="pathB"/> ("+"), in RFC 4034
    /// canonical form and order. Records are compared by value: owner case-insensitively, TTL as a number, RDATA by
    /// its canonical wire form (so addresses, escapes and name case in RDATA do not matter). Exit 0 either way.
    /// </summary>
    internal static int Diff(string pathA, string pathB, DnsName? origin, TextWriter output)
    {
        var a = Canonical(Load(pathA, origin));
        var b = Canonical(Load(pathB, origin));
        var changes = new List<(ResourceRecord Record, char Sign)>();
        changes.AddRange(a.Where(r => !b.Contains(r)).Select(r => (r, '-')));
        changes.AddRange(b.Where(r => !a.Contains(r)).Select(r => (r, '+')));
        changes.Sort((x, y) =>
        {
            var byRecord = ZoneFileWriter.CompareCanonical(x.Record, y.Record);
            if (byRecord != 0)
            {
                return byRecord;
            }

            // Same record with another TTL: the removal first, then the addition.
            var bySign = y.Sign.CompareTo(x.Sign);
            return bySign != 0 ? bySign : x.Record.Ttl.CompareTo(y.Record.Ttl);
        });
        foreach (var (record, sign) in changes)
        {
            output.Write(sign);
            output.Write(' ');
            output.WriteLine(record.ToString());
        }

        return 0;
    }

    // Lower-cased owner and canonical RDATA (RFC 4034 §6.2), so equal records print equally and hash equally.
    private static HashSet<ResourceRecord> Canonical(IEnumerable<ResourceRecord> records) =>
        records.Select(r => new ResourceRecord(r.Name.ToLowerInvariant(), r.Class, r.Ttl, RecordData.FromWire(r.Type, r.Data.ToCanonicalWire())))
            .ToHashSet();
}
