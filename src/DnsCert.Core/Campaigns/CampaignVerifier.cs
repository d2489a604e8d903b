using System.Collections.Concurrent;
using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Core.Campaigns;

/// <summary>What the TLD's authoritative servers say about a name.</summary>
public enum DnsState
{
    /// <summary>NXDOMAIN: the name is not in the TLD zone (not registered, or blocked/held out of the zone).</summary>
    NxDomain,

    /// <summary>The name exists in the TLD zone without a delegation (NOERROR, no referral): held.</summary>
    Held,

    /// <summary>A referral: the name is delegated, not to the agreed sinkhole.</summary>
    Delegated,

    /// <summary>A referral to the agreed sinkhole name servers only.</summary>
    Sinkholed,

    /// <summary>No usable answer (timeout, SERVFAIL, REFUSED, truncated): says nothing either way.</summary>
    Unknown,
}

public static class DnsStates
{
    public static string Code(this DnsState state) => state switch
    {
        DnsState.NxDomain => "nxdomain",
        DnsState.Held => "held",
        DnsState.Delegated => "delegated",
        DnsState.Sinkholed => "sinkholed",
        DnsState.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a DNS state"),
    };
}

/// <summary>One name checked: where it stands in the DNS and the evidence in words.</summary>
public sealed record NameCheck(string Name, DnsState State, string Detail);

/// <summary>A TLD's authoritative server address.</summary>
public sealed record TldServer(string Name, IPAddress Address);

/// <summary>
/// Checks campaign names in the DNS itself, independently of what registries report: one non-recursive NS query per
/// name at one of its TLD's authoritative servers (spread over them), through the monitoring <see cref="Prober"/>
/// (its concurrency limits) and a <see cref="TokenBucket"/> per server address (its rate limit).
/// </summary>
public sealed class CampaignVerifier(Prober prober, TimeProvider clock, double queriesPerSecondPerServer = 50, int burst = 10)
{
    private readonly ConcurrentDictionary<IPAddress, TokenBucket> _buckets = new();

    /// <summary>The authoritative servers of a TLD as the root delegates it (glue, else resolved addresses).</summary>
    public static async Task<IReadOnlyList<TldServer>> FindTldServersAsync(IterativeResolver resolver, string tld, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var zone = DnsName.Parse(tld.TrimEnd('.') + ".");
        var delegation = await resolver.FindDelegationAsync(zone, cancellationToken);
        if (!delegation.IsDelegated)
        {
            return [];
        }

        var servers = new List<TldServer>();
        foreach (var server in IterativeResolver.CutFromReferral(delegation.Referral!.Response!, zone).Servers)
        {
            var addresses = server.Addresses.Count > 0 ? server.Addresses : await resolver.ResolveAddressesAsync(server.Name, cancellationToken);
            servers.AddRange(addresses.Select(a => new TldServer(server.Name.ToString(), a)));
        }

        return servers;
    }

    /// <summary>Checks every name (stored spelling) at the servers of its TLD; names whose TLD has no server are Unknown.</summary>
    public async Task<IReadOnlyList<NameCheck>> CheckAsync(
        IReadOnlyList<(string Name, string Tld)> names, IReadOnlyDictionary<string, IReadOnlyList<TldServer>> servers,
        IReadOnlyCollection<string> sinkhole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(servers);
        var sinkholeSet = sinkhole.Select(s => DnsName.Parse(s)).ToHashSet();
        var results = new NameCheck[names.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, prober.Settings.MaxConcurrency), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (name, tld) = names[i];
                if (!servers.TryGetValue(tld, out var list) || list.Count == 0)
                {
                    results[i] = new NameCheck(name, DnsState.Unknown, $"no authoritative server known for .{tld}");
                    return;
                }

                var server = list[i % list.Count];
                await _buckets.GetOrAdd(server.Address, _ => new TokenBucket(queriesPerSecondPerServer, burst, clock)).TakeAsync(ct);
                var owner = DnsName.Parse(name);
                var probe = await prober.QueryAsync(server.Name, server.Address, owner, DnsRecordType.NS, ProbeQuery.Plain, ct);
                var (state, detail) = Classify(probe, owner, sinkholeSet);
                results[i] = new NameCheck(name, state, $"{detail} @{server.Name} ({server.Address})");
            });
        return results;
    }

    /// <summary>Reads one NS response from a TLD server for <paramref name="name"/>.</summary>
    public static (DnsState State, string Detail) Classify(ProbeResult probe, DnsName name, IReadOnlySet<DnsName> sinkhole)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(sinkhole);
        if (!probe.Answered)
        {
            return (DnsState.Unknown, probe.Error ?? probe.Outcome.ToString());
        }

        var response = probe.Response!;
        if (response.IsTruncated)
        {
            return (DnsState.Unknown, "truncated");
        }

        if (response.ResponseCode == DnsResponseCode.NXDomain)
        {
            return (DnsState.NxDomain, "NXDOMAIN");
        }

        if (response.ResponseCode != DnsResponseCode.NoError)
        {
            return (DnsState.Unknown, ProbeResult.RcodeText(response.ResponseCode));
        }

        // A referral (authority NS for the name) or, from a server also authoritative for the child, an NS answer.
        var targets = response.Authorities.Concat(response.Answers)
            .Where(r => r.Type == DnsRecordType.NS && r.Name == name).Select(r => ((NsRecord)r.Data).Target).Distinct().ToList();
        if (targets.Count == 0)
        {
            return (DnsState.Held, "NOERROR, no delegation");
        }

        var text = "NS " + string.Join(" ", targets.Select(t => t.ToString()).Order(StringComparer.Ordinal));
        return sinkhole.Count > 0 && targets.All(sinkhole.Contains) ? (DnsState.Sinkholed, text) : (DnsState.Delegated, text);
    }

    /// <summary>
    /// Whether the DNS shows the action done: blocked and suspended names are out of the zone (NXDOMAIN or held),
    /// sinkholed ones delegated to the sinkhole only. Null when the DNS cannot tell (unknown; a registrar transfer).
    /// </summary>
    public static bool? Shows(CampaignAction action, DnsState state) => state == DnsState.Unknown ? null : action switch
    {
        CampaignAction.Block or CampaignAction.Suspend => state is DnsState.NxDomain or DnsState.Held,
        CampaignAction.Sinkhole => state == DnsState.Sinkholed,
        _ => null,
    };

    /// <summary>
    /// The name's new status after a check: a name the registry reported as actioned becomes verified when the DNS
    /// shows the action and contradicted when it does not; names not reported keep their status (the DNS state is
    /// recorded beside them).
    /// </summary>
    public static NameStatus Judge(NameStatus current, CampaignAction action, DnsState state)
    {
        if (current is not (NameStatus.Actioned or NameStatus.Verified or NameStatus.Contradicted))
        {
            return current;
        }

        return Shows(action, state) switch
        {
            true => NameStatus.Verified,
            false => NameStatus.Contradicted,
            null => current,
        };
    }
}
