using System.Diagnostics;
using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Changes;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Checks;

/// <summary>Settings of a one-shot check.</summary>
/// <param name="Hints">Root hints to start from.</param>
/// <param name="Anchor">Trust anchor of the root (null: no chain validation from an anchor).</param>
/// <param name="Probes">Probe behaviour.</param>
/// <param name="Baseline">Approved delegation to compare with (CHG-01…05), or null.</param>
public sealed record CheckOptions(ZoneCut Hints, TrustAnchor? Anchor, ProbeSettings Probes, DelegationSnapshot? Baseline = null);

/// <summary>A finished check: the report (findings and measurements) and the observation behind it.</summary>
public sealed record CheckRun(CheckReport Report, ZoneObservation Observation, DelegationSnapshot Snapshot);

/// <summary>Runs the whole catalogue against one zone: observe, then evaluate (the evaluation is pure).</summary>
public static class ZoneChecker
{
    public static async Task<CheckRun> CheckAsync(DnsName zone, CheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(options);
        var started = options.Probes.Time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var prober = new Prober(options.Probes);
        var resolver = new IterativeResolver(prober, options.Hints);
        var observation = await new ZoneProber(prober, resolver, options.Anchor).ObserveAsync(zone, cancellationToken);
        var findings = Evaluate(observation, options.Baseline);
        var measurements = prober.All.Select(p => p.ToMeasurement(options.Probes.VantagePoint, zone)).OrderBy(m => m.Time).ToList();
        var report = new CheckReport(zone.ToString(), options.Probes.VantagePoint, started, Math.Round(clock.Elapsed.TotalMilliseconds, 1), prober.QueriesSent,
            findings, measurements);
        return new CheckRun(report, observation, DelegationSnapshot.FromObservation(observation));
    }

    /// <summary>Every check on an observation, worst first, then by check ID and subject.</summary>
    public static IReadOnlyList<Finding> Evaluate(ZoneObservation observation, DelegationSnapshot? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var findings = DelegationChecks.Run(observation).ToList();
        if (findings.All(f => f.CheckId != "DEL-01"))
        {
            findings.AddRange(ServerChecks.Run(observation));
            findings.AddRange(DnssecChecks.Run(observation));
            findings.AddRange(ChangeDetector.ParentDisagreement(observation));
        }

        if (baseline is not null)
        {
            var evidence = observation.Delegation.Referral is { } referral ? new[] { referral.ToEvidence() } : [];
            findings.AddRange(ChangeDetector.Compare(baseline, DelegationSnapshot.FromObservation(observation), evidence));
        }

        return findings.OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }
}
