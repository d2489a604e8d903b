using DnsCert.Dns;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;
using static DnsCert.Monitoring.Checks.CheckCatalogue;

namespace DnsCert.Monitoring.Checks;

/// <summary>SEC-01…SEC-09. Pure functions of a <see cref="ZoneObservation"/>; signatures are checked at <see cref="ZoneObservation.Now"/>.</summary>
public static class DnssecChecks
{
    /// <summary>SEC-04: a signature expiring sooner than this is a warning (the reference's 72 h; Zonemaster uses 12 h).</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromHours(72);

    /// <summary>SEC-04: a signature living longer than this is a warning (Zonemaster DNSSEC04).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(180);

    private static readonly string[] s_windowReasons = [DnssecReasons.ExpirationInPast, DnssecReasons.InceptionInFuture, DnssecReasons.SignatureInvalid];

    public static IEnumerable<Finding> Run(ZoneObservation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var zone = o.Zone.ToString();
        var options = new DnssecValidationOptions { Now = o.Now };
        var dsProbe = o.ParentDs.FirstOrDefault(p => p.AuthoritativeOk) ?? o.ParentDs.FirstOrDefault(p => p.Answered);
        var ds = dsProbe?.AnswerRecords(DnsRecordType.DS, o.Zone).Select(r => (DelegationSignerData)r.Data).ToList() ?? [];
        var keyServers = o.Servers.Where(s => s.Dnskey is { AuthoritativeOk: true }).ToList();
        var keys = keyServers.SelectMany(s => s.Dnskey!.AnswerRecords(DnsRecordType.DNSKEY, o.Zone)).Select(r => (KeyRecordData)r.Data)
            .DistinctBy(k => Convert.ToHexString(k.ToCanonicalWire())).ToList();
        var signed = keys.Count > 0;
        var findings = new List<Finding>();

        // SEC-02
        if (ds.Count > 0 && !signed && keyServers.Count > 0)
        {
            findings.Add(Finding("SEC-02", zone, zone, $"the parent publishes {ds.Count} DS record(s) but no server serves a DNSKEY RRset",
                [dsProbe!.ToEvidence(), .. keyServers.Take(2).Select(s => s.Dnskey!.ToEvidence())]));
        }
        else if (signed && ds.Count == 0 && dsProbe is { AuthoritativeOk: true } && !o.Zone.IsRoot)
        {
            findings.Add(Finding("SEC-02", zone, zone, "the zone is signed but the parent publishes no DS (the zone resolves as insecure)",
                [dsProbe.ToEvidence(), keyServers[0].Dnskey!.ToEvidence()], Severity.Warning));
        }

        if (!signed)
        {
            return findings.Concat(Chain(o, zone, findings));
        }

        var tld = o.Zone.LabelCount <= 1;
        foreach (var s in keyServers)
        {
            var dnskeys = s.Dnskey!.AnswerRecords(DnsRecordType.DNSKEY, o.Zone);
            var sigs = Sigs(s.Dnskey, o.Zone, DnsRecordType.DNSKEY);
            if (dnskeys.Count == 0)
            {
                continue;
            }

            var serverKeys = dnskeys.Select(r => (KeyRecordData)r.Data).ToList();
            if (ds.Count > 0)
            {
                var matched = ds.Where(d => serverKeys.Any(k => Matches(o.Zone, d, k))).ToList();
                if (matched.Count == 0)
                {
                    findings.Add(Finding("SEC-01", zone, s.Subject,
                        $"no DS ({string.Join(", ", ds.Select(d => $"{d.KeyTag}/{d.Algorithm}/{d.DigestType}"))}) matches a DNSKEY ({string.Join(", ", serverKeys.Select(k => k.KeyTag))})",
                        [dsProbe!.ToEvidence(), s.Dnskey.ToEvidence()], tld ? Severity.Critical : Severity.Error));
                    continue;
                }
            }

            var self = ds.Count > 0
                ? KeySetValidator.Validate(o.Zone, dnskeys, sigs, ds, [], options)
                : KeySetValidator.Validate(o.Zone, dnskeys, sigs, [], serverKeys.Where(k => (k.Flags & KeyRecordData.SecureEntryPointFlag) != 0).DefaultIfEmpty(serverKeys[0]).ToList()!, options);
            if (self.Security == DnssecSecurity.Bogus)
            {
                var id = self.Reason is DnssecReasons.NoSep or DnssecReasons.DigestInvalid ? "SEC-01" : self.Reason == DnssecReasons.MissingRrsig ? "SEC-07" : "SEC-03";
                findings.Add(Finding(id, zone, s.Subject, $"DNSKEY RRset: {self.Reason}: {self.Detail}", [s.Dnskey.ToEvidence(), .. dsProbe is null ? Array.Empty<ProbeEvidence>() : [dsProbe.ToEvidence()]],
                    id == "SEC-03" ? Severity.Critical : id == "SEC-01" ? (tld ? Severity.Critical : Severity.Error) : null));
            }
        }

        // Keys for the other RRsets: every DNSKEY seen (their own authentication is judged above).
        var zoneKeys = keys.Where(KeySetValidator.IsUsableZoneKey).ToList();
        var algorithms = zoneKeys.Select(k => k.Algorithm).Distinct().Order().ToList();
        foreach (var s in o.Servers.Where(s => s.SoaUdp.AuthoritativeOk))
        {
            var soa = s.SoaUdp.AnswerRecords(DnsRecordType.SOA, o.Zone);
            var sigs = Sigs(s.SoaUdp, o.Zone, DnsRecordType.SOA);
            var verdict = RrsetValidator.Validate(soa, sigs, o.Zone, zoneKeys, options);
            if (!verdict.IsSecure && verdict.Security == DnssecSecurity.Bogus)
            {
                var id = verdict.Reason == DnssecReasons.MissingRrsig ? "SEC-07" : "SEC-03";
                findings.Add(Finding(id, zone, s.Subject, $"SOA: {verdict.Reason}: {verdict.Detail}", [s.SoaUdp.ToEvidence()]));
            }

            foreach (var (probe, type) in new[] { (s.SoaUdp, DnsRecordType.SOA), (s.Dnskey, DnsRecordType.DNSKEY) })
            {
                if (probe is not { AuthoritativeOk: true })
                {
                    continue;
                }

                var covering = Sigs(probe, o.Zone, type);
                var missing = algorithms.Where(a => covering.All(sig => sig.Algorithm != a)).ToList();
                if (covering.Count > 0 && missing.Count > 0)
                {
                    findings.Add(Finding("SEC-07", zone, s.Subject, $"{DnsMnemonics.TypeToString(type)} has no RRSIG for algorithm {string.Join(", ", missing)} of the DNSKEY RRset",
                        [probe.ToEvidence()]));
                }

                foreach (var sig in covering)
                {
                    var expires = DateTimeOffset.FromUnixTimeSeconds(Serial(sig.Expiration, o.Now));
                    var incepted = DateTimeOffset.FromUnixTimeSeconds(Serial(sig.Inception, o.Now));
                    if (expires > o.Now && expires - o.Now < ExpiryWarning)
                    {
                        findings.Add(Finding("SEC-04", zone, s.Subject, $"RRSIG {DnsMnemonics.TypeToString(type)} {sig.KeyTag} expires {expires:u}, in under {ExpiryWarning.TotalHours:F0} h", [probe.ToEvidence()]));
                    }
                    else if (expires - incepted > MaxLifetime)
                    {
                        findings.Add(Finding("SEC-04", zone, s.Subject, $"RRSIG {DnsMnemonics.TypeToString(type)} {sig.KeyTag} lives {(expires - incepted).TotalDays:F0} days, over 180", [probe.ToEvidence()]));
                    }
                }
            }

            // The signatures over the NSEC/NSEC3 records of the denial (Zonemaster DS10_*_RRSIG_VERIFY_ERROR).
            if (s.NxDomain is { Authoritative: true, Response: { } denial })
            {
                foreach (var rrset in denial.Authorities.Where(r => r.Type is DnsRecordType.NSEC or DnsRecordType.NSEC3).GroupBy(r => (r.Name, r.Type)))
                {
                    var rrsigs = denial.Authorities.Where(r => r.Name == rrset.Key.Name && r.Data is RrsigRecord sig && sig.TypeCovered == rrset.Key.Type)
                        .Select(r => (RrsigRecord)r.Data).ToList();
                    var check = RrsetValidator.Validate(rrset.ToList(), rrsigs, o.Zone, zoneKeys, options);
                    if (check.Security == DnssecSecurity.Bogus)
                    {
                        findings.Add(Finding(check.Reason == DnssecReasons.MissingRrsig ? "SEC-07" : "SEC-03", zone, s.Subject,
                            $"{rrset.Key.Name} {DnsMnemonics.TypeToString(rrset.Key.Type)}: {check.Reason}: {check.Detail}", [s.NxDomain.ToEvidence()]));
                    }
                }
            }

            foreach (var probe in new[] { s.NxDomain }.OfType<ProbeResult>().Concat(s.Nsec3Walk))
            {
                if (Denial(o.Zone, probe, options) is { } problem)
                {
                    findings.Add(Finding("SEC-05", zone, s.Subject, problem, [probe.ToEvidence()]));
                }
            }
        }

        findings.AddRange(Algorithms(o, zone, keys, ds, dsProbe, keyServers));

        // SEC-08: the DNSKEY RRset per server.
        var sets = o.Servers.Where(s => s.Dnskey is { AuthoritativeOk: true })
            .GroupBy(s => string.Join(" ", s.Dnskey!.AnswerRecords(DnsRecordType.DNSKEY, o.Zone).Select(r => ((KeyRecordData)r.Data).KeyTag).Order())).ToList();
        if (sets.Count > 1)
        {
            findings.Add(Finding("SEC-08", zone, zone, "DNSKEY RRsets differ: " + string.Join("; ", sets.Select(g => $"[{(g.Key.Length == 0 ? "none" : g.Key)}] on {string.Join(", ", g.Select(s => s.Subject))}")),
                sets.Select(g => g.First().Dnskey!.ToEvidence())));
        }

        findings.AddRange(Cds(o, zone, keys));
        return findings.Concat(Chain(o, zone, findings));
    }

    /// <summary>A break of the chain from the trust anchor that no finding above explains (e.g. in an ancestor).</summary>
    private static IEnumerable<Finding> Chain(ZoneObservation o, string zone, List<Finding> findings)
    {
        if (o.Chain is { Security: DnssecSecurity.Bogus } chain && !findings.Any(f => f.CheckId is "SEC-01" or "SEC-02" or "SEC-03" or "SEC-07"))
        {
            yield return Finding("SEC-01", zone, "chain of trust", $"bogus from the trust anchor: {chain.Reason}: {chain.Detail} ({string.Join(" → ", chain.Evidence)})",
                o.ChainProbes.Select(p => p.ToEvidence()));
        }
    }

    private static IEnumerable<Finding> Algorithms(ZoneObservation o, string zone, List<KeyRecordData> keys, List<DelegationSignerData> ds, ProbeResult? dsProbe,
        List<ServerProbes> keyServers)
    {
        var evidence = keyServers.Take(1).Select(s => s.Dnskey!.ToEvidence()).ToList();
        foreach (var key in keys.DistinctBy(k => k.KeyTag))
        {
            // RFC 8624 §3.1: 1, 3, 6, 12 MUST NOT be used for signing; 5 and 7 NOT RECOMMENDED.
            if (key.Algorithm is 1 or 3 or 6 or 12)
            {
                yield return Finding("SEC-06", zone, $"DNSKEY {key.KeyTag}", $"algorithm {key.Algorithm} must not be used (RFC 8624)", evidence);
            }
            else if (key.Algorithm is 5 or 7 or 10)
            {
                yield return Finding("SEC-06", zone, $"DNSKEY {key.KeyTag}", $"algorithm {key.Algorithm} is not recommended for signing (RFC 8624)", evidence, Severity.Warning);
            }

            if (key.Algorithm is 5 or 7 or 8 or 10 && RsaBits(key.PublicKey.Span) is var bits and > 0 and < 2048)
            {
                yield return Finding("SEC-06", zone, $"DNSKEY {key.KeyTag}", $"RSA key of {bits} bits, under 2048", evidence, Severity.Warning);
            }
        }

        foreach (var d in ds)
        {
            if (d.DigestType is 0 or 3)
            {
                yield return Finding("SEC-06", zone, $"DS {d.KeyTag}", $"DS digest type {d.DigestType} must not be used (RFC 8624 §3.3)", dsProbe is null ? null : [dsProbe.ToEvidence()]);
            }
            else if (d.DigestType == 1)
            {
                yield return Finding("SEC-06", zone, $"DS {d.KeyTag}", "DS digest type 1 (SHA-1) must not be used for new DS (RFC 8624 §3.3)", dsProbe is null ? null : [dsProbe.ToEvidence()], Severity.Warning);
            }
        }
    }

    private static IEnumerable<Finding> Cds(ZoneObservation o, string zone, List<KeyRecordData> keys)
    {
        foreach (var s in o.Servers)
        {
            var cds = s.Cds?.AnswerRecords(DnsRecordType.CDS, o.Zone).Select(r => (DelegationSignerData)r.Data).ToList() ?? [];
            var cdnskey = s.Cdnskey?.AnswerRecords(DnsRecordType.CDNSKEY, o.Zone).Select(r => (KeyRecordData)r.Data).ToList() ?? [];
            // RFC 8078 §4: CDS 0 0 0 00 / CDNSKEY 0 3 0 AA== ask for deletion and match nothing.
            foreach (var c in cds.Where(c => c.Algorithm != 0 && !keys.Any(k => Matches(o.Zone, c, k))))
            {
                yield return Finding("SEC-09", zone, s.Subject, $"CDS {c.KeyTag}/{c.Algorithm}/{c.DigestType} matches no DNSKEY of the zone", [s.Cds!.ToEvidence()]);
            }

            foreach (var c in cdnskey.Where(c => c.Algorithm != 0 && !keys.Any(k => k.PublicKey.Span.SequenceEqual(c.PublicKey.Span) && k.Algorithm == c.Algorithm)))
            {
                yield return Finding("SEC-09", zone, s.Subject, $"CDNSKEY {c.KeyTag} is not in the DNSKEY RRset", [s.Cdnskey!.ToEvidence()]);
            }

            if (cds.Count > 0 && cdnskey.Count > 0)
            {
                var a = cds.Select(c => c.KeyTag).ToHashSet();
                var b = cdnskey.Select(c => c.KeyTag).ToHashSet();
                if (!a.SetEquals(b))
                {
                    yield return Finding("SEC-09", zone, s.Subject, "CDS and CDNSKEY name different keys", [s.Cds!.ToEvidence(), s.Cdnskey!.ToEvidence()]);
                }
            }
        }
    }

    /// <summary>Why the NXDOMAIN answer's denial does not prove the name's absence, or null when it does (or nothing was denied).</summary>
    public static string? Denial(DnsName zone, ProbeResult probe, DnssecValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!probe.AuthoritativeOk && probe.Rcode != DnsResponseCode.NXDomain || !probe.Authoritative || probe.Rcode != DnsResponseCode.NXDomain)
        {
            return null;
        }

        var authority = probe.Response!.Authorities.ToList();
        var nsec3 = authority.Where(r => r.Type == DnsRecordType.NSEC3).ToList();
        var nsec = authority.Where(r => r.Type == DnsRecordType.NSEC).ToList();
        var result = nsec3.Count > 0 ? Nsec3Denial.ProveNxDomain(probe.Name, zone, nsec3, options)
            : nsec.Count > 0 ? NsecDenial.ProveNxDomain(probe.Name, zone, nsec)
            : null;
        if (result is null)
        {
            return $"NXDOMAIN for {probe.Name} without NSEC or NSEC3 records";
        }

        return result.Security == DnssecSecurity.Bogus ? $"NXDOMAIN for {probe.Name} not proven: {result.Reason}: {result.Detail}" : null;
    }

    private static List<RrsigRecord> Sigs(ProbeResult probe, DnsName owner, DnsRecordType type) =>
        probe.AnswerRecords(DnsRecordType.RRSIG, owner).Select(r => (RrsigRecord)r.Data).Where(s => s.TypeCovered == type).ToList();

    public static bool Matches(DnsName zone, DelegationSignerData ds, KeyRecordData key)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(key);
        if (ds.KeyTag != key.KeyTag || ds.Algorithm != key.Algorithm || ds.DigestType is not (DnssecDigests.Sha1 or DnssecDigests.Sha256 or DnssecDigests.Sha384))
        {
            return false;
        }

        return DnssecDigests.ComputeDs(zone, key, ds.DigestType).Digest.Span.SequenceEqual(ds.Digest.Span);
    }

    /// <summary>RSA modulus size from the RFC 3110 public key format (exponent length, exponent, modulus).</summary>
    public static int RsaBits(ReadOnlySpan<byte> key)
    {
        if (key.Length < 3)
        {
            return 0;
        }

        var (expLength, offset) = key[0] == 0 ? ((key[1] << 8) | key[2], 3) : (key[0], 1);
        var modulus = key.Length - offset - expLength;
        if (modulus <= 0)
        {
            return 0;
        }

        var leading = key[offset + expLength];
        return (modulus * 8) - (leading == 0 ? 8 : System.Numerics.BitOperations.LeadingZeroCount((uint)leading) - 24);
    }

    /// <summary>RRSIG times are serial numbers (RFC 4034 §3.1.5): the Unix time nearest to now with those 32 bits.</summary>
    private static long Serial(uint value, DateTimeOffset now)
    {
        var current = now.ToUnixTimeSeconds();
        var candidate = (current & ~0xFFFFFFFFL) | value;
        if (candidate - current > int.MaxValue)
        {
            candidate -= 1L << 32;
        }
        else if (current - candidate > int.MaxValue)
        {
            candidate += 1L << 32;
        }

        return candidate;
    }
}
