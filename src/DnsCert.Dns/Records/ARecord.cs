using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>A: an IPv4 address (RFC 1035 §3.4.1).</summary>
public sealed class ARecord : RecordData
{
    /// <summary>Creates an A record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4.</exception>
    public ARecord(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("A records hold IPv4 addresses", nameof(address));
        }

        Address = address;
    }

    /// <summary>The IPv4 address.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.A;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        Span<byte> bytes = stackalloc byte[4];
        Address.TryWriteBytes(bytes, out _);
        writer.WriteBytes(bytes);
    }

    internal override void AppendPresentation(StringBuilder sb) => sb.Append(Address);

    internal static ARecord Read(ref DnsWireReader reader)
    {
        if (reader.Remaining != 4)
        {
            throw new DnsFormatException(reader.Position, "A RDATA must be 4 octets");
        }

        return new ARecord(new IPAddress(reader.ReadBytes(4)));
    }

    internal static ARecord Parse(PresentationReader reader)
    {
        var token = reader.Next("IPv4 address");
        reader.ExpectEnd();
        return TryParseDottedQuad(token.Text, out var address)
            ? new ARecord(address)
            : throw reader.Error(token, $"'{token.Text}' is not a dotted-quad IPv4 address");
    }

    // IPAddress.TryParse also accepts "1" or "0x7f.1"; zone files allow only four decimal octets.
    internal static bool TryParseDottedQuad(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length is 0 or > 3 || !parts[i].All(char.IsAsciiDigit))
            {
                return false;
            }

            var value = int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return true;
    }
}
