namespace DnsCert.Monitoring.Model;

/// <summary>
/// One check of the catalogue: a stable ID (dns-health.md part a), its default severity, a one-line definition and a
/// remediation hint given as a translation key plus its English text (translations are looked up by the key).
/// </summary>
public sealed record CheckDefinition(string Id, Severity Severity, string Definition, string RemediationKey, string Remediation);
