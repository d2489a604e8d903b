using System.Text.Json;
using System.Text.Json.Serialization;

namespace DnsCert.Lab.Definition;

/// <summary>The declarative lab: root, TLDs with their (fictional) operators, rules for second-level zones.</summary>
public sealed record LabDefinition(
    RootDefinition Root,
    IReadOnlyList<string> SecondLevelLabels,
    IReadOnlyList<ZoneProfile> SecondLevelProfiles,
    IReadOnlyList<TldDefinition> Tlds)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The definition shipped in the assembly (Definition/lab.json).</summary>
    public static LabDefinition LoadEmbedded()
    {
        using var stream = typeof(LabDefinition).Assembly.GetManifestResourceStream("DnsCert.Lab.Definition.lab.json")
            ?? throw new InvalidOperationException("the embedded lab definition is missing");
        return Load(stream);
    }

    public static LabDefinition Load(Stream stream) =>
        JsonSerializer.Deserialize<LabDefinition>(stream, s_json) ?? throw new InvalidOperationException("empty lab definition");
}

public sealed record RootDefinition(DnssecProfile? Dnssec, IReadOnlyList<ServerKind> Servers);

public sealed record ZoneProfile(DnssecProfile? Dnssec, IReadOnlyList<ServerKind> Servers);

public sealed record TldDefinition(
    string Name, OperatorDefinition Operator, DnssecProfile? Dnssec, IReadOnlyList<ServerKind> Servers, int SecondLevelCount);

public sealed record OperatorDefinition(string Name, string Country, string Language, string TimeZone, IReadOnlyList<ContactDefinition> Contacts);

public sealed record ContactDefinition(string Name, string Role, string Email, string Phone);

/// <summary>How a zone is signed: which real signer, which algorithm number, which denial of existence.</summary>
public sealed record DnssecProfile(Signer Signer, int Algorithm, Denial Denial)
{
    public override string ToString() => $"{Signer.ToString().ToLowerInvariant()} alg {Algorithm} {DenialName(Denial)}";

    public static string DenialName(Denial denial) => denial switch
    {
        Denial.Nsec => "NSEC",
        Denial.Nsec3 => "NSEC3",
        _ => "NSEC3 opt-out",
    };
}

public enum Signer
{
    Ldns,
    Bind,
    Knot,
}

public enum Denial
{
    Nsec,
    Nsec3,
    Nsec3Optout,
}

/// <summary>The authoritative server software that serves an address.</summary>
public enum ServerKind
{
    Nsd,
    Knot,
    Bind,
}
