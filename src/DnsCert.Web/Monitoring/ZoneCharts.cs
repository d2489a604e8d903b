using System.Globalization;
using DnsCert.Core.Monitoring;
using Microsoft.Extensions.Localization;

namespace DnsCert.Web.Monitoring;

/// <summary>One RTT chart (one name-server address) with the rows of its table alternative.</summary>
public sealed record RttChart(string Server, string Address, string Svg, IReadOnlyList<RttRow> Rows);

/// <summary>A row of the RTT table: one bucket, both transports (null where nothing was answered).</summary>
public sealed record RttRow(string Bucket, RttBucket? Udp, RttBucket? Tcp);

/// <summary>The availability chart with its days.</summary>
public sealed record AvailabilityChart(string Svg, IReadOnlyList<SlaDay> Days);

/// <summary>
/// Turns a <see cref="ZoneHistory"/> into the zone page's charts: daily zone availability (SLR: no downtime) and, per
/// name-server address, UDP and TCP median and 95th percentile against the 500 ms / 1,500 ms service levels
/// (ICANN Specification 10; dns-health.md part b).
/// </summary>
public static class ZoneCharts
{
    public const double UdpLimitMilliseconds = 500;
    public const double TcpLimitMilliseconds = 1500;

    public static AvailabilityChart Availability(ZoneHistory history, IStringLocalizer l)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(l);
        var first = DateOnly.FromDateTime(history.From.UtcDateTime);
        var last = DateOnly.FromDateTime(history.To.UtcDateTime);
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            days.Add(d);
        }

        var byDay = history.Days.ToDictionary(d => d.Day);
        var percent = days.Select(d => byDay.TryGetValue(d, out var row) && row.Availability is { } a ? a * 100 : (double?)null).ToList();
        var measured = history.Days.Count;
        var down = history.Days.Sum(d => d.MinutesDown);
        var svg = SvgCharts.Bars("availability-chart", l["Monitoring.AvailabilityTitle"],
            l["Monitoring.AvailabilityDesc", measured, down],
            [.. days.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture))], percent,
            i => byDay.TryGetValue(days[i], out var row) && row.MinutesDown > 0, new ChartThreshold("100 %", 100, "slr"));
        return new AvailabilityChart(svg, history.Days);
    }

    public static IReadOnlyList<RttChart> Rtt(ZoneHistory history, IStringLocalizer l)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(l);
        var origin = history.Bucket == TimeSpan.FromHours(1)
            ? new DateTimeOffset(history.From.Year, history.From.Month, history.From.Day, history.From.Hour, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(history.From.UtcDateTime.Date, TimeSpan.Zero);
        var starts = new List<DateTimeOffset>();
        for (var t = origin; t < history.To; t += history.Bucket)
        {
            starts.Add(t);
        }

        var format = history.Bucket == TimeSpan.FromHours(1) ? "HH:mm" : "MM-dd";
        var labels = starts.Select(s => s.ToString(format, CultureInfo.InvariantCulture)).ToList();
        var charts = new List<RttChart>();
        var index = 0;
        foreach (var address in history.Rtt.GroupBy(r => (r.ServerName, r.Address)).OrderBy(g => g.Key.ServerName, StringComparer.Ordinal)
                     .ThenBy(g => g.Key.Address, StringComparer.Ordinal))
        {
            var udp = address.Where(r => r.Transport == "udp").ToDictionary(r => r.Start);
            var tcp = address.Where(r => r.Transport == "tcp").ToDictionary(r => r.Start);
            List<double?> Values(Dictionary<DateTimeOffset, RttBucket> rows, Func<RttBucket, double?> pick) =>
                [.. starts.Select(s => rows.TryGetValue(s, out var r) ? pick(r) : null)];

            var series = new List<ChartSeries>
            {
                new(l["Monitoring.UdpMedian"], "udp p50", Values(udp, r => r.MedianMs)),
                new(l["Monitoring.UdpP95"], "udp p95", Values(udp, r => r.P95Ms)),
                new(l["Monitoring.TcpMedian"], "tcp p50", Values(tcp, r => r.MedianMs)),
                new(l["Monitoring.TcpP95"], "tcp p95", Values(tcp, r => r.P95Ms)),
            };
            var udpWithin = Share(udp.Values);
            var tcpWithin = Share(tcp.Values);
            var svg = SvgCharts.Lines($"rtt-chart-{index++}", l["Monitoring.RttTitle", address.Key.ServerName, address.Key.Address],
                l["Monitoring.RttDesc", udpWithin, tcpWithin], labels, series,
                [new ChartThreshold("UDP 500 ms", UdpLimitMilliseconds, "udp"), new ChartThreshold("TCP 1500 ms", TcpLimitMilliseconds, "tcp")], "ms");
            var rows = starts.Select((s, i) => new RttRow(labels[i], udp.GetValueOrDefault(s), tcp.GetValueOrDefault(s)))
                .Where(r => r.Udp is not null || r.Tcp is not null).ToList();
            charts.Add(new RttChart(address.Key.ServerName, address.Key.Address, svg, rows));
        }

        return charts;
    }

    /// <summary>Share of probes within the limit, as the SLR counts them (an unanswered probe is outside), e.g. "99.2 %".</summary>
    private static string Share(IEnumerable<RttBucket> rows)
    {
        var list = rows.ToList();
        var queries = list.Sum(r => r.Queries);
        return queries == 0 ? "—" : (100.0 * list.Sum(r => r.WithinLimit) / queries).ToString("0.#", CultureInfo.CurrentCulture) + " %";
    }
}
