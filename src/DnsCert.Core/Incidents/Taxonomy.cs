using System.Collections.Frozen;

namespace DnsCert.Core.Incidents;

/// <summary>
/// The Reference Security Incident Taxonomy (ENISA/TF-CSIRT RSIT 1.3, machine tags <c>rsit:class="type"</c>, 2021-05-26):
/// every class with its types, as the machine values spell them. A classification is one class and one of its types.
/// </summary>
public static class Rsit
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Classes { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["abusive-content"] = ["spam", "harmful-speech", "violence"],
        ["malicious-code"] = ["infected-system", "c2-server", "malware-distribution", "malware-configuration"],
        ["information-gathering"] = ["scanner", "sniffing", "social-engineering"],
        ["intrusion-attempts"] = ["ids-alert", "brute-force", "exploit"],
        ["intrusions"] = ["privileged-account-compromise", "unprivileged-account-compromise", "application-compromise", "system-compromise", "burglary"],
        ["availability"] = ["dos", "ddos", "misconfiguration", "sabotage", "outage"],
        ["information-content-security"] = ["unauthorised-information-access", "unauthorised-information-modification", "data-loss", "data-leak"],
        ["fraud"] = ["unauthorised-use-of-resources", "copyright", "masquerade", "phishing"],
        ["vulnerable"] = ["weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible", "information-disclosure", "vulnerable-system"],
        ["other"] = ["other", "undetermined"],
        ["test"] = ["test"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>What a report is before anyone triaged it.</summary>
    public static RsitClassification Undetermined { get; } = new("other", "undetermined");

    /// <summary>Reads "class:type" (or the two parts), case-blind; a <see cref="ValidationException"/> naming the field otherwise.</summary>
    public static RsitClassification Parse(string? rsitClass, string? rsitType, string field = "classification")
    {
        var c = (rsitClass ?? "").Trim().ToLowerInvariant();
        var t = (rsitType ?? "").Trim().ToLowerInvariant();
        if (rsitType is null && c.Contains(':', StringComparison.Ordinal))
        {
            (c, t) = (c[..c.IndexOf(':', StringComparison.Ordinal)], c[(c.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        }

        if (!Classes.TryGetValue(c, out var types))
        {
            throw new ValidationException(field, $"'{c}' is not an RSIT class ({string.Join(", ", Classes.Keys)})");
        }

        return types.Contains(t, StringComparer.Ordinal)
            ? new RsitClassification(c, t)
            : throw new ValidationException(field, $"'{t}' is not a type of RSIT class {c} ({string.Join(", ", types)})");
    }
}

/// <summary>An RSIT class and one of its types: <c>availability:outage</c>.</summary>
public sealed record RsitClassification(string Class, string Type)
{
    public override string ToString() => Class + ":" + Type;
}

/// <summary>
/// The DNS axis of a classification: the techniques of the FIRST DNS Abuse Techniques Matrix (FIRST DNS Abuse SIG,
/// MISP galaxy <c>first-dns</c> v2), plus <see cref="None"/> for incidents that are not DNS abuse (an outage, an
/// operational DNSSEC failure).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<DnsAbuseTechnique>))]
public enum DnsAbuseTechnique
{
    None,
    DomainGenerationAlgorithms,
    DomainNameCompromise,
    LameDelegations,
    DnsCachePoisoning,
    DnsRebinding,
    DnsServerCompromise,
    StubResolverHijacking,
    LocalRecursiveResolverHijacking,
    OnPathDnsAttack,
    DosAgainstTheDns,
    DnsAsVectorForDos,
    DynamicDnsResolution,
    InfiltrationAndExfiltrationViaTheDns,
    MaliciousRegistration,
    MaliciousSubdomainsUnderDynamicDns,
    CompromiseOfNonDnsServer,
    SpoofingUnregisteredDomainNames,
    SpoofingOfARegisteredDomain,
    DnsTunneling,
    DnsBeacons,
}

/// <summary>Permissible Actions Protocol (FIRST PAP): what the recipient may do with the information (not who may see it).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodeJsonConverter<Pap>))]
public enum Pap
{
    /// <summary>PAP:CLEAR — any action, including public disclosure of the indicators.</summary>
    Clear = 0,

    /// <summary>PAP:GREEN — active actions allowed (blocking, queries to the source).</summary>
    Green = 1,

    /// <summary>PAP:AMBER — passive actions only (logs, lookups that do not reach the adversary).</summary>
    Amber = 2,

    /// <summary>PAP:RED — no action outside the recipient's own network: do not query, do not block visibly.</summary>
    Red = 3,
}

public static class PapLabels
{
    public static string ToLabel(this Pap pap) => "PAP:" + pap.ToString().ToUpperInvariant();

    public static Pap Parse(string? text, string field = "pap")
    {
        var value = (text ?? "").Trim().ToUpperInvariant();
        if (value.StartsWith("PAP:", StringComparison.Ordinal))
        {
            value = value[4..];
        }

        return value switch
        {
            "CLEAR" or "WHITE" => Pap.Clear,
            "GREEN" => Pap.Green,
            "AMBER" => Pap.Amber,
            "RED" => Pap.Red,
            _ => throw new ValidationException(field, $"'{text}' is not a PAP label (CLEAR, GREEN, AMBER, RED)"),
        };
    }
}
