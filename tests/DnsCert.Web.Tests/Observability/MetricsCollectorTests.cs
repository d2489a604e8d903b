using System.Diagnostics.Metrics;
using DnsCert.Web.Observability;

namespace DnsCert.Web.Tests.Observability;

public class MetricsCollectorTests : IDisposable
{
    // A meter name of this test's own, so parallel tests never see each other's measurements.
    private readonly string _name = "DnsCert.Test" + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly MetricsCollector _collector;

    public MetricsCollectorTests()
    {
        _collector = new MetricsCollector([_name]);
        _meter = new Meter(_name);
    }

    public void Dispose()
    {
        _meter.Dispose();
        _collector.Dispose();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_counter_sums_per_label_set_with_sorted_escaped_labels()
    {
        var counter = _meter.CreateCounter<long>("dnscert.probes", "{probe}", "Probes sent.");
        counter.Add(2, new("zone", "ml."), new("agent", "a\"1"));
        counter.Add(3, new("agent", "a\"1"), new("zone", "ml."));
        counter.Add(1, new("zone", "ug."), new("agent", "b\\2"));

        var lines = Lines(_collector.Scrape());

        lines.ShouldBe([
            "# HELP dnscert_probes_total Probes sent.",
            "# TYPE dnscert_probes_total counter",
            "dnscert_probes_total{agent=\"a\\\"1\",zone=\"ml.\"} 5",
            "dnscert_probes_total{agent=\"b\\\\2\",zone=\"ug.\"} 1",
        ]);
    }

    [Fact]
    public void A_histogram_has_cumulative_inclusive_buckets_sum_and_count()
    {
        var histogram = _meter.CreateHistogram<double>("dnscert.probe.duration", "s", "Probe round trip.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1] });
        foreach (var v in new[] { 0.125, 0.25, 0.375, 0.75, 3.0 })
        {
            histogram.Record(v);
        }

        var lines = Lines(_collector.Scrape());

        lines.ShouldBe([
            "# HELP dnscert_probe_duration_seconds Probe round trip.",
            "# TYPE dnscert_probe_duration_seconds histogram",
            "dnscert_probe_duration_seconds_bucket{le=\"0.25\"} 2",
            "dnscert_probe_duration_seconds_bucket{le=\"0.5\"} 3",
            "dnscert_probe_duration_seconds_bucket{le=\"1\"} 4",
            "dnscert_probe_duration_seconds_bucket{le=\"+Inf\"} 5",
            "dnscert_probe_duration_seconds_sum 4.5",
            "dnscert_probe_duration_seconds_count 5",
        ]);
    }

    [Fact]
    public void Observable_instruments_are_polled_at_each_scrape_and_not_accumulated()
    {
        var level = 7;
        _meter.CreateObservableGauge("dnscert.queue.depth", () => level);
        _meter.CreateObservableCounter("dnscert.sent", () => new Measurement<long>(level * 10L));

        _collector.Scrape().ShouldContain("dnscert_queue_depth 7\n");
        level = 3;
        var text = _collector.Scrape();

        text.ShouldContain("dnscert_queue_depth 3\n");
        text.ShouldContain("dnscert_sent_total 30\n");
    }

    [Fact]
    public void An_up_down_counter_is_a_gauge_that_can_fall_below_zero()
    {
        var open = _meter.CreateUpDownCounter<int>("dnscert.incidents.open");
        open.Add(2);
        open.Add(-5);

        var text = _collector.Scrape();

        text.ShouldContain("# TYPE dnscert_incidents_open gauge\n");
        text.ShouldContain("dnscert_incidents_open -3\n");
    }

    [Fact]
    public void Meters_outside_the_exported_names_are_ignored()
    {
        using var other = new Meter("Elsewhere" + Guid.NewGuid().ToString("N"));
        other.CreateCounter<int>("elsewhere.count").Add(1);
        _meter.CreateCounter<int>("dnscert.mine").Add(1);

        var text = _collector.Scrape();

        text.ShouldNotContain("elsewhere");
        text.ShouldContain("dnscert_mine_total 1");
    }

    [Fact]
    public void Meters_of_another_host_in_the_same_process_are_ignored()
    {
        var otherScope = new object();
        using var scoped = new Meter(new MeterOptions(_name) { Scope = otherScope });
        scoped.CreateCounter<int>("dnscert.other.host").Add(1);

        _collector.Scrape().ShouldNotContain("dnscert_other_host");
    }

    [Theory]
    [InlineData("http.server.request.duration", "s", MetricKind.Histogram, "http_server_request_duration_seconds")]
    [InlineData("dnscert.mail.sent", "{message}", MetricKind.Counter, "dnscert_mail_sent_total")]
    [InlineData("dnscert.outbox.bytes", "By", MetricKind.Gauge, "dnscert_outbox_bytes")]
    [InlineData("9lives", null, MetricKind.Gauge, "_9lives")]
    [InlineData("requests_total", null, MetricKind.Counter, "requests_total")]
    public void Instrument_names_map_to_prometheus_names(string name, string? unit, MetricKind kind, string expected)
    {
        PrometheusNames.Metric(name, unit, kind).ShouldBe(expected);
    }
}
