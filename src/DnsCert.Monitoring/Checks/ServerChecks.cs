using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;
using static DnsCert.Monitoring.Checks.CheckCatalogue;

namespace DnsCert.Monitoring.Checks;

/// <summary>NS-01…NS-06 (server behaviour) and ZN-01…ZN-04 (zone content and consistency). Pure functions.</summary>
public static class ServerChecks
{
    /// <summary>Specification 10 service-level requirements for RTT.</summary>
    public static readonly TimeSpan UdpRttLimit = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan TcpRttLimit = TimeSpan.FromMilliseconds(1500);

    public static IEnumerable<Finding> Run(ZoneObservation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var zone = o.Zone.ToString();
        foreach (var s in o.Servers)
        {
            // NS-01: an answer (any RCODE) over UDP and over TCP. A TC answer with nothing in it is no answer over UDP.
            var udp = s.SoaUdp.Answered && !s.SoaUdp.Response!.IsTruncated || s.SoaPlain is { Answered: true } p && !p.Response!.IsTruncated;
            if (!udp)
            {
                yield return Finding("NS-01", zone, s.Subject, $"no usable answer over UDP: {Describe(s.SoaUdp)}",
                    new[] { s.SoaUdp, s.SoaPlain }.OfType<ProbeResult>().Select(x => x.ToEvidence()));
            }

            if (s.SoaTcp is { Answered: false } tcp)
            {
                yield return Finding("NS-01", zone, s.Subject, $"no answer over TCP: {Describe(tcp)}", [tcp.ToEvidence()]);
            }

            if (s.Recursion is { Answered: true } rec && rec.Response!.RecursionAvailable && rec.Rcode == DnsResponseCode.NoError
                && !rec.Authoritative && rec.Response.Answers.Count > 0)
            {
                yield return Finding("NS-02", zone, s.Subject, $"answers a recursive query for {rec.Name} outside the zone (RA set)", [rec.ToEvidence()]);
            }

            if (s.Axfr is { Succeeded: true } axfr)
            {
                yield return Finding("NS-03", zone, s.Subject, $"gives the zone by AXFR to anyone: {axfr.Detail}", [axfr.Evidence]);
            }

            foreach (var f in Edns(zone, s))
            {
                yield return f;
            }

            if (s.Upward is { Answered: true } up && !up.Authoritative && up.Response!.Answers.Count == 0
                && up.Response.Authorities.Any(r => r.Type == DnsRecordType.NS && r.Name.IsRoot))
            {
                yield return Finding("NS-05", zone, s.Subject, "upward referral: answers '. NS' with a referral to the root", [up.ToEvidence()]);
            }

            if (s.ApexAaaa is { Answered: true } aaaa && aaaa.Rcode is not (DnsResponseCode.NoError or DnsResponseCode.NXDomain) && s.SoaUdp.AuthoritativeOk)
            {
                yield return Finding("NS-05", zone, s.Subject, $"AAAA query answered {ProbeResult.RcodeText(aaaa.Rcode!.Value)}", [aaaa.ToEvidence()]);
            }

            if (s.SoaMixedCase is { Answered: true } mixed && mixed.Response!.Questions.Count == 1
                && !string.Equals(mixed.Response.Questions[0].Name.ToString(), mixed.Name.ToString(), StringComparison.Ordinal))
            {
                yield return Finding("NS-05", zone, s.Subject, $"query name case not preserved: asked {mixed.Name}, answer has {mixed.Response.Questions[0].Name}", [mixed.ToEvidence()]);
            }

            foreach (var (probe, limit) in new[] { (s.SoaUdp, UdpRttLimit), (s.SoaTcp, TcpRttLimit) })
            {
                if (probe is { Answered: true } && probe.RoundTrip > limit)
                {
                    yield return Finding("NS-06", zone, s.Subject,
                        $"{probe.Transport.ToUpperInvariant()} round trip {probe.RoundTrip.TotalMilliseconds:F0} ms over the {limit.TotalMilliseconds:F0} ms SLR", [probe.ToEvidence()]);
                }
            }
        }

        foreach (var f in Consistency(o, zone))
        {
            yield return f;
        }
    }

    private static IEnumerable<Finding> Edns(string zone, ServerProbes s)
    {
        var plainWorks = s.SoaPlain is { AuthoritativeOk: true };
        if (plainWorks && !s.SoaUdp.AuthoritativeOk && (!s.SoaUdp.Answered || s.SoaUdp.Rcode is DnsResponseCode.FormErr or DnsResponseCode.ServFail or DnsResponseCode.NotImp))
        {
            yield return Finding("NS-04", zone, s.Subject, $"fails queries with EDNS ({Describe(s.SoaUdp)}) but answers without", [s.SoaUdp.ToEvidence(), s.SoaPlain!.ToEvidence()]);
            yield break;
        }

        if (s.SoaUdp.AuthoritativeOk && s.SoaUdp.Response!.Edns is null)
        {
            yield return Finding("NS-04", zone, s.Subject, "answers an EDNS query without OPT record", [s.SoaUdp.ToEvidence()], Severity.Warning);
        }

        if (s.SoaUdp.AuthoritativeOk && s.SoaEdns1 is { } v1 && (!v1.Answered || v1.Rcode != DnsResponseCode.BadVers))
        {
            yield return Finding("NS-04", zone, s.Subject, $"EDNS version 1 query answered {Describe(v1)}, not BADVERS (RFC 6891 §6.1.3)", [v1.ToEvidence()], Severity.Warning);
        }
    }

    private static IEnumerable<Finding> Consistency(ZoneObservation o, string zone)
    {
        var soas = o.Servers.Select(s => (Server: s, Probe: s.SoaUdp.AuthoritativeOk ? s.SoaUdp : s.SoaPlain is { AuthoritativeOk: true } p ? p : s.SoaTcp))
            .Where(x => x.Probe is { AuthoritativeOk: true }).Select(x => (x.Server, Probe: x.Probe!, Soa: x.Probe!.AnswerRecords(DnsRecordType.SOA, o.Zone)))
            .Where(x => x.Soa.Count > 0).ToList();
        var serials = soas.GroupBy(x => ((SoaRecord)x.Soa[0].Data).Serial).ToList();
        if (serials.Count > 1)
        {
            yield return Finding("ZN-01", zone, zone, "SOA serials differ: " + string.Join("; ", serials.Select(g => $"{g.Key} on {string.Join(", ", g.Select(x => x.Server.Subject))}")),
                soas.Select(x => x.Probe.ToEvidence()));
        }

        var fields = soas.GroupBy(x => x.Soa[0].Data is SoaRecord s
            ? $"{DelegationChecks.Normal(s.PrimaryServer)} {DelegationChecks.Normal(s.ResponsibleMailbox)} {s.Refresh} {s.Retry} {s.Expire} {s.Minimum}" : "").ToList();
        if (fields.Count > 1)
        {
            yield return Finding("ZN-02", zone, zone, "SOA MNAME/RNAME/timers differ: " + string.Join("; ", fields.Select(g => $"'{g.Key}' on {string.Join(", ", g.Select(x => x.Server.Subject))}")),
                soas.Select(x => x.Probe.ToEvidence()));
        }

        var nsSets = o.Servers.Where(s => s.Ns is { AuthoritativeOk: true })
            .GroupBy(s => string.Join(" ", s.Ns!.AnswerRecords(DnsRecordType.NS, o.Zone).Select(r => DelegationChecks.Normal(((NsRecord)r.Data).Target)).Distinct().Order(StringComparer.Ordinal))).ToList();
        if (nsSets.Count > 1)
        {
            yield return Finding("ZN-02", zone, zone, "NS sets differ between servers: " + string.Join("; ", nsSets.Select(g => $"'{g.Key}' on {string.Join(", ", g.Select(s => s.Subject))}")),
                nsSets.Select(g => g.First().Ns!.ToEvidence()));
        }

        if (soas.Count > 0 && soas[0].Soa[0].Data is SoaRecord soa)
        {
            var evidence = new[] { soas[0].Probe.ToEvidence() };
            if (soa.Refresh < 14400)
            {
                yield return Finding("ZN-03", zone, zone, $"SOA refresh {soa.Refresh} is under 14400", evidence);
            }

            if (soa.Retry >= soa.Refresh)
            {
                yield return Finding("ZN-03", zone, zone, $"SOA retry {soa.Retry} is not below refresh {soa.Refresh}", evidence);
            }

            if (soa.Retry < 3600)
            {
                yield return Finding("ZN-03", zone, zone, $"SOA retry {soa.Retry} is under 3600", evidence);
            }

            if (soa.Expire < 604800)
            {
                yield return Finding("ZN-03", zone, zone, $"SOA expire {soa.Expire} is under 604800 (one week)", evidence, Severity.Warning);
            }

            if (soa.Minimum is < 300 or > 86400)
            {
                yield return Finding("ZN-03", zone, zone, $"SOA minimum {soa.Minimum} is outside 300–86400", evidence);
            }
        }

        foreach (var (server, probe, records) in soas.Where(x => x.Soa.Count > 1))
        {
            yield return Finding("ZN-04", zone, server.Subject, $"{records.Count} SOA records in the answer", [probe.ToEvidence()]);
        }

        foreach (var target in o.Servers.SelectMany(s => s.MxTargets).Where(t => t.AnswerRecords(DnsRecordType.CNAME, t.Name).Count > 0)
            .GroupBy(t => DelegationChecks.Normal(t.Name)))
        {
            yield return Finding("ZN-04", zone, target.Key, $"the MX target {target.Key} is a CNAME", [target.First().ToEvidence()]);
        }
    }

    public static string Describe(ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return !probe.Answered ? $"{probe.Outcome.ToString().ToLowerInvariant()} ({probe.Error})"
            : probe.Response!.IsTruncated ? $"{ProbeResult.RcodeText(probe.Rcode!.Value)} with TC set"
            : ProbeResult.RcodeText(probe.Rcode!.Value) + (probe.Authoritative ? " aa" : "");
    }
}
