using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>A batch as the agent announced it on standard output once it was in its spool (fsync'd).</summary>
public sealed record SpooledBatch(Guid Id, int Results, DateTimeOffset First, DateTimeOffset Last);

/// <summary>Reads the script-readable lines of <c>dnscert agent</c>.</summary>
public static partial class AgentLines
{
    public static IReadOnlyList<SpooledBatch> Spooled(IEnumerable<string> lines) =>
        [.. lines.Select(l => SpooledPattern().Match(l)).Where(m => m.Success).Select(m => new SpooledBatch(Guid.Parse(m.Groups[1].Value),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), DateTimeOffset.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)))];

    public static IReadOnlySet<Guid> Acknowledged(IEnumerable<string> lines) =>
        lines.Select(l => AcknowledgedPattern().Match(l)).Where(m => m.Success).Select(m => Guid.Parse(m.Groups[1].Value)).ToHashSet();

    public static int Count(ConcurrentQueue<string> lines, string word) => lines.Count(l => l.Contains(" " + word + " ", StringComparison.Ordinal));

    [GeneratedRegex(@" spooled ([0-9a-f-]{36}) results=(\d+) first=(\S+) last=(\S+)")]
    private static partial Regex SpooledPattern();

    [GeneratedRegex(@" acknowledged ([0-9a-f-]{36}) ")]
    private static partial Regex AcknowledgedPattern();
}
