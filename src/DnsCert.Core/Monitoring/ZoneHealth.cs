using System.Text.Json.Serialization;
using DnsCert.Core.Visibility;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Monitoring.Model;

namespace DnsCert.Core.Monitoring;

/// <summary>What the console shows for a watched zone, best to worst (the list sorts on this, worst first).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ZoneHealth>))]
public enum ZoneHealth
{
    /// <summary>The state machine says up and the latest check found nothing at ERROR or above.</summary>
    Up = 0,

    /// <summary>Not evaluated yet (no probe cycles, or fewer than the three that settle a state).</summary>
    Unknown = 1,

    /// <summary>Too few vantage points reported (dns-health.md part b §6): no fault is flagged.</summary>
    Inconclusive = 2,

    /// <summary>Not down, but the latest check found an ERROR or CRITICAL finding (a lame server, a broken chain, a hijack…).</summary>
    Degraded = 3,

    /// <summary>Fewer than two name servers answer: three failed cycles in a row (ICANN RSM).</summary>
    Down = 4,
}

/// <summary>
/// The one rule that turns the availability state machine and the checks catalogue into a <see cref="ZoneHealth"/>.
/// SQL listings do not restate it: they join the table <see cref="Table"/> enumerates from this very function.
/// </summary>
public static class ZoneHealthRules
{
    /// <summary>The worst finding that makes a zone that still answers <see cref="ZoneHealth.Degraded"/>.</summary>
    public const Severity DegradedAt = Severity.Error;

    public static ZoneHealth Of(ZoneState? state, Severity? worstFinding) => state switch
    {
        ZoneState.Down => ZoneHealth.Down,
        _ when worstFinding >= DegradedAt => ZoneHealth.Degraded,
        ZoneState.Inconclusive => ZoneHealth.Inconclusive,
        ZoneState.Up => ZoneHealth.Up,
        _ => ZoneHealth.Unknown,
    };

    /// <summary>Every (state, worst finding) pair with its health: null stands for "never evaluated" / "no finding".</summary>
    public static IEnumerable<(ZoneState? State, Severity? Worst, ZoneHealth Health)> Table() =>
        from state in Enum.GetValues<ZoneState>().Select(s => (ZoneState?)s).Append(null)
        from worst in Enum.GetValues<Severity>().Select(s => (Severity?)s).Append(null)
        select (state, worst, Of(state, worst));

    /// <summary>The lower-case code used in URLs, the API and the database (<c>down</c>, <c>degraded</c>…).</summary>
    public static string Code(this ZoneHealth health) => health.ToString().ToLowerInvariant();

    public static ZoneHealth ParseCode(string code, string field = "state") =>
        Enum.TryParse<ZoneHealth>(code, ignoreCase: true, out var health) && !int.TryParse(code, out _) && Enum.IsDefined(health)
            ? health
            : throw new ValidationException(field, $"must be one of {string.Join(", ", Enum.GetValues<ZoneHealth>().Select(h => h.Code()))}");
}

/// <summary>
/// Who sees a watched zone's monitoring data, expressed for the one visibility predicate: it is TLP:AMBER shared with
/// the organisations that hold the zone as an asset in the constituency directory. The core team sees every zone; a
/// constituent (partner, augmenter) only its organisations' zones; governance and the public none — unless the core
/// team publishes the zone on the status page, which makes its monitoring TLP:CLEAR (everyone, the public included).
/// </summary>
public static class WatchedZoneVisibility
{
    public const Tlp Label = Tlp.Amber;

    /// <summary>The label of a zone whose monitoring is published on the public status page.</summary>
    public const Tlp PublishedLabel = Tlp.Clear;

    public static VisibilityTarget Target(IReadOnlyCollection<Guid> holders, bool published = false) =>
        new(published ? PublishedLabel : Label, holders, [], null);
}

/// <summary>Who may change what is watched: add, remove, set the interval, propose and approve baselines.</summary>
public static class MonitoringPermissions
{
    /// <summary>The core team (duty officer, incident handler, analyst, administrator); approvals also need a second person.</summary>
    public static bool CanManage(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return viewer.IsCoreTeam;
    }

    /// <summary>Probe interval limits (the store and the watched_zones CHECK say the same).</summary>
    public const int MinimumIntervalSeconds = 10;

    public const int MaximumIntervalSeconds = 86400;
}

/// <summary>Names a person may ask to watch: host-name syntax (letters, digits, hyphens; underscores for service labels), RFC 1035 §2.3.1 lengths.</summary>
public static partial class WatchedZoneNames
{
    /// <summary>Lower case with the trailing dot; the root zone is ".".</summary>
    public static string Normalize(string? zone)
    {
        var text = (zone ?? "").Trim().ToLowerInvariant();
        if (text == ".")
        {
            return text;
        }

        text = text.TrimEnd('.');
        // RFC 1035 §2.3.4: 255 octets on the wire, i.e. 253 characters without the final dot.
        if (text.Length is 0 or > 253 || !Pattern().IsMatch(text))
        {
            throw new ValidationException("zone", "must be a domain name");
        }

        return text + ".";
    }

    // RFC 1035 §2.3.4: labels of 1 to 63 characters, not starting or ending with a hyphen.
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
