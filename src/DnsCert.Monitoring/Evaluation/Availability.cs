using System.Text.Json.Serialization;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Evaluation;

/// <summary>The verdict of one minute for one address or one zone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Availability>))]
public enum Availability
{
    /// <summary>Enough vantage points reported and the rule passed.</summary>
    Up,

    /// <summary>Enough vantage points reported and the rule failed.</summary>
    Down,

    /// <summary>Too few vantage points reported to say; never counted as downtime.</summary>
    Inconclusive,
}

/// <summary>One name-server address in one minute: how many vantage points reported and how many saw it down.</summary>
public sealed record AddressMinute(
    string Zone, string ServerName, string Address, DateTimeOffset Minute, int VantagePoints, int VantagePointsDown, Availability Availability);

/// <summary>One zone in one minute, with the per-address verdicts it was derived from.</summary>
public sealed record ZoneMinute(
    string Zone, DateTimeOffset Minute, int ServersUp, int ServersTotal, Availability Availability, IReadOnlyList<AddressMinute> Addresses);

/// <summary>
/// Per-minute availability (dns-health.md part b §1–2). Measurements are bucketed by their own measurement time, never by
/// arrival, so a late result for an earlier minute changes that minute when it is evaluated again. The input order does
/// not matter.
/// </summary>
public static class AvailabilityEvaluator
{
    /// <summary>The start of the UTC minute holding <paramref name="time"/>.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>The start of the cycle of length <paramref name="cycle"/> holding <paramref name="time"/> (cycles are aligned on the Unix epoch).</summary>
    public static DateTimeOffset CycleOf(DateTimeOffset time, TimeSpan cycle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cycle, TimeSpan.Zero);
        var ticks = time.ToUniversalTime().Ticks - DateTimeOffset.UnixEpoch.Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % cycle.Ticks) + cycle.Ticks) % cycle.Ticks));
    }

    /// <summary>
    /// A valid answer (part b §1): RCODE NOERROR, AA set, and not slower than <see cref="EvaluationSettings.UnansweredMultiple"/>
    /// times the transport's RTT limit. Timeouts, network errors and other RCODEs are failures (RSSAC047).
    /// Content checks (expected SOA/NS, DNSSEC validation) belong to the checks catalogue, not to this record.
    /// </summary>
    public static bool IsValid(ProbeMeasurement measurement, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(settings);
        return measurement.Ok && measurement.Authoritative
            && measurement.RttMilliseconds <= settings.RttLimit(measurement.Transport) * settings.UnansweredMultiple;
    }

    /// <summary>
    /// Per address and minute. A vantage point sees an address down in a minute when any of its probes to it in that
    /// minute failed (a server that answers UDP but not TCP is broken, RFC 7766). The address is down when at least
    /// <see cref="EvaluationSettings.DownPercent"/>% of the reporting vantage points saw it down (integer arithmetic, so
    /// exactly 51% is down), inconclusive below the quorum.
    /// </summary>
    public static IReadOnlyList<AddressMinute> EvaluateAddresses(IEnumerable<ProbeMeasurement> measurements, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var cells = new Dictionary<(string Zone, string Server, string Address, DateTimeOffset Minute), Dictionary<string, bool>>();
        foreach (var m in measurements)
        {
            var key = (Normalise(m.Zone), Normalise(m.ServerName), m.Address, CycleOf(m.Time, settings.Cycle));
            if (!cells.TryGetValue(key, out var byVantagePoint))
            {
                byVantagePoint = new Dictionary<string, bool>(StringComparer.Ordinal);
                cells[key] = byVantagePoint;
            }

            var valid = IsValid(m, settings);
            byVantagePoint[m.VantagePoint] = byVantagePoint.TryGetValue(m.VantagePoint, out var sawUp) ? sawUp && valid : valid;
        }

        return cells
            .Select(cell =>
            {
                var total = cell.Value.Count;
                var down = cell.Value.Values.Count(up => !up);
                var verdict = total < settings.MinimumVantagePoints ? Availability.Inconclusive
                    : down * 100 >= settings.DownPercent * total ? Availability.Down
                    : Availability.Up;
                return new AddressMinute(cell.Key.Zone, cell.Key.Server, cell.Key.Address, cell.Key.Minute, total, down, verdict);
            })
            .OrderBy(a => a.Zone, StringComparer.Ordinal).ThenBy(a => a.Minute).ThenBy(a => a.ServerName, StringComparer.Ordinal)
            .ThenBy(a => a.Address, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Per zone and minute (part b §2): up when at least <see cref="EvaluationSettings.MinimumServersUp"/> name servers are
    /// up on all their addresses; down when even counting every inconclusive address as up would not reach that number;
    /// otherwise inconclusive (too few vantage points to tell, so never down). A name server of the zone with no report in
    /// a minute is inconclusive in that minute, not down: the zone's name servers are <paramref name="expectedServers"/>
    /// (by zone, when the caller knows the delegation) together with every server reported for the zone in any minute
    /// of the input.
    /// </summary>
    public static IReadOnlyList<ZoneMinute> EvaluateZones(IEnumerable<ProbeMeasurement> measurements, EvaluationSettings settings,
        IReadOnlyDictionary<string, IReadOnlyCollection<string>>? expectedServers = null)
    {
        var addresses = EvaluateAddresses(measurements, settings);
        var known = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (zone, servers) in expectedServers ?? new Dictionary<string, IReadOnlyCollection<string>>())
        {
            ArgumentNullException.ThrowIfNull(servers);
            var set = KnownServers(known, Normalise(zone));
            set.UnionWith(servers.Select(Normalise));
        }

        foreach (var address in addresses)
        {
            KnownServers(known, address.Zone).Add(address.ServerName);
        }

        return addresses
            .GroupBy(a => (a.Zone, a.Minute))
            .Select(g =>
            {
                var servers = g.GroupBy(a => a.ServerName, StringComparer.Ordinal).ToList();
                var unreported = known[g.Key.Zone].Count(name => servers.All(s => s.Key != name));
                var up = servers.Count(s => s.All(a => a.Availability == Availability.Up));
                var possiblyUp = servers.Count(s => s.All(a => a.Availability != Availability.Down)) + unreported;
                var verdict = up >= settings.MinimumServersUp ? Availability.Up
                    : possiblyUp >= settings.MinimumServersUp ? Availability.Inconclusive
                    : Availability.Down;
                return new ZoneMinute(g.Key.Zone, g.Key.Minute, up, servers.Count + unreported, verdict, g.ToList());
            })
            .ToList();
    }

    private static HashSet<string> KnownServers(Dictionary<string, HashSet<string>> known, string zone)
    {
        if (!known.TryGetValue(zone, out var set))
        {
            set = new HashSet<string>(StringComparer.Ordinal);
            known[zone] = set;
        }

        return set;
    }

    // Zone and server names compare case-insensitively (RFC 4343) and with or without the final dot; ingestion refuses
    // names that do not parse, so one that does not is left as it is.
    private static string Normalise(string name) => DnsName.TryNormalize(name, out var normal) ? normal : name;
}
