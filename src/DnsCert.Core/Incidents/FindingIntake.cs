using System.Globalization;
using DnsCert.Core.Visibility;
using FindingSeverity = DnsCert.Monitoring.Model.Severity;

namespace DnsCert.Core.Incidents;

/// <summary>
/// One row of <c>zone_findings</c> (the monitoring runtime's current and past findings, docs/monitoring.md) as the
/// incident feed reads it, with what the feed last recorded of it (<see cref="SeenSeverity"/>, null when it never
/// drove an incident; <see cref="SeenCleared"/>).
/// </summary>
public sealed record ZoneFindingFact(
    long Id, string Zone, string CheckId, string Subject, FindingSeverity Severity, string Message, DateTimeOffset FirstSeen, DateTimeOffset? ClearedAt,
    FindingSeverity? SeenSeverity, bool SeenCleared);

/// <summary>What one finding does to its zone's incident, given what the feed recorded of it before.</summary>
public enum FindingEffect
{
    /// <summary>Nothing new: an ongoing finding seen again, below the threshold, or already handled.</summary>
    None,

    /// <summary>A finding at or above the threshold the feed has not seen: opens the zone's incident or adds to the open one.</summary>
    New,

    /// <summary>A finding that drove the incident got worse (error → critical).</summary>
    Rose,

    /// <summary>A finding that drove the incident has cleared (or aged out of the table).</summary>
    Cleared,
}

/// <summary>How a check's failure is classified: RSIT class/type, FIRST DNS technique and the effect for the severity matrix.</summary>
public sealed record FindingClass(RsitClassification Classification, DnsAbuseTechnique Technique, ImpactEffect Effect, string What);

/// <summary>
/// The findings feed's rules (docs/incidents.md §Findings feed): which findings open or update a zone's incident, how
/// the check that found them classifies the incident, and when the incident proposes resolution. One active incident
/// per zone (the key is <see cref="MonitoringIntake.DedupKey"/>, shared with the state feed).
/// </summary>
public static class FindingIntake
{
    /// <summary>The default threshold: a finding at ERROR or CRITICAL is an incident; a warning is the zone page's business.</summary>
    public const FindingSeverity DefaultThreshold = FindingSeverity.Error;

    private static readonly RsitClassification s_misconfiguration = new("availability", "misconfiguration");

    public static FindingEffect Decide(ZoneFindingFact finding, FindingSeverity threshold)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.SeenSeverity is not { } seen)
        {
            return finding.ClearedAt is null && finding.Severity >= threshold ? FindingEffect.New : FindingEffect.None;
        }

        if (finding.SeenCleared)
        {
            return FindingEffect.None;
        }

        if (finding.ClearedAt is not null)
        {
            return FindingEffect.Cleared;
        }

        return finding.Severity > seen ? FindingEffect.Rose : FindingEffect.None;
    }

    /// <summary>
    /// The classification table of docs/incidents.md. DNSSEC failures that make validation fail are operational
    /// misconfiguration (RSIT's own example) with effect outage; a delegation nobody answers for is an outage; lame
    /// servers are FIRST's "lame delegations"; an open resolver is an amplifier; a changed delegation, DS or glue
    /// against the approved baseline is a possible hijack — integrity, so the matrix gives a higher severity.
    /// </summary>
    public static FindingClass Classify(string checkId)
    {
        var id = (checkId ?? "").Trim().ToUpperInvariant();
        return id switch
        {
            "SEC-01" => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Outage, "DNSSEC chain of trust broken (DS matches no key)"),
            "SEC-02" => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Outage, "DS and signing disagree"),
            "SEC-03" => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Outage, "DNSSEC signatures expired or invalid"),
            "SEC-05" => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Outage, "DNSSEC denial of existence broken"),
            "SEC-07" => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Outage, "RRsets not signed with every algorithm"),
            _ when id.StartsWith("SEC-", StringComparison.Ordinal) => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Degraded, "DNSSEC problem"),
            "DEL-01" or "DEL-02" => new(new("availability", "outage"), DnsAbuseTechnique.None, ImpactEffect.Outage, "no working delegation"),
            "DEL-03" or "DEL-04" => new(s_misconfiguration, DnsAbuseTechnique.LameDelegations, ImpactEffect.Degraded, "lame or missing name servers"),
            _ when id.StartsWith("DEL-", StringComparison.Ordinal) => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Degraded, "delegation problem"),
            "NS-02" => new(new("vulnerable", "ddos-amplifier"), DnsAbuseTechnique.DnsAsVectorForDos, ImpactEffect.Exposure, "open recursion on a name server"),
            "NS-03" => new(new("vulnerable", "information-disclosure"), DnsAbuseTechnique.None, ImpactEffect.Exposure, "zone transfer open to anyone"),
            _ when id.StartsWith("NS-", StringComparison.Ordinal) => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Degraded, "name server problem"),
            "CHG-01" or "CHG-02" or "CHG-03" or "CHG-04" => new(new("information-content-security", "unauthorised-information-modification"),
                DnsAbuseTechnique.DomainNameCompromise, ImpactEffect.Integrity, "possible hijack: delegation changed against the baseline"),
            _ when id.StartsWith("CHG-", StringComparison.Ordinal) => new(new("information-content-security", "unauthorised-information-modification"),
                DnsAbuseTechnique.DomainNameCompromise, ImpactEffect.Degraded, "unexpected change"),
            _ => new(s_misconfiguration, DnsAbuseTechnique.None, ImpactEffect.Degraded, "zone problem"),
        };
    }

    /// <summary>
    /// The triage an incident opens with: the class of the worst of its findings (effect first, then the finding's
    /// severity), scope from the zone (a TLD), TLP:AMBER (the operator and the core team) and PAP:AMBER (passive checks
    /// only); a possible hijack is PAP:RED (no visible action that would warn the attacker).
    /// </summary>
    public static Triage TriageFor(string zone, IReadOnlyCollection<ZoneFindingFact> findings)
    {
        var worst = Worst(findings);
        var c = Classify(worst.CheckId);
        return Triage.FromMatrix(c.Classification, c.Technique, SeverityMatrix.ScopeOfZone(zone), c.Effect, Tlp.Amber,
            c.Effect == ImpactEffect.Integrity ? Pap.Red : Pap.Amber);
    }

    public static ZoneFindingFact Worst(IReadOnlyCollection<ZoneFindingFact> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return findings.Count == 0
            ? throw new ArgumentException("no findings", nameof(findings))
            : findings.OrderByDescending(f => Classify(f.CheckId).Effect).ThenByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).First();
    }

    public static string Title(string zone, IReadOnlyCollection<ZoneFindingFact> findings)
    {
        var worst = Worst(findings);
        return $"Zone {Fqdn(zone)}: {worst.CheckId} {Classify(worst.CheckId).What}";
    }

    /// <summary>The timeline text of a finding (one line per finding; the zone page holds its evidence).</summary>
    public static string Describe(ZoneFindingFact finding, FindingEffect effect)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var severity = Code(finding.Severity);
        return effect switch
        {
            FindingEffect.Rose => $"Monitoring: {finding.CheckId} on {Fqdn(finding.Zone)} rose from {Code(finding.SeenSeverity!.Value)} to {severity}: {finding.Message}",
            FindingEffect.Cleared => $"Monitoring: {finding.CheckId} on {Fqdn(finding.Zone)} cleared at {Stamp(finding.ClearedAt ?? finding.FirstSeen)} UTC ({finding.Subject})",
            _ => $"Monitoring: {finding.CheckId} ({severity}) on {Fqdn(finding.Zone)} since {Stamp(finding.FirstSeen)} UTC: {finding.Message}",
        };
    }

    /// <summary>What the automatic coordination request asks of the zone's operator.</summary>
    public static string RequestAction(string zone, IReadOnlyCollection<ZoneFindingFact> findings)
    {
        var worst = Worst(findings);
        return $"Our monitoring finds a problem on the zone {Fqdn(zone)} since {Stamp(worst.FirstSeen)} UTC: {worst.CheckId} ({Code(worst.Severity)}) {worst.Message}. "
               + "Please check the zone and its name servers, correct it, and tell us when it is fixed.";
    }

    /// <summary>Every finding that drove the incident has cleared and the zone is not down: the incident may propose resolution.</summary>
    public static bool ResolutionDue(long unclearedDrivers, string? zoneState) => unclearedDrivers == 0 && zoneState != "down";

    public static string Code(FindingSeverity severity) => severity.ToString().ToLowerInvariant();

    /// <summary>Reads a severity as configured or stored (<c>error</c>, <c>CRITICAL</c>); a ValidationException naming the field otherwise.</summary>
    public static FindingSeverity ParseSeverity(string? text, string field = "severity") =>
        Enum.TryParse<FindingSeverity>((text ?? "").Trim(), ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(text, out _)
            ? s
            : throw new ValidationException(field, $"'{text}' is not a finding severity (info, notice, warning, error, critical)");

    private static string Fqdn(string zone)
    {
        var name = MonitoringIntake.Normalise(zone);
        return name.Length == 0 ? "." : name + ".";
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
