using System.Diagnostics.Metrics;

namespace DnsCert.Web.Health;

/// <summary>Counts readiness probes by outcome, so an operator sees flapping in /metrics, not only the last answer.</summary>
public sealed class ReadinessMetrics
{
    private readonly Counter<long> _checks;

    public ReadinessMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Observability.DnsCertMeters.Web);
        _checks = meter.CreateCounter<long>("dnscert.readiness.checks", unit: "{check}",
            description: "Readiness probes answered, by outcome.");
    }

    public void Record(bool ready) => _checks.Add(1, new KeyValuePair<string, object?>("outcome", ready ? "ready" : "not_ready"));
}
