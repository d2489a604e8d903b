using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>TSIG RDATA: a transaction signature (RFC 8945 §4.2). Present only as the last additional record.</summary>
public sealed class TsigRecord : RecordData
{
    /// <summary>Largest time value: TIME SIGNED is a 48-bit field.</summary>
    public const ulong MaxTimeSigned = (1UL << 48) - 1;

    /// <summary>Creates TSIG RDATA.</summary>
    public TsigRecord(DnsName algorithm, ulong timeSigned, ushort fudge, byte[] mac, ushort originalId, ushort error, byte[] otherData)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(mac);
        ArgumentNullException.ThrowIfNull(otherData);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeSigned, MaxTimeSigned);
        Algorithm = algorithm;
        TimeSigned = timeSigned;
        Fudge = fudge;
        Mac = mac;
        OriginalId = originalId;
        Error = error;
        OtherData = otherData;
    }

    /// <summary>Algorithm name, e.g. <c>hmac-sha256.</c>.</summary>
    public DnsName Algorithm { get; }

    /// <summary>Seconds since 1970 when signed.</summary>
    public ulong TimeSigned { get; }

    /// <summary>Permitted clock skew in seconds.</summary>
    public ushort Fudge { get; }

    /// <summary>Message authentication code.</summary>
    public ReadOnlyMemory<byte> Mac { get; }

    /// <summary>Message ID before any forwarding changed it.</summary>
    public ushort OriginalId { get; }

    /// <summary>TSIG error (16 BADSIG, 17 BADKEY, 18 BADTIME, 22 BADTRUNC).</summary>
    public ushort Error { get; }

    /// <summary>Other data (server time on BADTIME).</summary>
    public ReadOnlyMemory<byte> OtherData { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.TSIG;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        // RFC 8945 §4.2: the algorithm name is not compressed.
        writer.WriteName(Algorithm, false, canonical);
        writer.WriteUInt48(TimeSigned);
        writer.WriteUInt16(Fudge);
        writer.WriteUInt16((ushort)Mac.Length);
        writer.WriteBytes(Mac.Span);
        writer.WriteUInt16(OriginalId);
        writer.WriteUInt16(Error);
        writer.WriteUInt16((ushort)OtherData.Length);
        writer.WriteBytes(OtherData.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        Algorithm.AppendTo(sb);
        sb.Append(' ').Append(N(TimeSigned)).Append(' ').Append(N(Fudge)).Append(' ').Append(N((ulong)Mac.Length));
        if (Mac.Length > 0)
        {
            sb.Append(' ').Append(Convert.ToBase64String(Mac.Span));
        }

        sb.Append(' ').Append(N(OriginalId)).Append(' ').Append(N(Error)).Append(' ').Append(N((ulong)OtherData.Length));
        if (OtherData.Length > 0)
        {
            sb.Append(' ').Append(Convert.ToBase64String(OtherData.Span));
        }
    }

    internal static TsigRecord Read(ref DnsWireReader reader)
    {
        var algorithm = reader.ReadName();
        var time = reader.ReadUInt48();
        var fudge = reader.ReadUInt16();
        var mac = reader.ReadBytes(reader.ReadUInt16()).ToArray();
        var originalId = reader.ReadUInt16();
        var error = reader.ReadUInt16();
        var other = reader.ReadBytes(reader.ReadUInt16()).ToArray();
        return new TsigRecord(algorithm, time, fudge, mac, originalId, error, other);
    }

    internal static TsigRecord Parse(PresentationReader reader)
    {
        var algorithm = reader.NextName("algorithm");
        var time = reader.NextNumber("time signed", MaxTimeSigned);
        var fudge = reader.NextUInt16("fudge");
        var macLength = reader.NextUInt16("MAC size");
        var mac = macLength == 0 ? [] : NextBase64(reader, "MAC");
        if (mac.Length != macLength)
        {
            throw reader.ErrorAtEnd("MAC size does not match the MAC");
        }

        var originalId = reader.NextUInt16("original ID");
        var error = reader.NextUInt16("error");
        var otherLength = reader.NextUInt16("other length");
        var other = otherLength == 0 ? [] : NextBase64(reader, "other data");
        if (other.Length != otherLength)
        {
            throw reader.ErrorAtEnd("other length does not match the other data");
        }

        reader.ExpectEnd();
        return new TsigRecord(algorithm, time, fudge, mac, originalId, error, other);
    }

    private static byte[] NextBase64(PresentationReader reader, string what)
    {
        var token = reader.Next(what);
        try
        {
            return Convert.FromBase64String(token.Text);
        }
        catch (FormatException)
        {
            throw reader.Error(token, $"{what} is not valid base64");
        }
    }
}
