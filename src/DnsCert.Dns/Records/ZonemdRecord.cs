using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>ZONEMD: a digest over the whole zone (RFC 8976).</summary>
public sealed class ZonemdRecord : RecordData
{
    /// <summary>Shortest digest allowed (RFC 8976 §2.2.4: at least 12 octets).</summary>
    public const int MinDigestLength = 12;

    /// <summary>Creates a ZONEMD record.</summary>
    public ZonemdRecord(uint serial, byte scheme, byte hashAlgorithm, byte[] digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        Serial = serial;
        Scheme = scheme;
        HashAlgorithm = hashAlgorithm;
        Digest = digest;
    }

    /// <summary>SOA serial the digest was computed for.</summary>
    public uint Serial { get; }

    /// <summary>Scheme (1 = SIMPLE).</summary>
    public byte Scheme { get; }

    /// <summary>Hash algorithm (1 = SHA-384, 2 = SHA-512).</summary>
    public byte HashAlgorithm { get; }

    /// <summary>Digest octets.</summary>
    public ReadOnlyMemory<byte> Digest { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.ZONEMD;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt32(Serial);
        writer.WriteByte(Scheme);
        writer.WriteByte(HashAlgorithm);
        writer.WriteBytes(Digest.Span);
    }

    internal override void AppendPresentation(StringBuilder sb) =>
        sb.Append(N(Serial)).Append(' ').Append(N(Scheme)).Append(' ').Append(N(HashAlgorithm)).Append(' ')
            .Append(Convert.ToHexString(Digest.Span));

    internal static ZonemdRecord Read(ref DnsWireReader reader)
    {
        var serial = reader.ReadUInt32();
        var scheme = reader.ReadByte();
        var algorithm = reader.ReadByte();
        if (reader.Remaining < MinDigestLength)
        {
            throw new DnsFormatException(reader.Position, $"ZONEMD digest shorter than {MinDigestLength} octets");
        }

        return new ZonemdRecord(serial, scheme, algorithm, reader.ReadToLimit().ToArray());
    }

    internal static ZonemdRecord Parse(PresentationReader reader)
    {
        var serial = reader.NextUInt32("serial");
        var scheme = reader.NextUInt8("scheme");
        var algorithm = reader.NextUInt8("hash algorithm");
        var digest = reader.RestHex("digest");
        return digest.Length < MinDigestLength
            ? throw reader.ErrorAtEnd($"ZONEMD digest shorter than {MinDigestLength} octets")
            : new ZonemdRecord(serial, scheme, algorithm, digest);
    }
}
