using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>Padding (RFC 7830): zero octets that hide the message size on encrypted transports.</summary>
public sealed class PaddingOption : EdnsOption
{
    /// <summary>Option code 12.</summary>
    public const ushort OptionCode = 12;

    /// <summary>Creates padding of <paramref name="length"/> octets.</summary>
    public PaddingOption(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ushort.MaxValue);
        Length = length;
    }

    /// <inheritdoc/>
    public override ushort Code => OptionCode;

    /// <summary>Number of padding octets.</summary>
    public int Length { get; }

    // RFC 7830 §4: senders pad with zeros; receivers ignore the content, so decoding keeps only the length.
    internal override void WriteValue(DnsWireWriter writer)
    {
        for (var i = 0; i < Length; i++)
        {
            writer.WriteByte(0);
        }
    }

    internal override void AppendPresentation(System.Text.StringBuilder sb) => sb.Append(ToString());

    /// <inheritdoc/>
    public override string ToString() => $"PADDING={Length}";
}
