using DnsCert.Monitoring.Checks;
using DnsCert.Monitoring.Model;
using static DnsCert.Monitoring.Checks.CheckCatalogue;

namespace DnsCert.Monitoring.Changes;

/// <summary>
/// CHG-01…CHG-05: an observation against the approved baseline. Both sides are <see cref="DelegationSnapshot"/>s, so
/// spelling (name case, trailing dot, IPv6 notation, digest case) never shows up as a change.
/// </summary>
public static class ChangeDetector
{
    public static IReadOnlyList<Finding> Compare(DelegationSnapshot baseline, DelegationSnapshot observed, IReadOnlyList<ProbeEvidence>? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(observed);
        var zone = observed.Zone;
        var findings = new List<Finding>();
        if (Diff(baseline.NameServers, observed.NameServers) is { } ns)
        {
            findings.Add(Finding("CHG-01", zone, zone, "parent NS set changed: " + ns, evidence));
        }

        if (Diff(baseline.Ds, observed.Ds) is { } ds)
        {
            findings.Add(Finding("CHG-02", zone, zone, (observed.Ds.Count == 0 ? "DS set removed: " : "DS set changed: ") + ds, evidence));
        }

        // CHG-03: glue of a name server that is delegated in both (a new or removed name is CHG-01's).
        foreach (var name in baseline.NameServers.Intersect(observed.NameServers, StringComparer.Ordinal))
        {
            var before = baseline.Glue.TryGetValue(name, out var b) ? b : [];
            var after = observed.Glue.TryGetValue(name, out var a) ? a : [];
            if (Diff(before, after) is { } glue)
            {
                findings.Add(Finding("CHG-03", zone, name, $"glue of {name} changed: {glue}", evidence));
            }
        }

        // A new name server whose glue points at an address the baseline never had (a hijack brings its own servers).
        var known = baseline.Glue.Values.SelectMany(a => a).ToHashSet(StringComparer.Ordinal);
        foreach (var name in observed.NameServers.Except(baseline.NameServers, StringComparer.Ordinal))
        {
            if (observed.Glue.TryGetValue(name, out var a) && a.Where(x => !known.Contains(x)).ToList() is { Count: > 0 } fresh)
            {
                findings.Add(Finding("CHG-03", zone, name, $"glue of the new name server {name} points at addresses not in the baseline: {string.Join(" ", fresh.Select(x => "+" + x))}", evidence));
            }
        }

        if (baseline.AuthoritativeAddresses.Count > 0)
        {
            foreach (var address in observed.AuthoritativeAddresses.Except(baseline.AuthoritativeAddresses, StringComparer.Ordinal))
            {
                findings.Add(Finding("CHG-04", zone, address, $"{address} answers authoritatively for {zone} and is not in the baseline", evidence));
            }
        }

        if (baseline.SoaMname is not null && observed.SoaMname is not null && baseline.SoaMname != observed.SoaMname)
        {
            findings.Add(Finding("CHG-05", zone, zone, $"SOA MNAME changed from {baseline.SoaMname} to {observed.SoaMname}", evidence));
        }

        if (baseline.SoaRname is not null && observed.SoaRname is not null && baseline.SoaRname != observed.SoaRname)
        {
            findings.Add(Finding("CHG-05", zone, zone, $"SOA RNAME changed from {baseline.SoaRname} to {observed.SoaRname}", evidence));
        }

        if (baseline.SoaSerial is { } old && observed.SoaSerial is { } now && SerialLess(now, old))
        {
            findings.Add(Finding("CHG-05", zone, zone, $"SOA serial went backwards from {old} to {now}", evidence));
        }

        return findings;
    }

    /// <summary>CHG-04 without a baseline: the parent's servers give different NS sets, glue or DS sets.</summary>
    public static IEnumerable<Finding> ParentDisagreement(ZoneObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var zone = observation.Zone.ToString();
        var views = observation.ParentReferrals.Where(p => p.Answered && Resolution.IterativeResolver.ReferralTarget(p.Response!) == observation.Zone)
            .Select(p => (Probe: p, View: DelegationSnapshot.FromRecords(observation.Zone, p.Response!.Authorities, [],
                p.Response.Authorities.Concat(p.Response.Additionals).ToLookup(r => r.Name))))
            .GroupBy(x => string.Join(" ", x.View.NameServers) + " | " + string.Join(" ", x.View.Glue.Select(g => g.Key + "=" + string.Join(",", g.Value))))
            .ToList();
        if (views.Count > 1)
        {
            yield return Finding("CHG-04", zone, "parent servers", "parent servers disagree on the delegation: "
                + string.Join("; ", views.Select(g => $"[{g.Key}] from {string.Join(", ", g.Select(x => x.Probe.Subject))}")), views.Select(g => g.First().Probe.ToEvidence()));
        }

        var ds = observation.ParentDs.Where(p => p.AuthoritativeOk).GroupBy(p => string.Join(" ", p.AnswerRecords(Dns.DnsRecordType.DS, observation.Zone)
            .Select(r => DelegationSnapshot.DsText((Dns.Records.DelegationSignerData)r.Data)).Order(StringComparer.Ordinal))).ToList();
        if (ds.Count > 1)
        {
            yield return Finding("CHG-04", zone, "parent servers", "parent servers disagree on the DS set: "
                + string.Join("; ", ds.Select(g => $"[{g.Key}] from {string.Join(", ", g.Select(p => p.Subject))}")), ds.Select(g => g.First().ToEvidence()));
        }
    }

    /// <summary>Per-zone comparison of two sets of delegations (e.g. every TLD of two root zone files).</summary>
    public static IReadOnlyList<Finding> CompareAll(IReadOnlyDictionary<string, DelegationSnapshot> baseline, IReadOnlyDictionary<string, DelegationSnapshot> observed)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(observed);
        var findings = new List<Finding>();
        foreach (var zone in baseline.Keys.Union(observed.Keys).Order(StringComparer.Ordinal))
        {
            if (!observed.TryGetValue(zone, out var after))
            {
                findings.Add(Finding("CHG-01", zone, zone, "delegation removed: " + string.Join(" ", baseline[zone].NameServers.Select(n => "-" + n))));
                continue;
            }

            if (!baseline.TryGetValue(zone, out var before))
            {
                findings.Add(Finding("CHG-01", zone, zone, "new delegation: " + string.Join(" ", after.NameServers.Select(n => "+" + n)), severity: Severity.Notice));
                continue;
            }

            findings.AddRange(Compare(before, after));
        }

        return findings;
    }

    private static string? Diff(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var removed = before.Except(after, StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(x => "-" + x);
        var added = after.Except(before, StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(x => "+" + x);
        var all = removed.Concat(added).ToList();
        return all.Count == 0 ? null : string.Join(" ", all);
    }

    /// <summary>RFC 1982 serial number arithmetic: a is before b.</summary>
    public static bool SerialLess(uint a, uint b) => a != b && ((a < b && b - a < 0x80000000u) || (a > b && a - b > 0x80000000u));
}
