namespace DnsCert.Core.Incidents;

/// <summary>How bad an incident is; decides its SLA clocks (<see cref="SlaPolicy"/>).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<Severity>))]
public enum Severity
{
    Low = 0,
    Medium = 1,
    High = 2,
    Critical = 3,
}

/// <summary>How much of the DNS is touched: the rows of the severity matrix (docs/incidents.md).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<ImpactScope>))]
public enum ImpactScope
{
    /// <summary>One registered domain or a host below it.</summary>
    Domain = 0,

    /// <summary>An operator serving many domains: a registrar, a DNS hosting operator, a resolver operator.</summary>
    Operator = 1,

    /// <summary>A top-level domain (or a second-level registry such as co.uk).</summary>
    Tld = 2,

    /// <summary>The root zone, a root server, or several TLDs at once.</summary>
    Root = 3,
}

/// <summary>What the fault does to resolution: the columns of the severity matrix.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<ImpactEffect>))]
public enum ImpactEffect
{
    /// <summary>Nothing fails yet: a weakness, an exposure, a report to check.</summary>
    Exposure = 0,

    /// <summary>Resolution works but worse: some servers down, lame delegation, signatures close to expiry.</summary>
    Degraded = 1,

    /// <summary>Resolution fails for validating or all resolvers: all servers down, bogus or expired DNSSEC.</summary>
    Outage = 2,

    /// <summary>Answers are wrong on purpose: hijacked delegation, poisoned cache, compromised server or registrar account.</summary>
    Integrity = 3,
}

/// <summary>
/// The documented severity matrix (docs/incidents.md §Severity): scope × effect → severity. A TLD outage is critical
/// because every name below it fails at once; an exposure of one domain is low. The handler may override the result
/// (the override is a timeline entry), but the matrix gives the starting point every time.
/// </summary>
public static class SeverityMatrix
{
    // Rows: Domain, Operator, Tld, Root. Columns: Exposure, Degraded, Outage, Integrity.
    private static readonly Severity[,] s_matrix =
    {
        { Severity.Low, Severity.Low, Severity.Medium, Severity.High },
        { Severity.Low, Severity.Medium, Severity.High, Severity.Critical },
        { Severity.Medium, Severity.High, Severity.Critical, Severity.Critical },
        { Severity.High, Severity.Critical, Severity.Critical, Severity.Critical },
    };

    public static Severity Assess(ImpactScope scope, ImpactEffect effect) => s_matrix[(int)scope, (int)effect];

    /// <summary>
    /// The effect a classification implies before anyone looks closer: intrusions and DNS hijacking techniques are
    /// integrity failures, availability outages and DoS are outages, misconfiguration is degraded, the rest exposure.
    /// </summary>
    public static ImpactEffect DefaultEffect(RsitClassification classification, DnsAbuseTechnique technique)
    {
        ArgumentNullException.ThrowIfNull(classification);
        if (technique is DnsAbuseTechnique.DomainNameCompromise or DnsAbuseTechnique.DnsCachePoisoning or DnsAbuseTechnique.DnsServerCompromise
            or DnsAbuseTechnique.OnPathDnsAttack or DnsAbuseTechnique.LocalRecursiveResolverHijacking or DnsAbuseTechnique.StubResolverHijacking)
        {
            return ImpactEffect.Integrity;
        }

        return classification.Class switch
        {
            "intrusions" => ImpactEffect.Integrity,
            "information-content-security" when classification.Type == "unauthorised-information-modification" => ImpactEffect.Integrity,
            "availability" when classification.Type is "outage" or "dos" or "ddos" or "sabotage" => ImpactEffect.Outage,
            "availability" => ImpactEffect.Degraded,
            _ when technique is DnsAbuseTechnique.DosAgainstTheDns => ImpactEffect.Outage,
            _ when technique is DnsAbuseTechnique.LameDelegations => ImpactEffect.Degraded,
            _ => ImpactEffect.Exposure,
        };
    }

    /// <summary>
    /// The scope a zone name implies: the root, a TLD (one label), or a domain. Operators are named by the handler
    /// (routing tells who, not how many names they serve).
    /// </summary>
    public static ImpactScope ScopeOfZone(string zone)
    {
        var name = (zone ?? "").Trim().TrimEnd('.');
        if (name.Length == 0)
        {
            return ImpactScope.Root;
        }

        return name.Contains('.', StringComparison.Ordinal) ? ImpactScope.Domain : ImpactScope.Tld;
    }
}
