namespace DnsCert.Dns.Dnssec;

/// <summary>Settings of a validation run.</summary>
public sealed class DnssecValidationOptions
{
    /// <summary>The validation time (RRSIG windows are checked against it).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Tolerance around inception and expiration.</summary>
    public TimeSpan ClockSkew { get; init; } = DnssecLimits.DefaultClockSkew;

    /// <summary>Keys tried per signature; see <see cref="DnssecLimits.MaxKeysPerSignature"/>.</summary>
    public int MaxKeysPerSignature { get; init; } = DnssecLimits.MaxKeysPerSignature;

    /// <summary>Signatures tried per RRset; see <see cref="DnssecLimits.MaxSignaturesPerRrset"/>.</summary>
    public int MaxSignaturesPerRrset { get; init; } = DnssecLimits.MaxSignaturesPerRrset;

    /// <summary>Verifications per RRset; see <see cref="DnssecLimits.MaxVerificationsPerRrset"/>.</summary>
    public int MaxVerificationsPerRrset { get; init; } = DnssecLimits.MaxVerificationsPerRrset;

    /// <summary>Highest NSEC3 iteration count accepted; see <see cref="DnssecLimits.MaxNsec3Iterations"/>.</summary>
    public ushort MaxNsec3Iterations { get; init; } = DnssecLimits.MaxNsec3Iterations;
}
