namespace DnsCert.Web.Observability;

/// <summary>How an instrument is exposed in the Prometheus text format.</summary>
public enum MetricKind
{
    /// <summary>Monotonic sum (Counter, ObservableCounter): rendered with a <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>Value that goes up and down, or a last-observed value.</summary>
    Gauge,

    /// <summary>Distribution in cumulative buckets with <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,
}

/// <summary>One label set of one instrument. Updates lock the series; contention is per label set only.</summary>
internal sealed class MetricSeries(string labels, double[]? bucketBounds)
{
    private readonly Lock _gate = new();
    private readonly long[]? _bucketCounts = bucketBounds is null ? null : new long[bucketBounds.Length + 1];
    private double _value;
    private double _sum;
    private long _count;

    public string Labels { get; } = labels;

    public void Add(double delta)
    {
        lock (_gate)
        {
            _value += delta;
        }
    }

    public void Set(double value)
    {
        lock (_gate)
        {
            _value = value;
        }
    }

    public void Observe(double value)
    {
        var bounds = bucketBounds!;
        var index = Array.BinarySearch(bounds, value);
        // Prometheus buckets are "less than or equal": an exact hit belongs to that bucket.
        index = index >= 0 ? index : ~index;
        lock (_gate)
        {
            _bucketCounts![index]++;
            _sum += value;
            _count++;
        }
    }

    public (double Value, double Sum, long Count, long[]? Buckets) Snapshot()
    {
        lock (_gate)
        {
            return (_value, _sum, _count, _bucketCounts is null ? null : (long[])_bucketCounts.Clone());
        }
    }
}
