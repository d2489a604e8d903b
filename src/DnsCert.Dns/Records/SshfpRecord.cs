using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>SSHFP: an SSH host key fingerprint (RFC 4255, RFC 6594).</summary>
public sealed class SshfpRecord : RecordData
{
    /// <summary>Creates an SSHFP record.</summary>
    public SshfpRecord(byte algorithm, byte fingerprintType, byte[] fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        Algorithm = algorithm;
        FingerprintType = fingerprintType;
        Fingerprint = fingerprint;
    }

    /// <summary>Key algorithm (1 RSA, 2 DSA, 3 ECDSA, 4 Ed25519).</summary>
    public byte Algorithm { get; }

    /// <summary>Fingerprint type (1 SHA-1, 2 SHA-256).</summary>
    public byte FingerprintType { get; }

    /// <summary>Fingerprint octets.</summary>
    public ReadOnlyMemory<byte> Fingerprint { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.SSHFP;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(Algorithm);
        writer.WriteByte(FingerprintType);
        writer.WriteBytes(Fingerprint.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        // An empty fingerprint has no hex form in the type syntax, so it prints generically.
        if (Fingerprint.IsEmpty)
        {
            AppendGeneric(sb);
            return;
        }

        sb.Append(N(Algorithm)).Append(' ').Append(N(FingerprintType)).Append(' ').Append(Convert.ToHexString(Fingerprint.Span));
    }

    internal static SshfpRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadByte(), reader.ReadByte(), reader.ReadToLimit().ToArray());

    internal static SshfpRecord Parse(PresentationReader reader) =>
        new(reader.NextUInt8("algorithm"), reader.NextUInt8("fingerprint type"), reader.RestHex("fingerprint"));
}
