using DnsCert.Dns.Records;

namespace DnsCert.Dns.Transport;

/// <summary>One step of an incremental transfer: the records removed and added between two serials.</summary>
/// <param name="OldSerial">Serial before the step.</param>
/// <param name="NewSerial">Serial after the step.</param>
/// <param name="Deleted">Records removed (without the SOA markers).</param>
/// <param name="Added">Records added (without the SOA markers).</param>
public sealed record IxfrDelta(uint OldSerial, uint NewSerial, IReadOnlyList<ResourceRecord> Deleted, IReadOnlyList<ResourceRecord> Added);

/// <summary>Outcome of an IXFR request (RFC 1995 §4).</summary>
public sealed class IxfrResult
{
    /// <summary>The server's current SOA.</summary>
    public required SoaRecord CurrentSoa { get; init; }

    /// <summary>True when the server said the client is current (a single SOA reply).</summary>
    public bool IsUpToDate { get; init; }

    /// <summary>True when the server answered with deltas; false for an AXFR-style full zone.</summary>
    public bool IsIncremental { get; init; }

    /// <summary>Deltas in order (incremental replies only).</summary>
    public IReadOnlyList<IxfrDelta> Deltas { get; init; } = [];

    /// <summary>Whole zone without the closing SOA (AXFR-style replies only).</summary>
    public IReadOnlyList<ResourceRecord> FullZone { get; init; } = [];

    /// <summary>Raw response messages as received, for evidence.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ResponseMessages { get; init; } = [];
}
