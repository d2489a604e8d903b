using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>AAAA: an IPv6 address (RFC 3596).</summary>
public sealed class AaaaRecord : RecordData
{
    /// <summary>Creates an AAAA record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv6.</exception>
    public AaaaRecord(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId != 0)
        {
            throw new ArgumentException("AAAA records hold unscoped IPv6 addresses", nameof(address));
        }

        Address = address;
    }

    /// <summary>The IPv6 address.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.AAAA;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        Span<byte> bytes = stackalloc byte[16];
        Address.TryWriteBytes(bytes, out _);
        writer.WriteBytes(bytes);
    }

    internal override void AppendPresentation(StringBuilder sb) => sb.Append(Address);

    internal static AaaaRecord Read(ref DnsWireReader reader)
    {
        if (reader.Remaining != 16)
        {
            throw new DnsFormatException(reader.Position, "AAAA RDATA must be 16 octets");
        }

        return new AaaaRecord(new IPAddress(reader.ReadBytes(16)));
    }

    internal static AaaaRecord Parse(PresentationReader reader)
    {
        var token = reader.Next("IPv6 address");
        reader.ExpectEnd();
        return TryParseIPv6(token.Text, out var address)
            ? new AaaaRecord(address)
            : throw reader.Error(token, $"'{token.Text}' is not an IPv6 address");
    }

    internal static bool TryParseIPv6(string text, out IPAddress address)
    {
        address = IPAddress.IPv6None;
        if (text.Contains('%', StringComparison.Ordinal) || !text.Contains(':', StringComparison.Ordinal)
            || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }
}
