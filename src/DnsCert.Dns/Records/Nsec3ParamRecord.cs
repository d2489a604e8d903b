using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>NSEC3PARAM: the NSEC3 parameters an authoritative server uses (RFC 5155 §4).</summary>
public sealed class Nsec3ParamRecord : RecordData
{
    /// <summary>Creates an NSEC3PARAM record.</summary>
    public Nsec3ParamRecord(byte hashAlgorithm, byte flags, ushort iterations, byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(salt);
        if (salt.Length > 255)
        {
            throw new ArgumentException("salt is at most 255 octets", nameof(salt));
        }

        HashAlgorithm = hashAlgorithm;
        Flags = flags;
        Iterations = iterations;
        Salt = salt;
    }

    /// <summary>Hash algorithm (1 = SHA-1).</summary>
    public byte HashAlgorithm { get; }

    /// <summary>Flags (must be zero in zone data).</summary>
    public byte Flags { get; }

    /// <summary>Additional iterations.</summary>
    public ushort Iterations { get; }

    /// <summary>Salt.</summary>
    public ReadOnlyMemory<byte> Salt { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.NSEC3PARAM;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(HashAlgorithm);
        writer.WriteByte(Flags);
        writer.WriteUInt16(Iterations);
        writer.WriteCharacterString(Salt.Span);
    }

    internal override void AppendPresentation(StringBuilder sb) =>
        sb.Append(N(HashAlgorithm)).Append(' ').Append(N(Flags)).Append(' ').Append(N(Iterations)).Append(' ')
            .Append(Salt.Length == 0 ? "-" : Convert.ToHexString(Salt.Span));

    internal static Nsec3ParamRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadByte(), reader.ReadByte(), reader.ReadUInt16(), reader.ReadCharacterString().ToArray());

    internal static Nsec3ParamRecord Parse(PresentationReader reader)
    {
        var record = new Nsec3ParamRecord(reader.NextUInt8("hash algorithm"), reader.NextUInt8("flags"),
            reader.NextUInt16("iterations"), Nsec3Record.ParseSalt(reader));
        reader.ExpectEnd();
        return record;
    }
}
