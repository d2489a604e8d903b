using DnsCert.Core.Incidents;
using DnsCert.Core.Visibility;

namespace DnsCert.Core.Tests.Incidents;

/// <summary>The print layout of the after-action report: markup stays text, the TLP label is on every page box.</summary>
public class AfterActionHtmlTests
{
    private static readonly DateTimeOffset s_at = new(2026, 11, 21, 14, 0, 0, TimeSpan.Zero);

    private static string Render(string markdown, Tlp tlp = Tlp.Amber, string title = "ml. down", string team = "DNS-CERT") =>
        AfterActionHtml.Render(new AfterActionDocument(42, "INC-42", title, tlp, Pap.Amber, markdown, s_at), team);

    [Fact]
    public void Nothing_in_the_report_or_its_names_becomes_markup()
    {
        var html = Render("# Report <script>alert(1)</script>\n\n| who | what |\n|---|---|\n| <img src=x> | a \\| b |\n\n- [x] **done** `<b>`",
            title: "</title><script>x</script>", team: "Team\"; } @page { content: \"</style><script>y</script>");

        html.ShouldNotContain("<script");
        html.ShouldNotContain("<img");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        html.ShouldContain("<td>&lt;img src=x&gt;</td><td>a | b</td>");
        html.ShouldContain("☑ <strong>done</strong> <code>&lt;b&gt;</code>");
        // The team name sits in a CSS string: quotes, braces and angle brackets are escaped, so it cannot end the string.
        html.ShouldContain("Team\\22 \\3B  \\7D  \\40 page \\7B  content:");
        html.Split("</style>").Length.ShouldBe(2);
        // No outside resource may be fetched while printing.
        html.ShouldContain("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    }

    [Theory]
    [InlineData(Tlp.Clear, "TLP:CLEAR", "#FFFFFF")]
    [InlineData(Tlp.Green, "TLP:GREEN", "#33FF00")]
    [InlineData(Tlp.AmberStrict, "TLP:AMBER+STRICT", "#FFC000")]
    [InlineData(Tlp.Red, "TLP:RED", "#FF2B2B")]
    public void The_tlp_label_is_in_the_header_and_footer_of_every_page_in_firsts_colour_on_black(Tlp tlp, string label, string colour)
    {
        var html = Render("## Summary\n\ntext", tlp);
        var css = "\"" + label + "\"";

        foreach (var box in new[] { "@top-right", "@bottom-right" })
        {
            var rule = html[html.IndexOf(box, StringComparison.Ordinal)..];
            rule = rule[..rule.IndexOf('}', StringComparison.Ordinal)];
            rule.ShouldContain($"content: {css}");
            rule.ShouldContain($"color: {colour}; background: #000");
        }
    }

    [Fact]
    public void The_drafts_tables_lists_and_headings_come_out_as_html()
    {
        var html = Render("# After-action report\n\n## Clocks\n\n| clock | target |\n|---|---|\n| acknowledge | 15m |\n\nfirst line\nsecond line\n\n- one\n- [ ] open task");

        html.ShouldContain("<h1>After-action report</h1>");
        html.ShouldContain("<h2>Clocks</h2>");
        html.ShouldContain("<thead><tr><th>clock</th><th>target</th></tr></thead>");
        html.ShouldContain("<tr><td>acknowledge</td><td>15m</td></tr>");
        html.ShouldContain("<p>first line<br>second line</p>");
        html.ShouldContain("<ul>\n<li>one</li>\n<li class=\"task\">☐ open task</li>\n</ul>");
    }
}
