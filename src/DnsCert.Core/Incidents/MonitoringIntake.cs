using DnsCert.Core.Visibility;

namespace DnsCert.Core.Incidents;

/// <summary>One row of <c>zone_state_changes</c> (migration 0008): the monitoring runtime's state machine moved a zone.</summary>
public sealed record ZoneChange(long Id, string Zone, string FromState, string ToState, DateTimeOffset ChangedAt, string Reason);

/// <summary>What an incoming zone change does to incidents.</summary>
public enum ZoneChangeEffect
{
    /// <summary>Nothing to do (up → up, unknown → up: a zone seen for the first time).</summary>
    Ignore,

    /// <summary>The zone went down: open its incident, or add a finding to the one already open.</summary>
    OpenOrUpdate,

    /// <summary>The zone is inconclusive: a finding on its open incident, if any (never a new incident).</summary>
    UpdateOnly,

    /// <summary>The zone is back up: its open incident proposes resolution; a person confirms the closing.</summary>
    ProposeResolution,
}

/// <summary>
/// The monitoring feed's rules (docs/incidents.md §Monitoring). One open incident per zone, keyed
/// <see cref="DedupKey"/>; the database refuses a second active one, so an ongoing fault seen every cycle updates
/// its incident instead of opening a new one each time.
/// </summary>
public static class MonitoringIntake
{
    public static string DedupKey(string zone) => "zone:" + Normalise(zone);

    public static ZoneChangeEffect Decide(ZoneChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.ToState switch
        {
            "down" => ZoneChangeEffect.OpenOrUpdate,
            "inconclusive" => ZoneChangeEffect.UpdateOnly,
            "up" when change.FromState is "down" or "inconclusive" => ZoneChangeEffect.ProposeResolution,
            _ => ZoneChangeEffect.Ignore,
        };
    }

    /// <summary>
    /// The triage an automatic incident opens with. DNSSEC failures (expired or bogus signatures, broken chains) are
    /// RSIT availability:misconfiguration, the taxonomy's own DNSSEC example; a lame or broken delegation is
    /// misconfiguration with FIRST's "lame delegations"; everything else that takes a zone down is availability:outage.
    /// All of them are outages for resolvers, so scope × effect gives severity: a TLD down is critical.
    /// TLP:AMBER — the operator and the core team; PAP:AMBER — passive checks only until the operator answers.
    /// </summary>
    public static Triage TriageFor(ZoneChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var reason = change.Reason.ToLowerInvariant();
        var dnssec = reason.Contains("dnssec", StringComparison.Ordinal) || reason.Contains("rrsig", StringComparison.Ordinal)
                     || reason.Contains("signature", StringComparison.Ordinal) || reason.Contains("bogus", StringComparison.Ordinal)
                     || reason.Contains("dnskey", StringComparison.Ordinal) || reason.Contains("ds ", StringComparison.Ordinal);
        var lame = reason.Contains("lame", StringComparison.Ordinal) || reason.Contains("delegation", StringComparison.Ordinal);
        var classification = dnssec || lame ? new RsitClassification("availability", "misconfiguration") : new RsitClassification("availability", "outage");
        var technique = lame && !dnssec ? DnsAbuseTechnique.LameDelegations : DnsAbuseTechnique.None;
        return Triage.FromMatrix(classification, technique, SeverityMatrix.ScopeOfZone(change.Zone), ImpactEffect.Outage, Tlp.Amber, Pap.Amber);
    }

    public static string Title(ZoneChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var zone = Normalise(change.Zone);
        var what = TriageFor(change).Classification.Type == "misconfiguration" ? "misconfigured (resolution fails)" : "down";
        return $"Zone {(zone.Length == 0 ? "." : zone + ".")} {what}";
    }

    /// <summary>The zone name as assets and routing use it: lower case, no final dot ("" for the root).</summary>
    public static string Normalise(string zone) => (zone ?? "").Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>What the automatic coordination request asks of the zone's operator.</summary>
    public static string RequestAction(ZoneChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var zone = Normalise(change.Zone);
        return $"Our monitoring sees {(zone.Length == 0 ? "the root zone" : "the zone " + zone + ".")} failing since {change.ChangedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {change.Reason}. "
               + "Please check the zone and its name servers, restore service, and tell us when it is fixed.";
    }
}
