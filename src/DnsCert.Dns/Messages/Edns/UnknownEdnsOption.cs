using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>An option this library does not interpret, kept verbatim.</summary>
public sealed class UnknownEdnsOption : EdnsOption
{
    private readonly ushort _code;

    /// <summary>Creates an opaque option.</summary>
    public UnknownEdnsOption(ushort code, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _code = code;
        Value = value;
    }

    /// <inheritdoc/>
    public override ushort Code => _code;

    /// <summary>Raw option value.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    internal override void WriteValue(DnsWireWriter writer) => writer.WriteBytes(Value.Span);
}
