using System.Net;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Checks;

/// <summary>Everything asked of one name server address of the zone. Probes that were not sent are null.</summary>
public sealed class ServerProbes
{
    public required string Name { get; init; }

    public required IPAddress Address { get; init; }

    /// <summary>The parent lists this name server.</summary>
    public bool InParent { get; init; }

    /// <summary>The zone's own NS set lists this name server.</summary>
    public bool InChild { get; init; }

    /// <summary>SOA over UDP with EDNS and DO: the availability probe.</summary>
    public required ProbeResult SoaUdp { get; init; }

    /// <summary>SOA over TCP with EDNS and DO.</summary>
    public ProbeResult? SoaTcp { get; init; }

    /// <summary>SOA over UDP without EDNS.</summary>
    public ProbeResult? SoaPlain { get; init; }

    /// <summary>SOA with EDNS version 1 (must be answered BADVERS, RFC 6891 §6.1.3).</summary>
    public ProbeResult? SoaEdns1 { get; init; }

    /// <summary>SOA with the query name in mixed case (0x20, the answer must copy it).</summary>
    public ProbeResult? SoaMixedCase { get; init; }

    public ProbeResult? Ns { get; init; }

    public ProbeResult? Dnskey { get; init; }

    public ProbeResult? Cds { get; init; }

    public ProbeResult? Cdnskey { get; init; }

    public ProbeResult? Mx { get; init; }

    /// <summary>AAAA at the apex (must not fail, Zonemaster NAMESERVER05).</summary>
    public ProbeResult? ApexAaaa { get; init; }

    /// <summary>A query for a random name below the zone (NXDOMAIN with its denial proof).</summary>
    public ProbeResult? NxDomain { get; init; }

    /// <summary>RD query for a name outside the zone (recursion test).</summary>
    public ProbeResult? Recursion { get; init; }

    /// <summary>". NS" without RD (upward referral test).</summary>
    public ProbeResult? Upward { get; init; }

    /// <summary>A/AAAA of the in-bailiwick name server names, asked of this server.</summary>
    public IReadOnlyList<ProbeResult> HostAddresses { get; init; } = [];

    /// <summary>A of the in-zone MX targets, asked of this server.</summary>
    public IReadOnlyList<ProbeResult> MxTargets { get; init; } = [];

    /// <summary>Queries aimed at the gaps of the NSEC3 chain (walk).</summary>
    public IReadOnlyList<ProbeResult> Nsec3Walk { get; init; } = [];

    /// <summary>The unsigned AXFR attempt, when made.</summary>
    public AxfrAttempt? Axfr { get; init; }

    public string Subject => $"{Name} ({Address})";

    /// <summary>All probes of this server.</summary>
    public IEnumerable<ProbeResult> All =>
        new[] { SoaUdp, SoaTcp, SoaPlain, SoaEdns1, SoaMixedCase, Ns, Dnskey, Cds, Cdnskey, Mx, ApexAaaa, NxDomain, Recursion, Upward }
            .OfType<ProbeResult>().Concat(HostAddresses).Concat(MxTargets).Concat(Nsec3Walk);
}

/// <summary>An AXFR attempt without TSIG.</summary>
/// <param name="Succeeded">The server sent the zone (both SOAs).</param>
/// <param name="Records">Records received.</param>
/// <param name="Detail">First and last record, or the error.</param>
/// <param name="Evidence">The first response message, when one came.</param>
public sealed record AxfrAttempt(bool Succeeded, int Records, string Detail, Model.ProbeEvidence Evidence);

/// <summary>Everything observed about a zone in one check run: the input of the pure check functions.</summary>
public sealed class ZoneObservation
{
    public required DnsName Zone { get; init; }

    public required Delegation Delegation { get; init; }

    /// <summary><c>zone NS</c> asked of every parent server address (the referral each gives).</summary>
    public IReadOnlyList<ProbeResult> ParentReferrals { get; init; } = [];

    /// <summary><c>zone DS</c> asked of every parent server address.</summary>
    public IReadOnlyList<ProbeResult> ParentDs { get; init; } = [];

    /// <summary>Probes per name server address (parent and child NS sets together).</summary>
    public IReadOnlyList<ServerProbes> Servers { get; init; } = [];

    /// <summary>Addresses found for each NS name (glue, in-zone answers or iterative resolution).</summary>
    public IReadOnlyDictionary<DnsName, IReadOnlyList<IPAddress>> NameServerAddresses { get; init; } = new Dictionary<DnsName, IReadOnlyList<IPAddress>>();

    /// <summary>NS names whose resolution ended in a CNAME.</summary>
    public IReadOnlyCollection<DnsName> NameServerAliases { get; init; } = [];

    /// <summary>The chain of trust from the anchor to the zone's SOA, when it could be assembled.</summary>
    public ChainResult? Chain { get; init; }

    /// <summary>Evidence of the chain: the DNSKEY and DS queries along the path.</summary>
    public IReadOnlyList<ProbeResult> ChainProbes { get; init; } = [];

    public required DateTimeOffset Now { get; init; }

    /// <summary>A lab or test bed: private and loopback addresses are expected.</summary>
    public bool PrivateTree { get; init; }
}
