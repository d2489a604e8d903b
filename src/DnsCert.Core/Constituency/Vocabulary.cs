namespace DnsCert.Core.Constituency;

/// <summary>What an organisation is to the DNS (issue 7). Stored and exchanged as the kebab-case code.</summary>
public enum OrganisationKind
{
    Other,
    RootOperator,
    CcTldRegistry,
    GTldRegistry,
    RegistryBackEndOperator,
    Registrar,
    DnsOperator,
    DnsSoftwareVendor,
    NationalCert,
    Rir,
    Isp,
    LawEnforcement,
}

/// <summary>ICANN's five geographic regions (ICANN Bylaws Art. 7 §7.5), plus unknown.</summary>
public enum IcannRegion
{
    Unknown,
    Africa,
    AsiaAustraliaPacific,
    Europe,
    LatinAmericaCaribbean,
    NorthAmerica,
}

/// <summary>How far the coordination center trusts an organisation's identity.</summary>
public enum VettingLevel
{
    Unvetted,
    Vetted,
    Trusted,
}

/// <summary>What a contact is for. The 24x7 emergency contact is the one reach tests and urgent alerts use.</summary>
public enum ContactRole
{
    Emergency,
    SecurityAbuse,
    Technical,
    Management,
    Press,
}

public enum AssetKind
{
    Zone,
    NameServer,
    IpPrefix,
    AsNumber,
    SoftwareProduct,
}

/// <summary>Where a record came from. Manual records override imported ones; imports never touch manual data.</summary>
public static class RecordSources
{
    public const string Manual = "manual";
    public const string RootZone = "root-zone";
    public const string Tlds = "tlds";
    public const string Lab = "lab";
    public const string Csv = "csv";
    public const string SecurityTxt = "security-txt";

    /// <summary>
    /// Which source decides when two claim the same asset: manual first, then the most specific import (lab and CSV
    /// name an operator; tlds.tsv names a manager; the root zone only knows the TLD).
    /// </summary>
    public static int Precedence(string source) => source switch
    {
        Manual => 0,
        Lab => 1,
        Csv => 2,
        SecurityTxt => 3,
        Tlds => 4,
        RootZone => 5,
        _ => 9,
    };
}

/// <summary>Kebab-case codes for the enums, the one spelling used in SQL, CSV, JSON, URLs and the CLI.</summary>
public static class Codes
{
    public static string ToCode<T>(this T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var chars = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                // "GTldRegistry" -> "gtld-registry", "CcTldRegistry" -> "cctld-registry", "DnsOperator" -> "dns-operator".
                var previousUpper = i > 0 && char.IsUpper(name[i - 1]);
                if (i > 0 && !previousUpper && !(i == 2 && name[..2] is "Cc" && c == 'T'))
                {
                    chars.Append('-');
                }

                chars.Append(char.ToLowerInvariant(c));
            }
            else
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }

    public static T Parse<T>(string? code, string field)
        where T : struct, Enum
    {
        var text = (code ?? "").Trim().ToLowerInvariant();
        foreach (var value in Enum.GetValues<T>())
        {
            if (value.ToCode() == text || value.ToString().Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new ValidationException(field,
            $"'{code}' is not one of: {string.Join(", ", Enum.GetValues<T>().Select(v => v.ToCode()))}");
    }
}
