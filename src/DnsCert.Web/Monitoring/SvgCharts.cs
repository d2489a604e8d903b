using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace DnsCert.Web.Monitoring;

/// <summary>One line of a chart: a label, a CSS class for its colour and dash, and a value (or a gap) per column.</summary>
public sealed record ChartSeries(string Label, string CssClass, IReadOnlyList<double?> Values);

/// <summary>A horizontal reference line (a service level) with its label.</summary>
public sealed record ChartThreshold(string Label, double Value, string CssClass);

/// <summary>
/// Server-rendered inline SVG charts: no script, a few kilobytes each, readable on a slow link. Each chart is an
/// <c>img</c> with a title and a description (WCAG 1.1.1); the page puts the same numbers in a table next to it.
/// Colours come from the site stylesheet through classes, so the SVG holds geometry only.
/// </summary>
public static class SvgCharts
{
    private const double Width = 640;
    private const double Height = 220;
    private const double Left = 52;
    private const double Right = 12;
    private const double Top = 22;
    private const double Bottom = 28;

    /// <summary>Lines over columns (time buckets), with threshold lines; the y axis starts at 0 and covers every value and threshold.</summary>
    public static string Lines(string id, string title, string description, IReadOnlyList<string> columns, IReadOnlyList<ChartSeries> series,
        IReadOnlyList<ChartThreshold> thresholds, string unit)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(thresholds);
        var max = series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).Concat(thresholds.Select(t => t.Value)).DefaultIfEmpty(1).Max();
        max = Nice(max * 1.1);
        var svg = Open(id, title, description);
        Axis(svg, max, unit, columns);
        foreach (var t in thresholds)
        {
            var y = Y(t.Value, max);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"threshold {Attr(t.CssClass)}\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"threshold-label {Attr(t.CssClass)}\" x=\"{Width - Right - 4}\" y=\"{y - 3:0.#}\" text-anchor=\"end\">{Text(t.Label)}</text>");
        }

        foreach (var s in series)
        {
            // A gap (no answered probe in a bucket) breaks the line rather than drawing through it.
            var path = new StringBuilder();
            var pen = false;
            for (var i = 0; i < s.Values.Count; i++)
            {
                if (s.Values[i] is not { } v)
                {
                    pen = false;
                    continue;
                }

                path.Append(CultureInfo.InvariantCulture, $"{(pen ? 'L' : 'M')}{X(i, s.Values.Count):0.#} {Y(v, max):0.#} ");
                pen = true;
            }

            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"series {Attr(s.CssClass)}\" d=\"{path.ToString().TrimEnd()}\"><title>{Text(s.Label)}</title></path>");
            if (s.Values.Count(v => v is not null) == 1)
            {
                var i = s.Values.ToList().FindIndex(v => v is not null);
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"series {Attr(s.CssClass)}\" cx=\"{X(i, s.Values.Count):0.#}\" cy=\"{Y(s.Values[i]!.Value, max):0.#}\" r=\"3\"/>");
            }
        }

        return Close(svg);
    }

    /// <summary>Bars per column as a percentage (0–100); a column without data is left empty; <paramref name="bad"/> marks a bar below the service level.</summary>
    public static string Bars(string id, string title, string description, IReadOnlyList<string> columns, IReadOnlyList<double?> percent,
        Func<int, bool> bad, ChartThreshold? threshold)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(percent);
        ArgumentNullException.ThrowIfNull(bad);
        var svg = Open(id, title, description);
        Axis(svg, 100, "%", columns);
        var step = (Width - Left - Right) / Math.Max(1, percent.Count);
        for (var i = 0; i < percent.Count; i++)
        {
            if (percent[i] is not { } p)
            {
                continue;
            }

            var y = Y(p, 100);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar{(bad(i) ? " bad" : "")}\" x=\"{Left + (i * step) + (step * 0.15):0.#}\" y=\"{y:0.#}\" width=\"{step * 0.7:0.#}\" height=\"{Height - Bottom - y:0.#}\"><title>{Text(columns[i])}: {p.ToString("0.###", CultureInfo.CurrentCulture)} %</title></rect>");
        }

        if (threshold is not null)
        {
            var y = Y(threshold.Value, 100);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"threshold {Attr(threshold.CssClass)}\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>");
        }

        return Close(svg);
    }

    private static StringBuilder Open(string id, string title, string description) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{Attr(id)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{Attr(id)}-t {Attr(id)}-d\" xmlns=\"http://www.w3.org/2000/svg\">")
        .Append(CultureInfo.InvariantCulture, $"<title id=\"{Attr(id)}-t\">{Text(title)}</title><desc id=\"{Attr(id)}-d\">{Text(description)}</desc>");

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void Axis(StringBuilder svg, double max, string unit, IReadOnlyList<string> columns)
    {
        for (var i = 0; i <= 4; i++)
        {
            var value = max * i / 4;
            var y = Y(value, max);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 4}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{value.ToString("0.#", CultureInfo.CurrentCulture)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick unit\" x=\"{Left - 4}\" y=\"12\" text-anchor=\"end\">{Text(unit)}</text>");
        if (columns.Count == 0)
        {
            return;
        }

        // First, middle and last column labels: enough to read the time axis without crowding it.
        foreach (var i in new[] { 0, columns.Count / 2, columns.Count - 1 }.Distinct())
        {
            var anchor = i == 0 ? "start" : i == columns.Count - 1 ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{X(i, columns.Count):0.#}\" y=\"{Height - 8}\" text-anchor=\"{anchor}\">{Text(columns[i])}</text>");
        }
    }

    private static double X(int i, int count)
    {
        var step = (Width - Left - Right) / Math.Max(1, count);
        return Left + (i * step) + (step / 2);
    }

    private static double Y(double value, double max) => Top + ((Height - Top - Bottom) * (1 - (Math.Clamp(value, 0, max) / max)));

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at least <paramref name="value"/>: round grid lines.</summary>
    private static double Nice(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * power >= value)
            {
                return m * power;
            }
        }

        return 10 * power;
    }

    // Every script left readable (Arabic labels stay characters, not entities); markup characters are still encoded.
    private static readonly HtmlEncoder s_encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Text(string text) => s_encoder.Encode(text);

    private static string Attr(string text) => s_encoder.Encode(text);
}
