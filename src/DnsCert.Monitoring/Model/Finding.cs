namespace DnsCert.Monitoring.Model;

/// <summary>
/// What a check found about a zone: the check ID and severity, the subject (a server, an address, an RRset…), a
/// message in English, the remediation key of the check, and the evidence (the exact queries and responses).
/// </summary>
public sealed record Finding(string CheckId, Severity Severity, string Zone, string Subject, string Message, string RemediationKey,
    IReadOnlyList<ProbeEvidence> Evidence);

/// <summary>The result of one full check of a zone.</summary>
/// <param name="Zone">The zone checked, with its trailing dot.</param>
/// <param name="VantagePoint">Where the probes came from.</param>
/// <param name="Started">When the check began.</param>
/// <param name="ElapsedMilliseconds">Duration of the whole check.</param>
/// <param name="QueriesSent">Queries sent (resolution included).</param>
/// <param name="Findings">Findings, worst first.</param>
/// <param name="Measurements">Every probe to the zone's and its parent's servers.</param>
public sealed record CheckReport(string Zone, string VantagePoint, DateTimeOffset Started, double ElapsedMilliseconds, int QueriesSent,
    IReadOnlyList<Finding> Findings, IReadOnlyList<ProbeMeasurement> Measurements)
{
    /// <summary>The worst severity found, or null when there is no finding.</summary>
    public Severity? Worst => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);
}
