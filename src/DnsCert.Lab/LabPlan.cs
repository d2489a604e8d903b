using System.Globalization;
using DnsCert.Lab.Definition;

namespace DnsCert.Lab;

public enum LabSize
{
    Small,
    Large,
}

public enum ZoneLevel
{
    Root,
    Tld,
    SecondLevel,
}

/// <summary>One name server of one zone: its host name, its loopback address and the software behind it.</summary>
public sealed record LabServer(string Zone, string Name, string Address, ServerKind Kind, bool IsPrimary)
{
    /// <summary>Short label used on the command line: ns1, ns2, a, b, c.</summary>
    public string Label => Name.Split('.')[0];
}

/// <summary>One running server program of the lab: a software on a tier.</summary>
public sealed record Daemon(ServerKind Kind, ZoneLevel Tier)
{
    public string Name => Kind.ToString().ToLowerInvariant() + "-" + Tier switch
    {
        ZoneLevel.Root => "root",
        ZoneLevel.Tld => "tld",
        _ => "sld",
    };

    public override string ToString() => Name;
}

/// <summary>A zone of the lab, with its delegation and its servers.</summary>
public sealed class LabZone
{
    internal LabZone(string name, ZoneLevel level, LabZone? parent, DnssecProfile? dnssec, IReadOnlyList<LabServer> servers,
        TldDefinition? tld, bool pooled)
    {
        Name = name;
        Level = level;
        Parent = parent;
        Dnssec = dnssec;
        Servers = servers;
        Tld = tld;
        Pooled = pooled;
    }

    /// <summary>Name without the trailing dot; "." for the root.</summary>
    public string Name { get; }

    public string Fqdn => Name == "." ? "." : Name + ".";

    public ZoneLevel Level { get; }

    public LabZone? Parent { get; }

    public DnssecProfile? Dnssec { get; }

    public bool IsSigned => Dnssec is not null;

    public IReadOnlyList<LabServer> Servers { get; }

    public LabServer Primary => Servers[0];

    public TldDefinition? Tld { get; }

    /// <summary>Large-lab zones share pooled server addresses: faults on them touch their neighbours too.</summary>
    public bool Pooled { get; }

    public List<LabZone> Children { get; } = [];

    /// <summary>File-name-safe form of the zone name.</summary>
    public string FileName => Name == "." ? "root" : Name;

    public override string ToString() => Fqdn;
}

/// <summary>
/// The concrete lab for a base prefix and size: every zone, server and address. Deterministic: the same definition,
/// base and size always give the same plan. Address plan (B = base, e.g. 127.53): see docs/lab.md.
/// </summary>
public sealed class LabPlan
{
    public const int LargeTldCount = 1500;
    public const int LargeSecondLevelPerTld = 14;
    private const int PoolSize = 50;

    private readonly Dictionary<string, LabZone> _zones = new(StringComparer.OrdinalIgnoreCase);

    public LabPlan(LabDefinition definition, string basePrefix, LabSize size)
    {
        Definition = definition;
        Base = ValidateBase(basePrefix);
        Size = size;
        Root = Build();
    }

    public LabDefinition Definition { get; }

    public string Base { get; }

    public LabSize Size { get; }

    public LabZone Root { get; }

    public IEnumerable<LabZone> Zones => _zones.Values;

    public string ResolverAddress => Address(0, 53);

    /// <summary>Address on which a BIND instance's control channel (rndc, port 953) listens.</summary>
    public string RndcAddress(ZoneLevel tier) => Address(0, 250 + (int)tier);

    /// <summary>Each daemon also listens on a backend address: the zone-transfer plane and the fault responders' upstream.</summary>
    public string BackendAddress(ServerKind kind, ZoneLevel tier) => Address(250, ((int)tier * 10) + (int)kind + 1);

    /// <summary>
    /// The daemon instances: one per software and tier (root, TLD, second level). A daemon never serves a zone and its
    /// parent, so a question to a parent's server gets the parent's referral, never the child's answer.
    /// </summary>
    public IReadOnlyList<Daemon> Daemons => _zones.Values.SelectMany(z => z.Servers.Select(s => new Daemon(s.Kind, z.Level))).Distinct()
        .OrderBy(d => d.Tier).ThenBy(d => d.Kind).ToList();

    /// <summary>Address with nothing behind it, used as the "old" glue address of the glue-mismatch fault.</summary>
    public string StaleGlueAddress(int index) => Address(99, 1 + (index % 250));

    /// <summary>How many delegation hijacks can be in force at once: one slot per last octet of the rogue blocks.</summary>
    public const int HijackSlots = 250;

    /// <summary>Rogue server addresses of a delegation hijack: B.66.(slot+1) and B.67.(slot+1); nothing else lives in B.66/B.67.</summary>
    public string RogueAddress(int slot, int server) => Address(66 + server, 1 + CheckSlot(slot));

    /// <summary>
    /// The forged address a hijack's rogue servers answer with: B.68.(slot+1), a block of its own where nothing listens, so a
    /// forged answer can never point at a rogue server (or any other lab server) of another hijack.
    /// </summary>
    public string ForgedAddress(int slot) => Address(68, 1 + CheckSlot(slot));

    private static int CheckSlot(int slot) =>
        slot is >= 0 and < HijackSlots ? slot : throw new LabException($"hijack slot {slot} outside 0..{HijackSlots - 1}");

    public string Address(int third, int fourth) =>
        $"{Base}.{third.ToString(CultureInfo.InvariantCulture)}.{fourth.ToString(CultureInfo.InvariantCulture)}";

    public LabZone? Find(string name)
    {
        var key = name.TrimEnd('.');
        if (key.Length == 0)
        {
            key = ".";
        }

        return _zones.GetValueOrDefault(key);
    }

    public LabZone Get(string name) =>
        Find(name) ?? throw new LabException($"'{name}' is not a zone of this lab (see: dnscert lab status)");

    public IEnumerable<LabServer> AllServers => _zones.Values.SelectMany(z => z.Servers);

    internal static string ValidateBase(string basePrefix)
    {
        var parts = basePrefix.Split('.');
        if (parts.Length != 2 || parts[0] != "127" || !byte.TryParse(parts[1], CultureInfo.InvariantCulture, out var second) || second == 0)
        {
            throw new LabException($"--base must be a loopback /16 such as 127.53 (got '{basePrefix}'); 127.0 is reserved for the host");
        }

        return "127." + second.ToString(CultureInfo.InvariantCulture);
    }

    private LabZone Build()
    {
        var rootDef = Definition.Root;
        string[] rootNames = ["a.root-servers.net", "b.root-servers.net", "c.root-servers.net"];
        var rootServers = rootDef.Servers.Select((kind, i) => new LabServer(".", rootNames[i], Address(0, i + 1), kind, i == 0)).ToList();
        var root = Add(new LabZone(".", ZoneLevel.Root, null, rootDef.Dnssec, rootServers, null, pooled: false));

        var sld = 0;
        for (var t = 0; t < Definition.Tlds.Count; t++)
        {
            var tldDef = Definition.Tlds[t];
            var tld = AddChild(root, tldDef.Name, ZoneLevel.Tld, tldDef.Dnssec, tldDef.Servers, tldDef,
                i => Address(1 + i, t + 1), "nic.", pooled: false);
            for (var k = 0; k < tldDef.SecondLevelCount; k++, sld++)
            {
                var label = Definition.SecondLevelLabels[(t + k) % Definition.SecondLevelLabels.Count];
                var profile = Definition.SecondLevelProfiles[sld % Definition.SecondLevelProfiles.Count];
                var block = sld / 250;
                if (10 + (3 * block) + 1 >= 66)
                {
                    throw new LabException("too many second-level zones for the address plan: their blocks would reach the hijack blocks B.66-68");
                }

                var slot = (sld % 250) + 1;
                AddChild(tld, label + "." + tldDef.Name, ZoneLevel.SecondLevel, profile.Dnssec, profile.Servers, tldDef,
                    i => Address(10 + (3 * block) + i, slot), "", pooled: false);
            }
        }

        if (Size == LabSize.Large)
        {
            for (var t = 0; t < LargeTldCount; t++)
            {
                var name = "tld" + (t + 1).ToString("D4", CultureInfo.InvariantCulture);
                var pool = (t % PoolSize) + 1;
                var tld = AddChild(root, name, ZoneLevel.Tld, null, [ServerKind.Bind, ServerKind.Nsd], null,
                    i => Address(4 + i, pool), "nic.", pooled: true);
                for (var k = 0; k < LargeSecondLevelPerTld; k++)
                {
                    var n = (t * LargeSecondLevelPerTld) + k;
                    var p = (n % PoolSize) + 1;
                    AddChild(tld, "d" + (k + 1).ToString("D2", CultureInfo.InvariantCulture) + "." + name, ZoneLevel.SecondLevel, null,
                        [ServerKind.Nsd, ServerKind.Knot], null, i => Address(6 + i, p), "", pooled: true);
                }
            }
        }

        return root;
    }

    private LabZone AddChild(LabZone parent, string name, ZoneLevel level, DnssecProfile? dnssec, IReadOnlyList<ServerKind> kinds,
        TldDefinition? tld, Func<int, string> address, string hostInfix, bool pooled)
    {
        if (dnssec?.Signer == Signer.Knot && kinds[0] != ServerKind.Knot)
        {
            throw new LabException($"zone {name}: Knot's signer signs on the primary, so its first server must be knot");
        }

        if (kinds.Distinct().Count() != kinds.Count)
        {
            throw new LabException($"zone {name}: each server of a zone must run different software");
        }

        var servers = kinds.Select((kind, i) =>
            new LabServer(name, $"ns{(i + 1).ToString(CultureInfo.InvariantCulture)}.{hostInfix}{name}", address(i), kind, i == 0)).ToList();
        var zone = Add(new LabZone(name, level, parent, dnssec, servers, tld, pooled));
        parent.Children.Add(zone);
        return zone;
    }

    private LabZone Add(LabZone zone)
    {
        if (!_zones.TryAdd(zone.Name, zone))
        {
            throw new LabException($"zone {zone.Name} is defined twice");
        }

        return zone;
    }
}

/// <summary>A lab operation that cannot proceed, with a message for the operator.</summary>
public sealed class LabException : Exception
{
    public LabException(string message)
        : base(message)
    {
    }

    public LabException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LabException()
    {
    }
}
