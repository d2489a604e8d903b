using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>EDNS Client Subnet (RFC 7871).</summary>
public sealed class ClientSubnetOption : EdnsOption
{
    /// <summary>Option code 8.</summary>
    public const ushort OptionCode = 8;

    private readonly byte[] _address;

    /// <summary>Creates an ECS option; the address is truncated to <paramref name="sourcePrefixLength"/> bits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A prefix longer than the address.</exception>
    public ClientSubnetOption(IPAddress address, byte sourcePrefixLength, byte scopePrefixLength = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sourcePrefixLength, bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scopePrefixLength, bits);
        Family = (ushort)(bits == 32 ? 1 : 2);
        SourcePrefixLength = sourcePrefixLength;
        ScopePrefixLength = scopePrefixLength;
        var bytes = address.GetAddressBytes();
        _address = bytes[..((sourcePrefixLength + 7) / 8)];
        if (sourcePrefixLength % 8 != 0)
        {
            _address[^1] &= (byte)(0xFF << (8 - (sourcePrefixLength % 8)));
        }
    }

    private ClientSubnetOption(ushort family, byte source, byte scope, byte[] address)
    {
        Family = family;
        SourcePrefixLength = source;
        ScopePrefixLength = scope;
        _address = address;
    }

    /// <inheritdoc/>
    public override ushort Code => OptionCode;

    /// <summary>Address family (1 IPv4, 2 IPv6).</summary>
    public ushort Family { get; }

    /// <summary>Leftmost bits of the client address the query carries.</summary>
    public byte SourcePrefixLength { get; }

    /// <summary>Leftmost bits the answer covers (set by servers).</summary>
    public byte ScopePrefixLength { get; }

    /// <summary>The (truncated) address padded back to full length.</summary>
    public IPAddress Address
    {
        get
        {
            var full = new byte[Family == 1 ? 4 : 16];
            _address.CopyTo(full, 0);
            return new IPAddress(full);
        }
    }

    internal override void WriteValue(DnsWireWriter writer)
    {
        writer.WriteUInt16(Family);
        writer.WriteByte(SourcePrefixLength);
        writer.WriteByte(ScopePrefixLength);
        writer.WriteBytes(_address);
    }

    internal static ClientSubnetOption Read(ReadOnlySpan<byte> value, int offset)
    {
        if (value.Length < 4)
        {
            throw new DnsFormatException(offset, "client subnet option shorter than 4 octets");
        }

        var family = BinaryPrimitives.ReadUInt16BigEndian(value);
        var source = value[2];
        var scope = value[3];
        var maxBits = family switch
        {
            1 => 32,
            2 => 128,
            _ => throw new DnsFormatException(offset, $"client subnet family {family} is not IPv4 or IPv6"),
        };
        if (source > maxBits || scope > maxBits)
        {
            throw new DnsFormatException(offset, "client subnet prefix longer than the address");
        }

        var address = value[4..];

        // RFC 7871 §6: exactly ceil(source/8) octets, with the bits past the prefix zero.
        if (address.Length != (source + 7) / 8
            || (source % 8 != 0 && (address[^1] & (byte)(0xFF >> (source % 8))) != 0))
        {
            throw new DnsFormatException(offset, "client subnet address does not match its prefix length");
        }

        return new ClientSubnetOption(family, source, scope, address.ToArray());
    }

    internal override void AppendPresentation(System.Text.StringBuilder sb) => sb.Append(ToString());

    /// <inheritdoc/>
    public override string ToString() => $"ECS={Address}/{SourcePrefixLength}/{ScopePrefixLength}";
}
