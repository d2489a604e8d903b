using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;
using static DnsCert.Monitoring.Checks.CheckCatalogue;

namespace DnsCert.Monitoring.Checks;

/// <summary>DEL-01…DEL-10: the delegation and its servers. Pure functions of a <see cref="ZoneObservation"/>.</summary>
public static class DelegationChecks
{
    public static IEnumerable<Finding> Run(ZoneObservation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var zone = o.Zone.ToString();
        var referral = o.Delegation.Referral;
        if (!o.Zone.IsRoot && !o.Delegation.IsDelegated)
        {
            yield return Finding("DEL-01", zone, o.Delegation.Parent?.Zone.ToString() ?? "parent",
                o.Delegation.Failure ?? $"the parent {o.Delegation.Parent?.Zone} gives no referral to {zone}: {referral?.ToString() ?? "no answer"}",
                referral is null ? null : [referral.ToEvidence()]);
            yield break;
        }

        // DEL-02/DEL-04: authoritative answers. A server that needs plain DNS (EDNS broken) still serves the zone.
        bool Serves(ServerProbes s) => s.SoaUdp.AuthoritativeOk || s.SoaPlain is { AuthoritativeOk: true } || s.SoaTcp is { AuthoritativeOk: true };
        var delegated = o.Servers.Where(s => s.InParent || o.Zone.IsRoot).ToList();
        if (!o.Servers.Any(Serves))
        {
            yield return Finding("DEL-02", zone, zone, "no name server answers authoritatively for the zone", o.Servers.Select(s => s.SoaUdp.ToEvidence()));
        }

        foreach (var s in delegated.Where(s => !Serves(s)))
        {
            var probe = s.SoaUdp;
            var why = !probe.Answered ? probe.Outcome.ToString().ToLowerInvariant()
                : probe.Rcode != DnsResponseCode.NoError ? ProbeResult.RcodeText(probe.Rcode!.Value)
                : "answer without AA";
            yield return Finding("DEL-04", zone, s.Subject, $"lame: {why} to {probe.QueryText}", [probe.ToEvidence(), .. s.SoaPlain is null ? Array.Empty<ProbeEvidence>() : [s.SoaPlain.ToEvidence()]]);
        }

        // DEL-03: names at the parent that pass on all their addresses.
        var parentNames = o.Zone.IsRoot ? o.Servers.Select(s => s.Name).Distinct().ToList()
            : IterativeResolver.CutFromReferral(referral!.Response!, o.Zone).Servers.Select(s => s.Name.ToString()).ToList();
        var passing = parentNames.Where(n => o.Servers.Any(s => s.Name == n) && o.Servers.Where(s => s.Name == n).All(Serves)).ToList();
        if (passing.Count < 2)
        {
            yield return Finding("DEL-03", zone, zone,
                $"{passing.Count} of {parentNames.Count} delegated name servers pass ({string.Join(", ", passing)}); at least 2 are needed",
                (referral is null ? [] : new[] { referral.ToEvidence() }).Concat(delegated.Select(s => s.SoaUdp.ToEvidence())));
        }

        foreach (var f in NsSets(o, zone, parentNames))
        {
            yield return f;
        }

        foreach (var f in Glue(o, zone))
        {
            yield return f;
        }

        foreach (var (name, list) in o.NameServerAddresses)
        {
            if (o.NameServerAliases.Contains(name))
            {
                yield return Finding("DEL-07", zone, name.ToString(), $"the name server name {name} is a CNAME",
                    o.Servers.SelectMany(s => s.HostAddresses).Where(p => p.Name == name).Select(p => p.ToEvidence()));
            }
            else if (list.Count == 0)
            {
                yield return Finding("DEL-07", zone, name.ToString(), $"the name server name {name} has no A or AAAA record",
                    o.Servers.SelectMany(s => s.HostAddresses).Where(p => p.Name == name).Select(p => p.ToEvidence()));
            }
        }

        // DEL-08: distinct addresses, more than one prefix.
        var byAddress = o.NameServerAddresses.SelectMany(kv => kv.Value.Select(a => (Name: kv.Key, Address: a))).GroupBy(p => p.Address);
        foreach (var group in byAddress.Where(g => g.Select(p => p.Name).Distinct().Count() > 1))
        {
            yield return Finding("DEL-08", zone, group.Key.ToString(), $"{string.Join(", ", group.Select(p => p.Name))} share the address {group.Key}");
        }

        var all = o.NameServerAddresses.Values.SelectMany(a => a).Distinct().ToList();
        var prefixes = all.Select(Prefix).Distinct().ToList();
        if (all.Count > 1 && prefixes.Count == 1)
        {
            yield return Finding("DEL-08", zone, prefixes[0], $"every name server address is in {prefixes[0]}", severity: Severity.Warning);
        }

        if (!o.PrivateTree)
        {
            foreach (var address in all.Where(a => !IsGlobal(a)))
            {
                yield return Finding("DEL-09", zone, address.ToString(), $"{address} is not a globally reachable address");
            }
        }

        if (referral?.Response is { } message && !o.Zone.IsRoot && ReferralSize(message, o.Zone) is var size && size > DnsMessage.MaxUdpSizeWithoutEdns)
        {
            yield return Finding("DEL-10", zone, zone, $"the referral with all NS and glue takes {size} bytes, over 512", [referral.ToEvidence()]);
        }
    }

    private static IEnumerable<Finding> NsSets(ZoneObservation o, string zone, IReadOnlyList<string> parentNames)
    {
        var child = o.Servers.Select(s => s.Ns).OfType<ProbeResult>().Where(p => p.AuthoritativeOk)
            .SelectMany(p => p.AnswerRecords(DnsRecordType.NS, o.Zone)).Select(r => Normal(((NsRecord)r.Data).Target)).ToHashSet(StringComparer.Ordinal);
        if (child.Count == 0 || o.Zone.IsRoot)
        {
            yield break;
        }

        var parent = parentNames.Select(n => Normal(DnsName.Parse(n))).ToHashSet(StringComparer.Ordinal);
        var evidence = new[] { o.Delegation.Referral!.ToEvidence() }.Concat(o.Servers.Select(s => s.Ns).OfType<ProbeResult>().Where(p => p.AuthoritativeOk).Take(2).Select(p => p.ToEvidence())).ToList();
        foreach (var missing in parent.Except(child).Order(StringComparer.Ordinal))
        {
            yield return Finding("DEL-05", zone, missing, $"the parent lists {missing}, the zone's own NS set does not", evidence);
        }

        foreach (var extra in child.Except(parent).Order(StringComparer.Ordinal))
        {
            yield return Finding("DEL-05", zone, extra, $"the zone's NS set lists {extra}, the parent does not", evidence, Severity.Warning);
        }
    }

    private static IEnumerable<Finding> Glue(ZoneObservation o, string zone)
    {
        if (o.Zone.IsRoot)
        {
            yield break;
        }

        var referral = o.Delegation.Referral!;
        var cut = IterativeResolver.CutFromReferral(referral.Response!, o.Zone);
        foreach (var server in cut.Servers.Where(s => s.Name.IsSubdomainOf(o.Zone)))
        {
            var authoritative = o.Servers.SelectMany(s => s.HostAddresses).Where(p => p.Name == server.Name && p.AuthoritativeOk).ToList();
            var truth = authoritative.SelectMany(p => RootHints.Addresses(p.Response!.Answers, server.Name)).Distinct().Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
            var glue = server.Addresses.Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
            var evidence = new[] { referral.ToEvidence() }.Concat(authoritative.Take(2).Select(p => p.ToEvidence())).ToList();
            if (glue.Count == 0)
            {
                yield return Finding("DEL-06", zone, server.Name.ToString(), $"no glue for the in-bailiwick name server {server.Name} in the referral", evidence);
            }
            else if (truth.Count > 0 && !glue.SetEquals(truth))
            {
                yield return Finding("DEL-06", zone, server.Name.ToString(),
                    $"glue of {server.Name} is {string.Join(" ", glue.Order(StringComparer.Ordinal))}, the zone says {string.Join(" ", truth.Order(StringComparer.Ordinal))}", evidence);
            }
        }
    }

    /// <summary>A name in the one spelling used for comparisons: lower case, trailing dot.</summary>
    public static string Normal(DnsName name) => name.ToLowerInvariant().ToString();

    /// <summary>The /24 of an IPv4 address or the /48 of an IPv6 address.</summary>
    public static string Prefix(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        var length = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Array.Clear(bytes, length, bytes.Length - length);
        return $"{new IPAddress(bytes)}/{length * 8}";
    }

    /// <summary>False for loopback, private (RFC 1918, RFC 4193), link-local, CGN, documentation and other special-purpose blocks (RFC 6890).</summary>
    public static bool IsGlobal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 || (b[0] == 100 && (b[1] & 0xC0) == 64) || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && (b[1] & 0xFE) == 18) || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        return !(IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || address.IsIPv4MappedToIPv6 || address.Equals(IPAddress.IPv6None) || (b[0] & 0xFE) == 0xFC || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8));
    }

    /// <summary>Size of the referral with only the NS RRset and its glue, without EDNS (Zonemaster DELEGATION03).</summary>
    public static int ReferralSize(DnsMessage response, DnsName zone)
    {
        ArgumentNullException.ThrowIfNull(response);
        var minimal = DnsMessage.CreateQuery(DnsName.Parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").Concat(zone), DnsRecordType.NS);
        minimal.IsResponse = true;
        foreach (var ns in response.Authorities.Where(r => r.Type == DnsRecordType.NS && r.Name == zone))
        {
            minimal.Authorities.Add(ns);
        }

        var names = minimal.Authorities.Select(r => ((NsRecord)r.Data).Target).ToHashSet();
        foreach (var glue in response.Additionals.Where(r => r.Type is DnsRecordType.A or DnsRecordType.AAAA && names.Contains(r.Name)))
        {
            minimal.Additionals.Add(glue);
        }

        return minimal.Encode().Length;
    }
}
