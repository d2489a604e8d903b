using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Monitoring.Resolution;

/// <summary>Where a zone is delegated: its parent's servers and the referral one of them gave.</summary>
/// <param name="Zone">The zone looked for.</param>
/// <param name="Parent">The parent zone and its servers (null for the root, or when the walk failed).</param>
/// <param name="Referral">The parent server's response to <c>zone NS</c>: a referral, or the answer/denial that says there is none.</param>
/// <param name="Path">Zone cuts crossed from the root down to the parent.</param>
/// <param name="Failure">Why the walk stopped without reaching the parent, or null.</param>
public sealed record Delegation(DnsName Zone, ZoneCut? Parent, ProbeResult? Referral, IReadOnlyList<ZoneCut> Path, string? Failure)
{
    /// <summary>True when the parent answered with a referral to the zone (NS records owned by the zone in the authority section).</summary>
    public bool IsDelegated => Referral is { Answered: true } r && IterativeResolver.ReferralTarget(r.Response!) == Zone;
}

/// <summary>
/// An iterative resolver from root hints: follows referrals (RFC 1034 §5.3.3) without recursion at the servers, resolves
/// name server names without glue, caches zone cuts. Every query goes through the <see cref="Prober"/> (no retry; the
/// next server of the zone is tried instead).
/// </summary>
public sealed class IterativeResolver
{
    private const int MaxReferrals = 24;
    private const int MaxDepth = 4;
    private readonly Prober _prober;
    private readonly ZoneCut _root;
    private readonly ConcurrentDictionary<DnsName, ZoneCut> _cuts = new();
    private readonly ConcurrentDictionary<(DnsName, DnsRecordType), Task<IReadOnlyList<IPAddress>>> _addresses = new();

    public IterativeResolver(Prober prober, ZoneCut rootHints)
    {
        _prober = prober ?? throw new ArgumentNullException(nameof(prober));
        _root = rootHints ?? throw new ArgumentNullException(nameof(rootHints));
        _cuts[DnsName.Root] = rootHints;
    }

    public ZoneCut Hints => _root;

    /// <summary>The owner of the NS RRset of a referral (no AA, NS in authority), or null.</summary>
    public static DnsName? ReferralTarget(DnsMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.ResponseCode != DnsResponseCode.NoError || response.IsAuthoritative
            || response.Answers.Any(r => r.Type is not (DnsRecordType.RRSIG or DnsRecordType.NS)))
        {
            return null;
        }

        return response.Authorities.FirstOrDefault(r => r.Type == DnsRecordType.NS)?.Name;
    }

    /// <summary>The servers of the zone named in a referral, with the glue given in the additional section.</summary>
    public static ZoneCut CutFromReferral(DnsMessage response, DnsName zone)
    {
        ArgumentNullException.ThrowIfNull(response);
        var names = response.Authorities.Where(r => r.Type == DnsRecordType.NS && r.Name == zone).Select(r => ((NsRecord)r.Data).Target).Distinct().ToList();
        return new ZoneCut(zone, names.Select(n => new NameServer(n, RootHints.Addresses(response.Additionals, n))).ToList());
    }

    /// <summary>Walks from the root to the parent of <paramref name="zone"/> and returns the parent's referral.</summary>
    public async Task<Delegation> FindDelegationAsync(DnsName zone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (zone.IsRoot)
        {
            return new Delegation(zone, null, null, [], null);
        }

        var path = new List<ZoneCut>();
        var cut = _root;
        for (var step = 0; step < MaxReferrals; step++)
        {
            path.Add(cut);
            var response = await AskAsync(cut, zone, DnsRecordType.NS, 0, cancellationToken);
            if (response is null)
            {
                return new Delegation(zone, cut, null, path, $"no server of {cut.Zone} answered");
            }

            var target = ReferralTarget(response.Response!);
            if (target is null || !zone.IsSubdomainOf(target) || target.LabelCount <= cut.Zone.LabelCount)
            {
                // An answer or a denial from the zone that should have delegated: no delegation there.
                return new Delegation(zone, cut, response, path, null);
            }

            var next = await WithAddressesAsync(CutFromReferral(response.Response!, target), 0, cancellationToken);
            _cuts[target] = next;
            if (target == zone)
            {
                return new Delegation(zone, cut, response, path, null);
            }

            cut = next;
        }

        return new Delegation(zone, cut, null, path, $"more than {MaxReferrals} referrals");
    }

    /// <summary>The A and AAAA addresses of a host name, resolved iteratively (CNAMEs followed).</summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(DnsName name, CancellationToken cancellationToken = default) =>
        await ResolveAddressesAsync(name, 0, cancellationToken);

    /// <summary>The final answer for name/type: the authoritative response, or null when no server answered.</summary>
    public Task<ProbeResult?> ResolveAsync(DnsName name, DnsRecordType type, CancellationToken cancellationToken = default) =>
        ResolveAsync(name, type, 0, cancellationToken);

    private async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(DnsName name, int depth, CancellationToken cancellationToken)
    {
        var types = _prober.Settings.UseIPv6 ? new[] { DnsRecordType.A, DnsRecordType.AAAA } : [DnsRecordType.A];
        var lists = await Task.WhenAll(types.Select(t => _addresses.GetOrAdd((name.ToLowerInvariant(), t), key => ResolveTypeAsync(key.Item1, key.Item2, depth, cancellationToken))));
        return lists.SelectMany(l => l).Distinct().ToList();
    }

    private async Task<IReadOnlyList<IPAddress>> ResolveTypeAsync(DnsName name, DnsRecordType type, int depth, CancellationToken cancellationToken)
    {
        var current = name;
        for (var hop = 0; hop < 8; hop++)
        {
            var answer = await ResolveAsync(current, type, depth, cancellationToken);
            if (answer?.Response is not { } response)
            {
                return [];
            }

            var addresses = RootHints.Addresses(response.Answers.Where(r => r.Type == type), current);
            if (addresses.Count > 0)
            {
                return addresses;
            }

            var cname = response.Answers.FirstOrDefault(r => r.Type == DnsRecordType.CNAME && r.Name == current);
            if (cname is null)
            {
                return [];
            }

            current = ((CnameRecord)cname.Data).Target;
            var chained = RootHints.Addresses(response.Answers.Where(r => r.Type == type), current);
            if (chained.Count > 0)
            {
                return chained;
            }
        }

        return [];
    }

    private async Task<ProbeResult?> ResolveAsync(DnsName name, DnsRecordType type, int depth, CancellationToken cancellationToken)
    {
        var cut = ClosestCut(name);
        for (var step = 0; step < MaxReferrals; step++)
        {
            var response = await AskAsync(cut, name, type, depth, cancellationToken);
            if (response is null)
            {
                return null;
            }

            var target = ReferralTarget(response.Response!);
            if (target is null || !name.IsSubdomainOf(target) || target.LabelCount <= cut.Zone.LabelCount)
            {
                return response;
            }

            cut = _cuts.TryGetValue(target, out var known) && known.Servers.Any(s => s.Addresses.Count > 0)
                ? known
                : _cuts[target] = await WithAddressesAsync(CutFromReferral(response.Response!, target), depth, cancellationToken);
        }

        return null;
    }

    private ZoneCut ClosestCut(DnsName name)
    {
        for (var candidate = name; ; candidate = candidate.Parent)
        {
            if (_cuts.TryGetValue(candidate, out var cut) && cut.Servers.Any(s => s.Addresses.Count > 0))
            {
                return cut;
            }

            if (candidate.IsRoot)
            {
                return _root;
            }
        }
    }

    private async Task<ZoneCut> WithAddressesAsync(ZoneCut cut, int depth, CancellationToken cancellationToken)
    {
        if (depth >= MaxDepth || cut.Servers.All(s => s.Addresses.Count > 0))
        {
            return cut;
        }

        var servers = await Task.WhenAll(cut.Servers.Select(async s => s.Addresses.Count > 0 || s.Name.IsSubdomainOf(cut.Zone)
            ? s
            : s with { Addresses = await ResolveAddressesAsync(s.Name, depth + 1, cancellationToken) }));
        return cut with { Servers = servers };
    }

    /// <summary>Asks the servers of a zone in turn until one gives a usable answer (NOERROR or NXDOMAIN).</summary>
    private async Task<ProbeResult?> AskAsync(ZoneCut cut, DnsName name, DnsRecordType type, int depth, CancellationToken cancellationToken)
    {
        foreach (var server in cut.Servers)
        {
            foreach (var address in server.Addresses.Where(a => _prober.Settings.UseIPv6 || a.AddressFamily == AddressFamily.InterNetwork))
            {
                var result = await _prober.QueryAsync(server.Name.ToString(), address, name, type, ProbeQuery.Udp, cancellationToken);
                if (result.Answered && result.Response!.IsTruncated)
                {
                    result = await _prober.QueryAsync(server.Name.ToString(), address, name, type, ProbeQuery.OverTcp, cancellationToken);
                }

                if (result.Answered && result.Rcode is DnsResponseCode.NoError or DnsResponseCode.NXDomain)
                {
                    return result;
                }
            }
        }

        _ = depth;
        return null;
    }
}
