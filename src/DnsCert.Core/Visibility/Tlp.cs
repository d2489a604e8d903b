namespace DnsCert.Core.Visibility;

/// <summary>
/// Traffic Light Protocol 2.0 labels (FIRST, 2022), ordered from widest to narrowest audience. The order matters:
/// a viewer allowed a level is allowed every wider one. Labels are never translated.
/// </summary>
public enum Tlp
{
    /// <summary>TLP:CLEAR — no limit on disclosure; the public may see it.</summary>
    Clear = 0,

    /// <summary>TLP:GREEN — the community: every signed-in participant, not the public.</summary>
    Green = 1,

    /// <summary>TLP:AMBER — the recipients' organisations (and their clients) on a need-to-know basis.</summary>
    Amber = 2,

    /// <summary>TLP:AMBER+STRICT — the recipients' organisations only.</summary>
    AmberStrict = 3,

    /// <summary>TLP:RED — named individual recipients only.</summary>
    Red = 4,
}

/// <summary>The label text as TLP 2.0 spells it (<c>TLP:AMBER+STRICT</c>) and back.</summary>
public static class TlpLabels
{
    /// <summary>FIRST's TLP 2.0 colour (RGB) of the label, shown on a black background.</summary>
    public static string Colour(this Tlp tlp) => tlp switch
    {
        Tlp.Red => "#FF2B2B",
        Tlp.Amber or Tlp.AmberStrict => "#FFC000",
        Tlp.Green => "#33FF00",
        _ => "#FFFFFF",
    };

    public static string ToLabel(this Tlp tlp) => tlp switch
    {
        Tlp.Clear => "TLP:CLEAR",
        Tlp.Green => "TLP:GREEN",
        Tlp.Amber => "TLP:AMBER",
        Tlp.AmberStrict => "TLP:AMBER+STRICT",
        Tlp.Red => "TLP:RED",
        _ => throw new ArgumentOutOfRangeException(nameof(tlp), tlp, "not a TLP 2.0 level"),
    };

    /// <summary>
    /// Reads <c>TLP:AMBER+STRICT</c>, <c>amber+strict</c> and the like. TLP 1.0's WHITE is read as CLEAR, as FIRST's
    /// transition guidance says. Throws <see cref="ValidationException"/> naming the field otherwise.
    /// </summary>
    public static Tlp Parse(string? text, string field = "tlp")
    {
        var value = (text ?? "").Trim().ToUpperInvariant();
        if (value.StartsWith("TLP:", StringComparison.Ordinal))
        {
            value = value[4..];
        }

        return value switch
        {
            "CLEAR" or "WHITE" => Tlp.Clear,
            "GREEN" => Tlp.Green,
            "AMBER" => Tlp.Amber,
            "AMBER+STRICT" => Tlp.AmberStrict,
            "RED" => Tlp.Red,
            _ => throw new ValidationException(field, $"'{text}' is not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"),
        };
    }
}
