using System.Collections.Frozen;
using System.Globalization;

namespace DnsCert.Dns;

/// <summary>Presentation mnemonics for types and classes, including the RFC 3597 <c>TYPEnnn</c>/<c>CLASSnnn</c> forms.</summary>
public static class DnsMnemonics
{
    private static readonly FrozenDictionary<string, DnsRecordType> s_types = BuildTypes();

    private static FrozenDictionary<string, DnsRecordType> BuildTypes()
    {
        var map = new Dictionary<string, DnsRecordType>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in Enum.GetValues<DnsRecordType>())
        {
            if (value != DnsRecordType.None)
            {
                map[value.ToString()] = value;
            }
        }

        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Returns the mnemonic of a type, or <c>TYPEnnn</c> when it has none (RFC 3597 §5).</summary>
    public static string TypeToString(DnsRecordType type) =>
        type != DnsRecordType.None && Enum.IsDefined(type)
            ? type.ToString()
            : "TYPE" + ((ushort)type).ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a type mnemonic or <c>TYPEnnn</c>, case-insensitively.</summary>
    public static bool TryParseType(string text, out DnsRecordType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (s_types.TryGetValue(text, out type))
        {
            return true;
        }

        if (text.Length > 4 && text.StartsWith("TYPE", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            type = (DnsRecordType)number;
            return true;
        }

        type = DnsRecordType.None;
        return false;
    }

    /// <summary>Returns the mnemonic of a class, or <c>CLASSnnn</c>.</summary>
    public static string ClassToString(DnsClass dnsClass) => dnsClass switch
    {
        DnsClass.IN => "IN",
        DnsClass.CH => "CH",
        DnsClass.HS => "HS",
        DnsClass.NoneClass => "NONE",
        DnsClass.ANY => "ANY",
        _ => "CLASS" + ((ushort)dnsClass).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a class mnemonic or <c>CLASSnnn</c>, case-insensitively.</summary>
    public static bool TryParseClass(string text, out DnsClass dnsClass)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.ToUpperInvariant())
        {
            case "IN": dnsClass = DnsClass.IN; return true;
            case "CH": dnsClass = DnsClass.CH; return true;
            case "CS": dnsClass = (DnsClass)2; return true;
            case "HS": dnsClass = DnsClass.HS; return true;
            case "NONE": dnsClass = DnsClass.NoneClass; return true;
            case "ANY": dnsClass = DnsClass.ANY; return true;
        }

        if (text.Length > 5 && text.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            dnsClass = (DnsClass)number;
            return true;
        }

        dnsClass = DnsClass.None;
        return false;
    }
}
