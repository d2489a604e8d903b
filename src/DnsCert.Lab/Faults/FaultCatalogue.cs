using DnsCert.Lab.Definition;

namespace DnsCert.Lab.Faults;

/// <summary>Which server a per-server fault lands on when --server is not given.</summary>
public enum FaultTarget
{
    /// <summary>The fault concerns the zone (its content or its delegation), not one server.</summary>
    Zone,
    Primary,
    Secondary,
}

/// <summary>What a zone must be for the fault to make sense.</summary>
[Flags]
public enum FaultNeeds
{
    None = 0,
    SignedZone = 1,

    /// <summary>Signed by ldns-signzone or dnssec-signzone: the lab controls every signature.</summary>
    OfflineSigned = 2,
    Nsec3 = 4,
    UnsignedZone = 8,
    NotRoot = 16,
}

/// <summary>How a per-server fault takes the server's address over.</summary>
public enum AddressTakeover
{
    None,

    /// <summary>Nothing listens: the daemon gives the address up.</summary>
    Silence,

    /// <summary>The lab's fault responder (a small purpose-built DNS forwarder) plays the server.</summary>
    Responder,

    /// <summary>A separate real BIND instance with open recursion plays the server.</summary>
    RecursiveBind,
}

public sealed record FaultDefinition(
    string Id, string Title, FaultTarget Target, FaultNeeds Needs, AddressTakeover Takeover, string Definition, string Signals);

/// <summary>The faults the lab can inject. docs/lab.md describes each precisely; keep the two in step.</summary>
public static class FaultCatalogue
{
    public const string ExpiredSignatures = "expired-signatures";
    public const string NotYetValid = "not-yet-valid";
    public const string DsMismatch = "ds-mismatch";
    public const string DnskeyMissing = "dnskey-missing";
    public const string SignedWithoutDs = "signed-without-ds";
    public const string DsUnsigned = "ds-unsigned";
    public const string Lame = "lame";
    public const string ServerDown = "server-down";
    public const string TcpBroken = "tcp-broken";
    public const string SerialDrift = "serial-drift";
    public const string GlueMismatch = "glue-mismatch";
    public const string MissingGlue = "missing-glue";
    public const string NsMismatch = "ns-mismatch";
    public const string SingleNs = "single-ns";
    public const string OpenRecursion = "open-recursion";
    public const string OpenAxfr = "open-axfr";
    public const string BrokenNsec3 = "broken-nsec3";
    public const string EdnsFormerr = "edns-formerr";
    public const string TruncationNoTcp = "truncation-no-tcp";
    public const string DelegationHijack = "delegation-hijack";
    public const string SlowServer = "slow-server";

    /// <summary>Delay the slow-server fault adds to every answer unless the break names another.</summary>
    public const int SlowServerDelayMilliseconds = 1500;

    /// <summary>
    /// Longest delay a break may ask for: beyond RSSAC047's 4 s timeout every probe is a timeout already, and
    /// server-down plays that fault.
    /// </summary>
    public const int MaximumDelayMilliseconds = 10_000;

    /// <summary>
    /// Parses a delay as the CLI takes it: <c>50ms</c>, <c>1.5s</c> or a bare number of milliseconds; 1 ms to
    /// <see cref="MaximumDelayMilliseconds"/>.
    /// </summary>
    public static int ParseDelay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        var (number, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1.0)
            : t.EndsWith('s') ? (t[..^1], 1000.0)
            : (t, 1.0);
        if (!double.TryParse(number.Trim(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            throw new LabException($"--delay: '{text}' is not a duration (e.g. 50ms, 1.5s)");
        }

        var milliseconds = value * scale;
        if (milliseconds < 1 || milliseconds > MaximumDelayMilliseconds || milliseconds != Math.Floor(milliseconds))
        {
            throw new LabException($"--delay: '{text}' must be a whole number of milliseconds from 1 ms to {MaximumDelayMilliseconds} ms");
        }

        return (int)milliseconds;
    }

    public static IReadOnlyList<FaultDefinition> All { get; } =
    [
        new(ExpiredSignatures, "Expired signatures", FaultTarget.Zone, FaultNeeds.OfflineSigned, AddressTakeover.None,
            "The zone is re-signed with inception 30 days and expiration 2 days in the past (new serial, transferred to every server).",
            "SEC-03; Zonemaster DS08/DS09 *_RRSIG_EXPIRED; DNSViz EXPIRATION_IN_PAST; validators SERVFAIL"),
        new(NotYetValid, "Signatures not yet valid", FaultTarget.Zone, FaultNeeds.OfflineSigned, AddressTakeover.None,
            "The zone is re-signed with inception 7 days and expiration 37 days in the future.",
            "SEC-03; DNSViz INCEPTION_IN_FUTURE; validators SERVFAIL"),
        new(DsMismatch, "DS matches no DNSKEY", FaultTarget.Zone, FaultNeeds.SignedZone | FaultNeeds.NotRoot, AddressTakeover.None,
            "The parent publishes the DS of a key that was generated for the purpose and never published in the zone, instead of the real DS.",
            "SEC-01; Zonemaster DS02_NO_MATCH_DS_DNSKEY; DNSViz NO_SEP; validators SERVFAIL (BOGUS)"),
        new(DnskeyMissing, "DNSKEY missing on one server", FaultTarget.Secondary, FaultNeeds.OfflineSigned, AddressTakeover.None,
            "One server (the secondary unless --server) serves the signed zone without its DNSKEY RRset and the RRSIG over it; the others are unchanged.",
            "SEC-08; DNSViz DNSKEY_MISSING_FROM_SERVERS; intermittent SERVFAIL"),
        new(SignedWithoutDs, "Signed zone without DS", FaultTarget.Zone, FaultNeeds.SignedZone | FaultNeeds.NotRoot, AddressTakeover.None,
            "The zone stays signed but the parent drops its DS: the zone resolves as insecure.",
            "SEC-02; Zonemaster DNSSEC07; answers lose the AD flag"),
        new(DsUnsigned, "DS but unsigned zone", FaultTarget.Zone, FaultNeeds.OfflineSigned | FaultNeeds.NotRoot, AddressTakeover.None,
            "The zone is served unsigned while the parent keeps its DS.",
            "SEC-02; Zonemaster DS11_DS_BUT_UNSIGNED_ZONE; validators SERVFAIL"),
        new(Lame, "Lame server (REFUSED)", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.None,
            "The server (secondary unless --server) no longer has the zone configured: it answers REFUSED without AA.",
            "DEL-04; Zonemaster CHILD_ZONE_LAME; DNSViz SERVER_NOT_AUTHORITATIVE"),
        new(ServerDown, "Server down (UDP and TCP)", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.Silence,
            "Nothing listens on the server's address: UDP gets ICMP port unreachable, TCP a reset.",
            "NS-01, DEL-03; Zonemaster CONNECTIVITY01/02; DNSViz SERVER_UNRESPONSIVE_UDP/TCP"),
        new(TcpBroken, "TCP broken only", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.Responder,
            "The fault responder answers UDP (forwarding to the real server) and refuses TCP connections.",
            "NS-01; Zonemaster CONNECTIVITY02; DNSViz SERVER_UNRESPONSIVE_TCP"),
        new(SerialDrift, "Serial drift (stale secondary)", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.None,
            "The server (secondary unless --server) is frozen on the current copy of the zone while the primary gets a new serial (a changed TXT record).",
            "ZN-01; Zonemaster CONSISTENCY01 MULTIPLE_SOA_SERIALS"),
        new(GlueMismatch, "Glue mismatch", FaultTarget.Zone, FaultNeeds.NotRoot, AddressTakeover.None,
            "The parent's glue for the first name server points at an old address where nothing answers; the zone's own A record keeps the right one.",
            "DEL-06; Zonemaster CONSISTENCY05 IN_BAILIWICK_ADDR_MISMATCH; DNSViz GLUE_MISMATCH"),
        new(MissingGlue, "Missing glue", FaultTarget.Zone, FaultNeeds.NotRoot, AddressTakeover.None,
            "The parent drops the glue of the first (in-bailiwick) name server; only the second stays reachable from the referral.",
            "DEL-06; DNSViz MISSING_GLUE_FOR_NS_NAME"),
        new(NsMismatch, "Parent and child NS sets differ", FaultTarget.Zone, FaultNeeds.NotRoot, AddressTakeover.None,
            "The zone's own NS set gains ns3.<zone> (an alias address of the second server) that the parent does not list.",
            "DEL-05; Zonemaster DELEGATION07/CONSISTENCY04; DNSViz NS_NAME_NOT_IN_PARENT"),
        new(SingleNs, "Single name server", FaultTarget.Zone, FaultNeeds.NotRoot, AddressTakeover.None,
            "Parent and zone list only the first name server.",
            "DEL-03; Zonemaster DELEGATION01 NOT_ENOUGH_NS_DEL"),
        new(OpenRecursion, "Open recursion on an authoritative address", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.RecursiveBind,
            "A separate real BIND instance takes the server's address, serves the zone as a secondary and also recurses for anyone (lab root hints).",
            "NS-02; Zonemaster NAMESERVER01 IS_A_RECURSOR"),
        new(OpenAxfr, "Open AXFR", FaultTarget.Primary, FaultNeeds.None, AddressTakeover.None,
            "The server (primary unless --server) allows AXFR of the zone to anyone without TSIG.",
            "NS-03; Zonemaster NAMESERVER03 AXFR_AVAILABLE"),
        new(BrokenNsec3, "Broken NSEC3 chain", FaultTarget.Zone, FaultNeeds.OfflineSigned | FaultNeeds.Nsec3, AddressTakeover.None,
            "One NSEC3 record (and its RRSIG) is removed from the signed zone, leaving a hole in the hashed chain.",
            "SEC-05; Zonemaster DNSSEC10; DNSViz NO_CLOSEST_ENCLOSER/…; ldns-verify-zone fails"),
        new(EdnsFormerr, "EDNS intolerance (FORMERR)", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.Responder,
            "The fault responder answers FORMERR to every query with an OPT record and forwards plain DNS queries to the real server.",
            "NS-04; Zonemaster NAMESERVER02; DNSViz FORMERR/EDNS_*"),
        new(TruncationNoTcp, "Truncation without working TCP", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.Responder,
            "The fault responder sets TC on every UDP answer (empty sections) and refuses TCP.",
            "NS-01; Zonemaster CONNECTIVITY02; resolvers cannot get an answer from that server"),
        new(DelegationHijack, "Delegation hijack", FaultTarget.Zone, FaultNeeds.NotRoot, AddressTakeover.None,
            "The parent's NS set and glue are switched to crackers1/crackers2.<zone> on rogue addresses, where a rogue NSD serves a forged, unsigned zone (www and apex → rogue address).",
            "CHG-01/03/04; BOGUS if the DS stays; forged answers for unsigned zones"),
        new(SlowServer, "Slow server", FaultTarget.Secondary, FaultNeeds.None, AddressTakeover.Responder,
            "The fault responder forwards to the real server and holds every answer (UDP and TCP) for 1500 ms, or the --delay given to the break.",
            "RTT metrics (S10 UDP 500 ms); resolvers prefer the other servers"),
    ];

    public static FaultDefinition Get(string id) =>
        All.FirstOrDefault(f => f.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
        ?? throw new LabException($"unknown fault '{id}' (see: dnscert lab faults)");

    /// <summary>Why the fault does not fit the zone, or null.</summary>
    public static string? Unfit(FaultDefinition fault, LabZone zone)
    {
        if (fault.Needs.HasFlag(FaultNeeds.NotRoot) && zone.Level == ZoneLevel.Root)
        {
            return "the root has no parent";
        }

        if (fault.Needs.HasFlag(FaultNeeds.SignedZone) && !zone.IsSigned)
        {
            return "the zone is unsigned";
        }

        if (fault.Needs.HasFlag(FaultNeeds.OfflineSigned) && (zone.Dnssec is null || zone.Dnssec.Signer == Signer.Knot))
        {
            return "the fault needs a zone signed offline (ldns-signzone or dnssec-signzone); Knot re-signs its zones itself";
        }

        if (fault.Needs.HasFlag(FaultNeeds.Nsec3) && zone.Dnssec is { Denial: Denial.Nsec })
        {
            return "the zone uses NSEC, not NSEC3";
        }

        if (fault.Target != FaultTarget.Zone && zone.Servers.Count < 2 && fault.Target == FaultTarget.Secondary)
        {
            return "the zone has a single server";
        }

        return null;
    }
}
