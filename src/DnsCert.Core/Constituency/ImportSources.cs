using System.Globalization;
using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Core.Constituency;

/// <summary>A TLD delegation read from a root zone: its name servers, and the glue addresses the root holds for them.</summary>
public sealed record TldDelegation(string Tld, IReadOnlyList<string> NameServers, IReadOnlyDictionary<string, IReadOnlyList<string>> Glue);

/// <summary>Reads the TLD delegations (NS at depth one, A/AAAA glue) from a root zone file; DNSSEC records are ignored.</summary>
public static class RootZoneDelegations
{
    public static IReadOnlyList<TldDelegation> Read(IEnumerable<ResourceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ns = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Type == DnsRecordType.NS && record.Name.LabelCount == 1 && record.Data is NsRecord delegation)
            {
                var tld = Host(record.Name.ToString());
                if (!ns.TryGetValue(tld, out var set))
                {
                    ns[tld] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(Host(delegation.Target.ToString()));
            }
            else if (record.Data is ARecord a)
            {
                Glue(addresses, record, a.Address);
            }
            else if (record.Data is AaaaRecord aaaa)
            {
                Glue(addresses, record, aaaa.Address);
            }
        }

        return [.. ns.Select(pair => new TldDelegation(
            pair.Key,
            [.. pair.Value],
            pair.Value.Where(addresses.ContainsKey).ToDictionary(n => n, n => (IReadOnlyList<string>)[.. addresses[n]], StringComparer.Ordinal)))];
    }

    public static IReadOnlyList<TldDelegation> ReadFile(string path) => Read(ZoneFileReader.ReadFile(path));

    private static void Glue(Dictionary<string, SortedSet<string>> addresses, ResourceRecord record, IPAddress address)
    {
        var host = Host(record.Name.ToString());
        if (!addresses.TryGetValue(host, out var set))
        {
            addresses[host] = set = new SortedSet<string>(StringComparer.Ordinal);
        }

        set.Add(address.ToString());
    }

    private static string Host(string presentation) => presentation.TrimEnd('.').ToLowerInvariant();
}

/// <summary>One row of tlds.tsv: the TLD (Unicode as IANA shows it), the manager or label, the IANA type.</summary>
public sealed record TldListing(string Tld, string AsciiTld, string Manager, string Type)
{
    /// <summary>Rows that name no operator: retired or unassigned TLDs.</summary>
    public bool NamesNoOperator => Manager.Length == 0 || Manager is "Retired" or "Not assigned"
        || Manager.StartsWith('{') || Manager.StartsWith("Not assigned", StringComparison.Ordinal);

    public OrganisationKind Kind => Type switch
    {
        "country-code" => OrganisationKind.CcTldRegistry,
        _ => OrganisationKind.GTldRegistry,
    };
}

/// <summary>Reads tlds.tsv (TLD, manager, type; fields may be quoted CSV-style).</summary>
public static class TldList
{
    private static readonly IdnMapping s_idn = new() { AllowUnassigned = true };

    public static IReadOnlyList<TldListing> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<TldListing>();
        foreach (var fields in Csv.Read(reader, '\t'))
        {
            if (fields.Count < 3 || fields[0].Length == 0)
            {
                continue;
            }

            // The file marks right-to-left labels with U+200F/U+200E; they are not part of the name.
            var tld = new string([.. fields[0].Where(c => c is not ('\u200E' or '\u200F'))]).Trim().ToLowerInvariant();
            string ascii;
            try
            {
                ascii = tld.All(char.IsAscii) ? tld : s_idn.GetAscii(tld);
            }
            catch (ArgumentException)
            {
                continue;
            }

            rows.Add(new TldListing(tld, ascii, fields[1].Trim(), fields[2].Trim()));
        }

        return rows;
    }

    /// <summary>
    /// Who runs each TLD as an organisation key: TLDs whose manager names the same organisation share one key;
    /// a manager that names only one TLD (the legacy gTLD purposes, the ccTLD country names) keys on the TLD itself.
    /// </summary>
    public static IReadOnlyDictionary<string, string> OrganisationKeys(IReadOnlyList<TldListing> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var shared = rows.Where(r => !r.NamesNoOperator && r.Type != "country-code")
            .GroupBy(r => r.Manager, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        return rows.ToDictionary(r => r.AsciiTld, r => shared.Contains(r.Manager) ? "manager:" + r.Manager : "tld:" + r.AsciiTld, StringComparer.Ordinal);
    }
}

/// <summary>Minimal RFC 4180 reader and writer (quoted fields, doubled quotes, CRLF or LF); any separator.</summary>
public static class Csv
{
    public static IEnumerable<IReadOnlyList<string>> Read(TextReader reader, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        int read;
        while ((read = reader.Read()) >= 0)
        {
            var c = (char)read;
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                yield return fields;
                fields = [];
                any = false;
            }
            else
            {
                field.Append(c);
            }
        }

        if (any)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            yield return fields;
        }
    }

    public static string Line(IEnumerable<string?> fields) =>
        string.Join(',', fields.Select(f => f is null ? "" : f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f));
}
