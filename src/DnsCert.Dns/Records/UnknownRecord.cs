using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>RDATA of a type this library does not model, kept as opaque octets (RFC 3597).</summary>
public sealed class UnknownRecord : RecordData
{
    private readonly DnsRecordType _type;

    /// <summary>Creates opaque RDATA for <paramref name="type"/>.</summary>
    public UnknownRecord(DnsRecordType type, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _type = type;
        Data = data;
    }

    /// <summary>The raw RDATA.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => _type;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical) => writer.WriteBytes(Data.Span);

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append("\\# ").Append(N((ulong)Data.Length));
        if (Data.Length > 0)
        {
            sb.Append(' ').Append(Convert.ToHexStringLower(Data.Span));
        }
    }
}
