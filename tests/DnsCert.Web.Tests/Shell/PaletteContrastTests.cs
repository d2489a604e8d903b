using System.Globalization;
using System.Text.RegularExpressions;
using DnsCert.TestSupport;

namespace DnsCert.Web.Tests.Shell;

/// <summary>
/// The console's palette (wwwroot/css/site.css) against WCAG 2.2 SC 1.4.3: text colours reach a contrast ratio of at
/// least 4.5:1 on the backgrounds they are used on. axe-core checks rendered pages in the browser tests; this pins the
/// palette itself, so a new colour variable cannot slip under the line on a page the browser tests do not visit.
/// </summary>
public sealed partial class PaletteContrastTests
{
    private static readonly string s_css = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "DnsCert.Web", "wwwroot", "css", "site.css"));

    private static string Variable(string name) => Full(Regex.Match(s_css, $"--{name}: (#[0-9a-fA-F]{{6}}|#[0-9a-fA-F]{{3}})\\b").Groups[1].Value);

    /// <summary>#abc → #aabbcc; six digits and the empty string unchanged.</summary>
    private static string Full(string hex) => hex.Length == 4 ? "#" + string.Concat(hex[1..].Select(c => $"{c}{c}")) : hex;

    /// <summary>WCAG relative luminance of an sRGB colour written #rrggbb.</summary>
    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(1 + offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(0)) + (0.7152 * Channel(2)) + (0.0722 * Channel(4));
    }

    private static double Contrast(string a, string b)
    {
        var (l1, l2) = (Luminance(a), Luminance(b));
        return (Math.Max(l1, l2) + 0.05) / (Math.Min(l1, l2) + 0.05);
    }

    [Theory]
    [InlineData("ink", "bg")]
    [InlineData("muted", "bg")]
    [InlineData("accent", "bg")]
    [InlineData("bad", "bg")]
    [InlineData("ok", "bg")]
    [InlineData("ink", "line")]
    public void Text_colours_of_the_palette_reach_4_5_to_1_on_their_background(string text, string background)
    {
        var (fg, bg) = (Variable(text), Variable(background));
        fg.ShouldNotBeEmpty(text);
        bg.ShouldNotBeEmpty(background);
        Contrast(fg, bg).ShouldBeGreaterThanOrEqualTo(4.5, $"--{text} {fg} on --{background} {bg}");
    }

    [Theory]
    [InlineData("accent")]
    [InlineData("bad")]
    public void White_text_on_buttons_and_badges_reaches_4_5_to_1(string background) =>
        Contrast("#ffffff", Variable(background)).ShouldBeGreaterThanOrEqualTo(4.5, background);

    [Fact]
    public void Every_literal_text_colour_of_the_sheet_reaches_4_5_to_1_on_white()
    {
        // `color: #…` declarations outside the variables: state and severity labels, roster marks.
        var literals = LiteralColour().Matches(s_css).Select(m => m.Groups[1].Value).Distinct().ToList();
        literals.ShouldNotBeEmpty();
        foreach (var hex in literals.Where(h => !h.Equals("#fff", StringComparison.OrdinalIgnoreCase)))
        {
            Contrast(Full(hex), "#ffffff").ShouldBeGreaterThanOrEqualTo(4.5, hex);
        }
    }

    [GeneratedRegex(@"(?<![-\w])color: (#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")]
    private static partial Regex LiteralColour();
}
