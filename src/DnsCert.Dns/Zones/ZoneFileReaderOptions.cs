using DnsCert.Dns.Names;

namespace DnsCert.Dns.Zones;

/// <summary>Settings for <see cref="ZoneFileReader"/>.</summary>
public sealed class ZoneFileReaderOptions
{
    /// <summary>Deepest <c>$INCLUDE</c> nesting; stops include cycles (BIND uses a similar fixed bound).</summary>
    public const int DefaultMaxIncludeDepth = 8;

    /// <summary>Most records one <c>$GENERATE</c> line may produce, so a typo cannot emit billions.</summary>
    public const int DefaultMaxGeneratedRecords = 1_000_000;

    /// <summary>Initial <c>$ORIGIN</c>; the root when null.</summary>
    public DnsName? Origin { get; init; }

    /// <summary>TTL used before any <c>$TTL</c> or explicit TTL; when null such records are an error (except SOA).</summary>
    public uint? DefaultTtl { get; init; }

    /// <summary>Class of records that do not state one before any record does.</summary>
    public DnsClass DefaultClass { get; init; } = DnsClass.IN;

    /// <summary>Whether <c>$INCLUDE</c> may open files (off for untrusted input).</summary>
    public bool AllowInclude { get; init; } = true;

    /// <summary>Directory for relative <c>$INCLUDE</c> paths when the input is not a file.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Include nesting limit.</summary>
    public int MaxIncludeDepth { get; init; } = DefaultMaxIncludeDepth;

    /// <summary>Limit on records per <c>$GENERATE</c>.</summary>
    public int MaxGeneratedRecords { get; init; } = DefaultMaxGeneratedRecords;
}
