using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace DnsCert.Lab;

/// <summary>
/// A list of domain names registered in the lab's TLD zones (the Conficker TLDs as large lab zones, issue 11), with what
/// the lab registry simulator did to each. Kept in state.json: the list is read in place (a path, never copied into
/// the lab), so a rebuild renders the same delegations again.
/// </summary>
public sealed class RegisteredNames
{
    /// <summary>A name taken out of its TLD zone: blocked, or on serverHold (both leave the zone: NXDOMAIN).</summary>
    public const string Removed = "removed";

    /// <summary>Prefix of a name delegated to sinkhole name servers: "sinkhole:ns1.sink.example ns2.sink.example".</summary>
    public const string SinkholePrefix = "sinkhole:";

    private static readonly ConcurrentDictionary<(string, int, long), IReadOnlyDictionary<string, IReadOnlyList<string>>> s_lists = new();
    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, IReadOnlyList<string>>, HashSet<string>> s_sets = new();

    /// <summary>The list file (one name a line, optionally .gz), as given: read where it lies.</summary>
    public string ListFile { get; set; } = "";

    /// <summary>Only the first this many lines of the list (0: all).</summary>
    public int First { get; set; }

    /// <summary>What the registry simulator changed per name (absent: delegated as registered).</summary>
    public Dictionary<string, string> Changes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The listed names under a TLD (lower case, no final dot), in list order; cached per file, length and size.</summary>
    public IReadOnlyList<string> Under(string tld) =>
        Load().TryGetValue(tld.ToLowerInvariant(), out var names) ? names : [];

    /// <summary>Whether the list holds the name (any spelling: case, final dot).</summary>
    public bool Contains(string name)
    {
        var list = Load();
        return s_sets.GetOrAdd(list, l => l.Values.SelectMany(n => n).ToHashSet(StringComparer.Ordinal))
            .Contains(name.TrimEnd('.').ToLowerInvariant());
    }

    /// <summary>The TLDs the list names.</summary>
    public IEnumerable<string> Tlds => Load().Keys;

    private IReadOnlyDictionary<string, IReadOnlyList<string>> Load()
    {
        var info = new FileInfo(ListFile);
        if (!info.Exists)
        {
            throw new LabException($"the registered-names list {ListFile} does not exist");
        }

        return s_lists.GetOrAdd((info.FullName, First, info.Length), key => Read(key.Item1, key.Item2));
    }

    private static Dictionary<string, IReadOnlyList<string>> Read(string path, int first)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var byTld = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = 0;
        while ((first == 0 || lines < first) && reader.ReadLine() is { } line)
        {
            lines++;
            var name = line.Trim().TrimEnd('.').ToLowerInvariant();
            var dot = name.LastIndexOf('.');
            if (name.Length == 0 || name[0] == '#' || dot <= 0 || name.IndexOf('.') != dot || !seen.Add(name))
            {
                continue; // Only second-level names are registrations in a TLD zone.
            }

            var tld = name[(dot + 1)..];
            if (!byTld.TryGetValue(tld, out var list))
            {
                byTld[tld] = list = [];
            }

            list.Add(name);
        }

        return byTld.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// The delegation of one registered name, as a registry's zone would carry it: a registry-plausible mix (stable per
    /// name) of names hosted at DNS providers (the servers of the lab's second-level zones), at their registrar's
    /// default name servers and at a parking service — all out of bailiwick, so no glue — unless the simulator
    /// removed the name or delegated it to a sinkhole.
    /// </summary>
    internal static void AppendDelegation(StringBuilder sb, string name, string? change, IReadOnlyList<LabZone> providers, int ttl)
    {
        if (change == Removed)
        {
            return;
        }

        IEnumerable<string> targets;
        if (change is not null && change.StartsWith(SinkholePrefix, StringComparison.Ordinal))
        {
            targets = change[SinkholePrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.TrimEnd('.'));
        }
        else
        {
            var hash = Fnv(name);
            var slot = (int)(hash % 100);
            // 45 % at DNS hosting providers, 35 % at one of three registrars' default servers, 20 % parked.
            var provider = slot < 45 ? providers[(int)(hash / 100 % (ulong)providers.Count)]
                : slot < 80 ? providers[(int)(hash / 100 % 3)]
                : providers[^1];
            targets = provider.Servers.Select(s => s.Name);
        }

        foreach (var target in targets)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}. {ttl} IN NS {target}.\n");
        }
    }

    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
