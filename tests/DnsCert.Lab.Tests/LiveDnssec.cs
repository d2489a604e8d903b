using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Transport;

namespace DnsCert.Lab.Tests;

/// <summary>
/// Our validator against the live lab, without the lab's resolver: every record is asked of the lab's authoritative
/// servers with our transport (DnsClient, DO bit), and the chain is validated with ChainValidator from the lab root's
/// trust anchor (the DS that the lab's Unbound also uses).
/// </summary>
public sealed class LiveDnssec(LabUniverse lab)
{
    public TrustAnchor Anchor { get; } = TrustAnchor.Parse(File.ReadAllText(lab.TrustAnchorFile));

    /// <summary>Validation at the current time (the lab signs with real clocks).</summary>
    public static DnssecValidationOptions Options => new();

    public static async Task<DnsMessage> AskAsync(string address, DnsName name, DnsRecordType type)
    {
        await using var client = new DnsClient(new IPEndPoint(IPAddress.Parse(address), 53),
            new DnsClientOptions { DnssecOk = true, UdpPayloadSize = 1232, Timeout = TimeSpan.FromSeconds(3) });
        return (await client.QueryAsync(name, type)).Response;
    }

    public static DnsName NameOf(LabZone zone) => DnsName.Parse(zone.Fqdn);

    /// <summary>
    /// The chain from the lab root down to <paramref name="zone"/>: each DNSKEY RRset asked of the zone's server
    /// (<paramref name="keyServer"/> for the last zone, default its primary), each DS RRset — or the NSEC/NSEC3 denying
    /// it — asked of the parent's primary.
    /// </summary>
    public static async Task<List<ZoneLink>> ChainAsync(LabZone zone, string? keyServer = null)
    {
        var path = new List<LabZone>();
        for (var z = zone; z is not null; z = z.Parent)
        {
            path.Insert(0, z);
        }

        var links = new List<ZoneLink>();
        foreach (var z in path)
        {
            var name = NameOf(z);
            var keys = await AskAsync(z == zone && keyServer is not null ? keyServer : z.Primary.Address, name, DnsRecordType.DNSKEY);
            IReadOnlyList<ResourceRecord> parent = [];
            if (z.Parent is { } p)
            {
                var ds = await AskAsync(p.Primary.Address, name, DnsRecordType.DS);
                parent = ds.Answers.Any(r => r.Type == DnsRecordType.DS) ? [.. ds.Answers] : [.. ds.Authorities];
            }

            links.Add(new ZoneLink(name, [.. keys.Answers], parent));
        }

        return links;
    }

    /// <summary>Validates the answer to <paramref name="name"/>/<paramref name="type"/> from <paramref name="server"/>.</summary>
    public async Task<ChainResult> ValidateAnswerAsync(LabZone zone, string server, DnsName name, DnsRecordType type, string? keyServer = null)
    {
        var response = await AskAsync(server, name, type);
        response.ResponseCode.ShouldBe(DnsResponseCode.NoError, $"{name} {type} at {server}");
        return ChainValidator.Validate(Anchor, await ChainAsync(zone, keyServer), [.. response.Answers], Options);
    }

    /// <summary>
    /// A denial answered by <paramref name="server"/>: each NSEC/NSEC3 RRset of the authority section must validate up the
    /// chain, then the proof must hold. Returns the proof, or the first RRset's failure as a Bogus result.
    /// </summary>
    public async Task<DenialResult> ValidateDenialAsync(LabZone zone, string server, DnsName qname, DnsRecordType qtype, bool nxdomain)
    {
        var response = await AskAsync(server, qname, qtype);
        response.ResponseCode.ShouldBe(nxdomain ? DnsResponseCode.NXDomain : DnsResponseCode.NoError, $"{qname} {qtype} at {server}");
        response.Answers.ShouldBeEmpty();
        var chain = await ChainAsync(zone);
        var authority = response.Authorities.ToList();
        var denial = authority.Where(r => r.Type is DnsRecordType.NSEC or DnsRecordType.NSEC3).ToList();
        foreach (var rrset in denial.GroupBy(r => (r.Name, r.Type)))
        {
            var records = rrset.Concat(authority.Where(r => r.Name == rrset.Key.Name && r.Data is RrsigRecord s && s.TypeCovered == rrset.Key.Type));
            var verdict = ChainValidator.Validate(Anchor, chain, [.. records], Options);
            if (verdict.Security != DnssecSecurity.Secure)
            {
                return new DenialResult(DnssecSecurity.Bogus, DenialKind.None, verdict.Reason, verdict.Detail ?? "", null, 0);
            }
        }

        var zoneName = NameOf(zone);
        var nsec3 = denial.Any(r => r.Type == DnsRecordType.NSEC3);
        return (nxdomain, nsec3) switch
        {
            (true, true) => Nsec3Denial.ProveNxDomain(qname, zoneName, denial, Options),
            (true, false) => NsecDenial.ProveNxDomain(qname, zoneName, denial),
            (false, true) => Nsec3Denial.ProveNoData(qname, qtype, zoneName, denial, Options),
            _ => NsecDenial.ProveNoData(qname, qtype, zoneName, denial),
        };
    }
}
