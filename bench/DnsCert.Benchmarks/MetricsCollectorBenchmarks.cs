using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using DnsCert.Web.Observability;

namespace DnsCert.Benchmarks;

/// <summary>
/// The cost our /metrics exporter adds to every measurement (every HTTP request records a histogram with five tags;
/// probes will record several per exchange) and the cost of one scrape.
/// </summary>
[MemoryDiagnoser]
public class MetricsCollectorBenchmarks
{
    private Meter _meter = null!;
    private MetricsCollector _collector = null!;
    private Counter<long> _counter = null!;
    private Histogram<double> _histogram = null!;
    private readonly KeyValuePair<string, object?>[] _httpTags =
    [
        new("http.request.method", "GET"), new("url.scheme", "http"), new("http.route", "/readyz"),
        new("http.response.status_code", 200), new("network.protocol.version", "1.1"),
    ];

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("DnsCert.Bench");
        _collector = new MetricsCollector(["DnsCert.Bench"]);
        _counter = _meter.CreateCounter<long>("dnscert.bench.count");
        _histogram = _meter.CreateHistogram<double>("dnscert.bench.duration", "s");
        for (var i = 0; i < 200; i++)
        {
            _counter.Add(1, new KeyValuePair<string, object?>("zone", $"zone{i}."));
            _histogram.Record(i / 1000.0, new KeyValuePair<string, object?>("zone", $"zone{i}."));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meter.Dispose();
        _collector.Dispose();
    }

    [Benchmark(Description = "counter +1, no tags")]
    public void CounterNoTags() => _counter.Add(1);

    [Benchmark(Description = "histogram, 5 HTTP tags")]
    public void HistogramHttpTags() => _histogram.Record(0.0042, _httpTags.AsSpan());

    [Benchmark(Description = "scrape, 400 series")]
    public int Scrape() => _collector.Scrape().Length;
}
