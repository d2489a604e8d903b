using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>NSEC3: hashed authenticated denial of existence (RFC 5155 §3).</summary>
public sealed class Nsec3Record : RecordData
{
    private readonly DnsRecordType[] _types;

    /// <summary>Creates an NSEC3 record.</summary>
    public Nsec3Record(byte hashAlgorithm, byte flags, ushort iterations, byte[] salt, byte[] nextHashedOwner, IEnumerable<DnsRecordType> types)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(nextHashedOwner);
        ArgumentNullException.ThrowIfNull(types);
        if (salt.Length > 255 || nextHashedOwner.Length is 0 or > 255)
        {
            throw new ArgumentException("salt is at most 255 octets and the hash 1 to 255");
        }

        HashAlgorithm = hashAlgorithm;
        Flags = flags;
        Iterations = iterations;
        Salt = salt;
        NextHashedOwner = nextHashedOwner;
        _types = types is DnsRecordType[] sorted && IsStrictlyAscending(sorted) ? sorted : [.. types.Distinct().Order()];
    }

    /// <summary>Hash algorithm (1 = SHA-1).</summary>
    public byte HashAlgorithm { get; }

    /// <summary>Flags; bit 0 is opt-out.</summary>
    public byte Flags { get; }

    /// <summary>Additional hash iterations (RFC 9276 recommends 0).</summary>
    public ushort Iterations { get; }

    /// <summary>Salt (empty is shown as <c>-</c>).</summary>
    public ReadOnlyMemory<byte> Salt { get; }

    /// <summary>Next hashed owner name, raw hash octets.</summary>
    public ReadOnlyMemory<byte> NextHashedOwner { get; }

    /// <summary>Types at the original owner, ascending.</summary>
    public IReadOnlyList<DnsRecordType> Types => _types;

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.NSEC3;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(HashAlgorithm);
        writer.WriteByte(Flags);
        writer.WriteUInt16(Iterations);
        writer.WriteCharacterString(Salt.Span);
        writer.WriteCharacterString(NextHashedOwner.Span);
        TypeBitmap.Write(writer, _types);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(HashAlgorithm)).Append(' ').Append(N(Flags)).Append(' ').Append(N(Iterations)).Append(' ')
            .Append(Salt.Length == 0 ? "-" : Convert.ToHexString(Salt.Span)).Append(' ')
            .Append(Base32Hex.Encode(NextHashedOwner.Span));
        TypeBitmap.Append(sb, _types);
    }

    internal static Nsec3Record Read(ref DnsWireReader reader)
    {
        var algorithm = reader.ReadByte();
        var flags = reader.ReadByte();
        var iterations = reader.ReadUInt16();
        var salt = reader.ReadCharacterString().ToArray();
        var at = reader.Position;
        var hash = reader.ReadCharacterString().ToArray();
        if (hash.Length == 0)
        {
            throw new DnsFormatException(at, "NSEC3 next hashed owner is empty");
        }

        return new Nsec3Record(algorithm, flags, iterations, salt, hash, TypeBitmap.Read(ref reader));
    }

    internal static Nsec3Record Parse(PresentationReader reader)
    {
        var algorithm = reader.NextUInt8("hash algorithm");
        var flags = reader.NextUInt8("flags");
        var iterations = reader.NextUInt16("iterations");
        var salt = ParseSalt(reader);
        var hashToken = reader.Next("next hashed owner");
        if (!Base32Hex.TryDecode(hashToken.Text, out var hash) || hash.Length is 0 or > 255)
        {
            throw reader.Error(hashToken, "next hashed owner must be base32hex");
        }

        return new Nsec3Record(algorithm, flags, iterations, salt, hash, TypeBitmap.Parse(reader));
    }

    internal static byte[] ParseSalt(PresentationReader reader)
    {
        var token = reader.Next("salt");
        if (token.Text == "-")
        {
            return [];
        }

        var salt = reader.ParseHex(token, token.Text, "salt");
        return salt.Length > 255 ? throw reader.Error(token, "salt longer than 255 octets") : salt;
    }

    // The decoder yields bitmap types in strictly ascending order, so they can be kept without re-sorting.
    private static bool IsStrictlyAscending(DnsRecordType[] types)
    {
        for (var i = 1; i < types.Length; i++)
        {
            if (types[i] <= types[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
