using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DnsCert.Dns;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Transport;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Checks;

/// <summary>
/// Gathers a <see cref="ZoneObservation"/>: finds the delegation from the root, asks every parent server for the NS and
/// DS, then runs a fixed battery of queries against every name server address of the zone (parent and child NS sets),
/// concurrently within the prober's limits.
/// </summary>
public sealed class ZoneProber
{
    /// <summary>Steps of the NSEC3 chain walk per server (a zone with more NSEC3 records is walked partly).</summary>
    public const int MaxNsec3WalkSteps = 32;

    private readonly Prober _prober;
    private readonly IterativeResolver _resolver;
    private readonly TrustAnchor? _anchor;

    public ZoneProber(Prober prober, IterativeResolver resolver, TrustAnchor? anchor)
    {
        _prober = prober ?? throw new ArgumentNullException(nameof(prober));
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _anchor = anchor;
    }

    public async Task<ZoneObservation> ObserveAsync(DnsName zone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var now = _prober.Settings.Time.GetUtcNow();
        var delegation = await _resolver.FindDelegationAsync(zone, cancellationToken);
        var parentAddresses = delegation.Parent is { } parent && !zone.IsRoot
            ? parent.Servers.SelectMany(s => Usable(s.Addresses).Select(a => (Name: s.Name.ToString(), Address: a))).ToList()
            : [];
        var referralsTask = Task.WhenAll(parentAddresses.Select(p => QueryWithTcpFallbackAsync(p.Name, p.Address, zone, DnsRecordType.NS, cancellationToken)));
        var dsTask = Task.WhenAll(parentAddresses.Select(p => QueryWithTcpFallbackAsync(p.Name, p.Address, zone, DnsRecordType.DS, cancellationToken)));
        var referrals = await referralsTask;
        var parentDs = await dsTask;

        // Name servers named by the parent (or the hints, for the root), with their glue.
        ZoneCut delegated = zone.IsRoot ? _resolver.Hints
            : delegation.IsDelegated ? IterativeResolver.CutFromReferral(delegation.Referral!.Response!, zone)
            : new ZoneCut(zone, []);
        var addresses = new Dictionary<DnsName, IReadOnlyList<IPAddress>>();
        var aliases = new HashSet<DnsName>();
        foreach (var server in delegated.Servers)
        {
            addresses[server.Name] = server.Addresses.Count > 0 || server.Name.IsSubdomainOf(zone) ? server.Addresses
                : await _resolver.ResolveAddressesAsync(server.Name, cancellationToken);
        }

        // First contact: SOA and NS from every known address, which gives the child's NS set.
        var first = await Task.WhenAll(addresses.SelectMany(kv => Usable(kv.Value).Select(a => (kv.Key, a)))
            .Select(async p => (p.Key, p.a, Soa: await _prober.QueryAsync(p.Key.ToString(), p.a, zone, DnsRecordType.SOA, ProbeQuery.Udp, cancellationToken),
                Ns: await QueryWithTcpFallbackAsync(p.Key.ToString(), p.a, zone, DnsRecordType.NS, cancellationToken))));
        var childNames = first.SelectMany(f => f.Ns.AnswerRecords(DnsRecordType.NS, zone)).Select(r => ((NsRecord)r.Data).Target).Distinct().ToList();
        var answering = first.Where(f => f.Soa.Authoritative).Select(f => (Name: f.Key.ToString(), Address: f.a)).ToList();

        // Addresses of in-bailiwick names without glue, and of child-only names.
        foreach (var name in childNames.Concat(delegated.Servers.Select(s => s.Name)).Distinct().ToList())
        {
            if (addresses.TryGetValue(name, out var known) && known.Count > 0)
            {
                continue;
            }

            if (name.IsSubdomainOf(zone))
            {
                var found = new List<IPAddress>();
                foreach (var (serverName, address) in answering.Take(2))
                {
                    foreach (var type in AddressTypes)
                    {
                        var answer = await _prober.QueryAsync(serverName, address, name, type, ProbeQuery.Udp, cancellationToken);
                        found.AddRange(RootHints.Addresses(answer.AnswerRecords(type, name), name));
                        if (answer.AnswerRecords(DnsRecordType.CNAME, name).Count > 0)
                        {
                            aliases.Add(name);
                        }
                    }
                }

                addresses[name] = found.Distinct().ToList();
            }
            else
            {
                addresses[name] = await _resolver.ResolveAddressesAsync(name, cancellationToken);
            }
        }

        var parentNames = delegated.Servers.Select(s => s.Name).ToHashSet();
        var childSet = childNames.ToHashSet();
        var hostNames = addresses.Keys.Where(n => n.IsSubdomainOf(zone)).ToList();
        // The first contact's SOA and NS answers are the server battery's too: asking again would double those queries.
        var firstContact = first.GroupBy(f => (f.Key, f.a)).ToDictionary(g => g.Key, g => (g.First().Soa, g.First().Ns));
        var servers = await Task.WhenAll(addresses.SelectMany(kv => Usable(kv.Value).Select(a => (kv.Key, a))).Distinct()
            .Select(p => ProbeServerAsync(zone, p.Key, p.a, parentNames.Contains(p.Key), childSet.Contains(p.Key), hostNames,
                firstContact.TryGetValue((p.Key, p.a), out var known) ? known : null, cancellationToken)));

        var (chain, chainProbes) = await ValidateChainAsync(zone, delegation, parentDs, servers, now, cancellationToken);
        return new ZoneObservation
        {
            Zone = zone,
            Delegation = delegation,
            ParentReferrals = referrals,
            ParentDs = parentDs,
            Servers = servers,
            NameServerAddresses = addresses,
            NameServerAliases = aliases,
            Chain = chain,
            ChainProbes = chainProbes,
            Now = now,
            PrivateTree = _prober.Settings.PrivateTree,
        };
    }

    private DnsRecordType[] AddressTypes => _prober.Settings.UseIPv6 ? [DnsRecordType.A, DnsRecordType.AAAA] : [DnsRecordType.A];

    private IEnumerable<IPAddress> Usable(IEnumerable<IPAddress> addresses) =>
        addresses.Where(a => _prober.Settings.UseIPv6 || a.AddressFamily == AddressFamily.InterNetwork);

    private async Task<ProbeResult> QueryWithTcpFallbackAsync(string server, IPAddress address, DnsName name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var result = await _prober.QueryAsync(server, address, name, type, ProbeQuery.Udp, cancellationToken);
        return result.Answered && result.Response!.IsTruncated
            ? await _prober.QueryAsync(server, address, name, type, ProbeQuery.OverTcp, cancellationToken)
            : result;
    }

    private async Task<ServerProbes> ProbeServerAsync(DnsName zone, DnsName name, IPAddress address, bool inParent, bool inChild,
        IReadOnlyList<DnsName> hostNames, (ProbeResult Soa, ProbeResult Ns)? firstContact, CancellationToken cancellationToken)
    {
        var server = name.ToString();
        Task<ProbeResult> Ask(DnsName qname, DnsRecordType type, ProbeQuery query) => _prober.QueryAsync(server, address, qname, type, query, cancellationToken);
        Task<ProbeResult> AskFallback(DnsName qname, DnsRecordType type) => QueryWithTcpFallbackAsync(server, address, qname, type, cancellationToken);

        var soaUdp = firstContact is { } known ? Task.FromResult(known.Soa) : Ask(zone, DnsRecordType.SOA, ProbeQuery.Udp);
        var soaTcp = Ask(zone, DnsRecordType.SOA, ProbeQuery.OverTcp);
        var soaPlain = Ask(zone, DnsRecordType.SOA, ProbeQuery.Plain);
        var soaEdns1 = Ask(zone, DnsRecordType.SOA, new ProbeQuery(DnssecOk: false, EdnsVersion: 1));
        var soaMixed = Ask(MixCase(zone), DnsRecordType.SOA, ProbeQuery.Udp);
        var ns = firstContact is { } contact ? Task.FromResult(contact.Ns) : AskFallback(zone, DnsRecordType.NS);
        var dnskey = AskFallback(zone, DnsRecordType.DNSKEY);
        var cds = AskFallback(zone, DnsRecordType.CDS);
        var cdnskey = AskFallback(zone, DnsRecordType.CDNSKEY);
        var mx = AskFallback(zone, DnsRecordType.MX);
        var aaaa = Ask(zone, DnsRecordType.AAAA, ProbeQuery.Udp);
        var nxName = DnsName.Parse("dnscert-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))).Concat(zone);
        var nx = AskFallback(nxName, DnsRecordType.A);
        var recursion = zone.IsRoot ? null : Ask(zone.Parent, DnsRecordType.SOA, new ProbeQuery(RecursionDesired: true, DnssecOk: false));
        var upward = zone.IsRoot ? null : Ask(DnsName.Root, DnsRecordType.NS, new ProbeQuery(DnssecOk: false));
        var hosts = Task.WhenAll(hostNames.SelectMany(h => AddressTypes.Select(t => Ask(h, t, new ProbeQuery(DnssecOk: false)))));
        var axfr = AxfrAsync(zone, server, address, cancellationToken);
        var mxResult = await mx;
        var targets = await Task.WhenAll(mxResult.AnswerRecords(DnsRecordType.MX, zone).Select(r => ((MxRecord)r.Data).Exchange)
            .Where(t => t.IsSubdomainOf(zone)).Distinct().Take(4).Select(t => Ask(t, DnsRecordType.A, new ProbeQuery(DnssecOk: false))));
        var nxResult = await nx;
        var walk = await WalkNsec3Async(zone, nxResult, (q, t) => AskFallback(q, t));
        return new ServerProbes
        {
            Name = server,
            Address = address,
            InParent = inParent,
            InChild = inChild,
            SoaUdp = await soaUdp,
            SoaTcp = await soaTcp,
            SoaPlain = await soaPlain,
            SoaEdns1 = await soaEdns1,
            SoaMixedCase = await soaMixed,
            Ns = await ns,
            Dnskey = await dnskey,
            Cds = await cds,
            Cdnskey = await cdnskey,
            Mx = mxResult,
            ApexAaaa = await aaaa,
            NxDomain = nxResult,
            Recursion = recursion is null ? null : await recursion,
            Upward = upward is null ? null : await upward,
            HostAddresses = await hosts,
            MxTargets = targets,
            Nsec3Walk = walk,
            Axfr = await axfr,
        };
    }

    /// <summary>dNsCeRt-style case mixing of the query name (Zonemaster NAMESERVER09, DNSViz CASE_NOT_PRESERVED).</summary>
    public static DnsName MixCase(DnsName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.ToString().ToLowerInvariant().ToCharArray();
        for (var i = 0; i < text.Length; i += 2)
        {
            text[i] = char.ToUpperInvariant(text[i]);
        }

        return DnsName.Parse(new string(text));
    }

    /// <summary>
    /// Walks the NSEC3 chain: for each next-hashed-owner value seen, asks for a made-up name whose hash lies just above
    /// it, so the server must answer with the NSEC3 record owned by that hash. A record missing from the chain makes
    /// the answer's proof fail (SEC-05) instead of going unnoticed, as a single random name would most of the time.
    /// </summary>
    private static async Task<IReadOnlyList<ProbeResult>> WalkNsec3Async(DnsName zone, ProbeResult start, Func<DnsName, DnsRecordType, Task<ProbeResult>> ask)
    {
        var walk = new List<ProbeResult>();
        var nsec3 = Nsec3Of(start);
        if (nsec3.Count == 0 || start.Rcode != DnsResponseCode.NXDomain)
        {
            return walk;
        }

        var parameters = (Nsec3Record)nsec3[0].Data;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var next = nsec3.Select(r => (Owner: r.Name.ToString().Split('.')[0].ToUpperInvariant(), Next: Base32HexUpper(((Nsec3Record)r.Data).NextHashedOwner.Span)))
            .OrderBy(p => p.Owner, StringComparer.Ordinal).First().Next;
        var salt = parameters.Salt.ToArray();
        for (var step = 0; step < MaxNsec3WalkSteps && visited.Add(next); step++)
        {
            var candidate = CandidateAbove(zone, next, parameters.Iterations, salt);
            var result = await ask(candidate, DnsRecordType.A);
            walk.Add(result);
            var owned = Nsec3Of(result).FirstOrDefault(r => r.Name.ToString().Split('.')[0].Equals(next, StringComparison.OrdinalIgnoreCase));
            if (owned is null)
            {
                break;
            }

            next = Base32HexUpper(((Nsec3Record)owned.Data).NextHashedOwner.Span);
        }

        return walk;
    }

    private static List<ResourceRecord> Nsec3Of(ProbeResult result) =>
        result.Answered ? result.Response!.Authorities.Where(r => r.Type == DnsRecordType.NSEC3).ToList() : [];

    private static DnsName CandidateAbove(DnsName zone, string hash, ushort iterations, byte[] salt)
    {
        string? best = null;
        string? bestHash = null;
        string? lowest = null;
        string? lowestHash = null;
        for (var i = 0; i < 4096; i++)
        {
            var label = "w" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var h = DnssecDigests.ComputeNsec3Label(DnsName.Parse(label).Concat(zone), iterations, salt).ToUpperInvariant();
            if (string.CompareOrdinal(h, hash) > 0 && (bestHash is null || string.CompareOrdinal(h, bestHash) < 0))
            {
                (best, bestHash) = (label, h);
            }

            if (lowestHash is null || string.CompareOrdinal(h, lowestHash) < 0)
            {
                (lowest, lowestHash) = (label, h);
            }
        }

        // Nothing above the last hash of the chain: the lowest candidate wraps around to the start.
        return DnsName.Parse(best ?? lowest!).Concat(zone);
    }

    private static string Base32HexUpper(ReadOnlySpan<byte> data)
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
        var chars = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return chars.ToString();
    }

    private async Task<AxfrAttempt> AxfrAsync(DnsName zone, string server, IPAddress address, CancellationToken cancellationToken)
    {
        var client = new ZoneTransferClient(new IPEndPoint(address, 53), new DnsClientOptions { Timeout = _prober.Settings.Timeout, Retries = 0 });
        var sentAt = _prober.Settings.Time.GetUtcNow();
        var records = 0;
        var soas = 0;
        ResourceRecord? firstRecord = null;
        ZoneTransferMessage? firstMessage = null;
        try
        {
            await foreach (var message in client.AxfrMessagesAsync(zone, cancellationToken))
            {
                firstMessage ??= message;
                foreach (var record in message.Message.Answers)
                {
                    firstRecord ??= record;
                    records++;
                    soas += record.Type == DnsRecordType.SOA ? 1 : 0;
                }
            }

            var ok = soas >= 2;
            return new AxfrAttempt(ok, records, ok ? $"{records} records, first {firstRecord}" : $"{records} records, incomplete transfer",
                Evidence(firstMessage, null));
        }
        catch (Exception ex) when (ex is DnsTransportException or IOException or SocketException or DnsFormatException)
        {
            return new AxfrAttempt(false, records, ex.Message, Evidence(firstMessage, ex.Message));
        }

        ProbeEvidence Evidence(ZoneTransferMessage? message, string? error) => new(server, address.ToString(), "axfr", $"{zone} AXFR +tcp (no TSIG)",
            error is null ? ProbeOutcome.Answered : ProbeOutcome.NetworkError,
            message is null ? null : ProbeResult.RcodeText(message.Message.ResponseCode), (_prober.Settings.Time.GetUtcNow() - sentAt).TotalMilliseconds, sentAt,
            "", message is null ? null : Convert.ToBase64String(message.Bytes.Span),
            error ?? (message is null ? null : $"first message: {message.Message.Answers.Count} records; {records} records in all"));
    }

    /// <summary>
    /// Validates the zone's SOA from the trust anchor: DNSKEY of every zone on the path (asked of its servers), DS or
    /// its denial from each parent, the zone's own DNSKEY and SOA from its servers.
    /// </summary>
    private async Task<(ChainResult?, IReadOnlyList<ProbeResult>)> ValidateChainAsync(DnsName zone, Delegation delegation, IReadOnlyList<ProbeResult> parentDs,
        IReadOnlyList<ServerProbes> servers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var source = servers.FirstOrDefault(s => s.SoaUdp.AuthoritativeOk && s.Dnskey is { AuthoritativeOk: true });
        if (_anchor is null || source is null || (!zone.IsRoot && (delegation.Parent is null || !delegation.IsDelegated)))
        {
            return (null, []);
        }

        var probes = new List<ProbeResult>();
        var links = new List<ZoneLink>();
        var path = delegation.Path;
        for (var i = 0; i < path.Count; i++)
        {
            var cut = path[i];
            var keys = await AskAnyAsync(cut, cut.Zone, DnsRecordType.DNSKEY, cancellationToken);
            if (keys is not null)
            {
                probes.Add(keys);
            }

            IReadOnlyList<ResourceRecord> parentRecords = [];
            if (i > 0)
            {
                var ds = await AskAnyAsync(path[i - 1], cut.Zone, DnsRecordType.DS, cancellationToken);
                if (ds is not null)
                {
                    probes.Add(ds);
                    parentRecords = ParentStatement(ds.Response!, cut.Zone);
                }
            }

            links.Add(new ZoneLink(cut.Zone, keys?.Response!.Answers.Where(r => r.Name == cut.Zone).ToList() ?? [], parentRecords));
        }

        if (!zone.IsRoot)
        {
            var ds = parentDs.FirstOrDefault(p => p.Authoritative);
            links.Add(new ZoneLink(zone, source.Dnskey!.Response!.Answers.Where(r => r.Name == zone).ToList(),
                ds is null ? [] : ParentStatement(ds.Response!, zone)));
        }
        else
        {
            links.Add(new ZoneLink(zone, source.Dnskey!.Response!.Answers.Where(r => r.Name == zone).ToList(), []));
        }

        var answer = source.SoaUdp.Response!.Answers.Where(r => r.Name == zone && (r.Type == DnsRecordType.SOA
            || (r.Data is RrsigRecord sig && sig.TypeCovered == DnsRecordType.SOA))).ToList();
        return (ChainValidator.Validate(_anchor, links, answer, new DnssecValidationOptions { Now = now }), probes);
    }

    private static List<ResourceRecord> ParentStatement(DnsMessage response, DnsName zone)
    {
        var ds = response.Answers.Where(r => r.Name == zone && (r.Type == DnsRecordType.DS || (r.Data is RrsigRecord s && s.TypeCovered == DnsRecordType.DS))).ToList();
        return ds.Count > 0 ? ds : response.Authorities.Where(r => r.Type is DnsRecordType.NSEC or DnsRecordType.NSEC3 or DnsRecordType.RRSIG).ToList();
    }

    private async Task<ProbeResult?> AskAnyAsync(ZoneCut cut, DnsName name, DnsRecordType type, CancellationToken cancellationToken)
    {
        foreach (var server in cut.Servers)
        {
            foreach (var address in Usable(server.Addresses))
            {
                var result = await QueryWithTcpFallbackAsync(server.Name.ToString(), address, name, type, cancellationToken);
                if (result.AuthoritativeOk)
                {
                    return result;
                }
            }
        }

        return null;
    }
}
