using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace DnsCert.Web.Observability;

/// <summary>
/// Listens to <see cref="System.Diagnostics.Metrics"/> instruments and renders them in the Prometheus text exposition
/// format 0.0.4. Written by us because no exporter package is in our registry (DESIGN §6).
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Bounds for second-valued histograms without advice; the spread of an HTTP request or a DNS probe.</summary>
    private static readonly double[] s_secondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>OpenTelemetry's default explicit bounds, for histograms of any other unit.</summary>
    private static readonly double[] s_defaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly IReadOnlyList<string> _meterPrefixes;
    private readonly object? _scope;
    private readonly Lock _scrapeGate = new();

    /// <param name="meterPrefixes">Meter names to export (a name or a dotted prefix).</param>
    /// <param name="scope">
    /// The host's <see cref="IMeterFactory"/>: meters it created are ours, meters of another host in the same process
    /// (tests run several) are not. Static meters without a scope (runtime, Npgsql) are always exported.
    /// </param>
    public MetricsCollector(IReadOnlyList<string> meterPrefixes, object? scope = null)
    {
        _meterPrefixes = meterPrefixes;
        _scope = scope;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsExported(instrument.Meter))
            {
                _instruments.TryAdd(instrument, new InstrumentState(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out var _);
        _listener.SetMeasurementEventCallback<byte>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<short>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<float>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, _) => Record(i, (double)v, t));
        _listener.Start();
    }

    /// <summary>Polls observable instruments, then writes every series.</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in _instruments.Values.GroupBy(s => s.MetricName).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                // Two instruments mapping to one Prometheus name would be an invalid exposition: the first wins.
                family.First().WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private bool IsExported(Meter meter) =>
        (meter.Scope is null || ReferenceEquals(meter.Scope, _scope))
        && _meterPrefixes.Any(p => meter.Name.Equals(p, StringComparison.Ordinal)
                                   || meter.Name.StartsWith(p + ".", StringComparison.Ordinal));

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state))
        {
            state.Record(value, tags);
        }
    }

    private sealed class InstrumentState
    {
        private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
        private readonly double[]? _bounds;
        private readonly bool _cumulativeObservation;
        private readonly bool _lastValue;

        public InstrumentState(Instrument instrument)
        {
            var type = instrument.GetType();
            var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            Kind = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricKind.Counter
                : definition == typeof(Histogram<>) ? MetricKind.Histogram
                : MetricKind.Gauge;
            // Observable instruments report the current total or level on every poll: store, never add.
            _cumulativeObservation = instrument.IsObservable;
            _lastValue = definition == typeof(Gauge<>);
            Help = instrument.Description ?? "";
            MetricName = PrometheusNames.Metric(instrument.Name, instrument.Unit, Kind);
            if (Kind == MetricKind.Histogram)
            {
                _bounds = AdvisedBounds(instrument)
                          ?? (instrument.Unit == "s" ? s_secondsBounds : s_defaultBounds);
            }
        }

        public MetricKind Kind { get; }

        public string MetricName { get; }

        public string Help { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = PrometheusNames.Labels(tags);
            var series = _series.GetOrAdd(labels, static (l, bounds) => new MetricSeries(l, bounds), _bounds);
            if (Kind == MetricKind.Histogram)
            {
                series.Observe(value);
            }
            else if (_cumulativeObservation || _lastValue)
            {
                series.Set(value);
            }
            else
            {
                series.Add(value);
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (_series.IsEmpty)
            {
                return;
            }

            var type = Kind switch { MetricKind.Counter => "counter", MetricKind.Histogram => "histogram", _ => "gauge" };
            text.Append("# HELP ").Append(MetricName).Append(' ').Append(PrometheusNames.EscapeHelp(Help)).Append('\n');
            text.Append("# TYPE ").Append(MetricName).Append(' ').Append(type).Append('\n');
            foreach (var series in _series.Values.OrderBy(s => s.Labels, StringComparer.Ordinal))
            {
                var (value, sum, count, buckets) = series.Snapshot();
                if (Kind != MetricKind.Histogram)
                {
                    WriteSample(text, MetricName, series.Labels, null, value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < buckets!.Length; i++)
                {
                    cumulative += buckets[i];
                    var le = i < _bounds!.Length ? PrometheusNames.Number(_bounds[i]) : "+Inf";
                    WriteSample(text, MetricName + "_bucket", series.Labels, le, cumulative);
                }

                WriteSample(text, MetricName + "_sum", series.Labels, null, sum);
                WriteSample(text, MetricName + "_count", series.Labels, null, count);
            }
        }

        private static void WriteSample(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(PrometheusNames.Number(value)).Append('\n');
        }

        private static double[]? AdvisedBounds(Instrument instrument) => instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
    }
}

/// <summary>Prometheus naming and escaping rules (exposition format 0.0.4).</summary>
public static class PrometheusNames
{
    /// <summary>Maps an OpenTelemetry-style instrument name and UCUM unit to a Prometheus metric name.</summary>
    public static string Metric(string instrumentName, string? unit, MetricKind kind)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        var name = new StringBuilder(instrumentName.Length + 16);
        foreach (var c in instrumentName)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        var suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        var text = name.ToString();
        if (suffix.Length > 0 && !text.EndsWith(suffix, StringComparison.Ordinal))
        {
            text += suffix;
        }

        if (kind == MetricKind.Counter && !text.EndsWith("_total", StringComparison.Ordinal))
        {
            text += "_total";
        }

        return text;
    }

    /// <summary>Renders tags as <c>a="x",b="y"</c>, sorted by key so that one label set is always one series.</summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = new (string Key, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = (LabelName(tags[i].Key), Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(key).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
        }

        return text.ToString();
    }

    public static string LabelName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "_" + name : name.ToString();
    }

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
