using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>NSID: name server identifier (RFC 5001). Empty in queries, the server's identifier in responses.</summary>
public sealed class NsidOption : EdnsOption
{
    /// <summary>Option code 3.</summary>
    public const ushort OptionCode = 3;

    /// <summary>Creates an NSID option; pass an empty array to request it.</summary>
    public NsidOption(byte[] identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Identifier = identifier;
    }

    /// <inheritdoc/>
    public override ushort Code => OptionCode;

    /// <summary>Opaque identifier octets.</summary>
    public ReadOnlyMemory<byte> Identifier { get; }

    internal override void WriteValue(DnsWireWriter writer) => writer.WriteBytes(Identifier.Span);

    internal override void AppendPresentation(StringBuilder sb) =>
        sb.Append("NSID=").Append(Convert.ToHexStringLower(Identifier.Span));

    /// <inheritdoc/>
    public override string ToString() =>
        $"NSID={Convert.ToHexStringLower(Identifier.Span)} (\"{Printable(Identifier.Span)}\")";
}
