using System.Buffers.Binary;
using System.Security.Cryptography;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Security;

/// <summary>TSIG signing and verification of whole messages (RFC 8945 §4.3 and §5).</summary>
public static class TsigSigner
{
    /// <summary>Default permitted clock skew (RFC 8945 §10 recommends 300 seconds).</summary>
    public const ushort DefaultFudge = 300;

    /// <summary>Shortest truncated MAC accepted (RFC 8945 §5.2.2.1: at least 10 octets and half the full length).</summary>
    public const int MinTruncatedMacLength = 10;

    /// <summary>
    /// Appends a TSIG record to an encoded message. For a response pass the request's MAC so the two are chained
    /// (RFC 8945 §4.3.3.1). Returns the signed bytes and the MAC, which signs the next message in the exchange.
    /// </summary>
    /// <exception cref="DnsFormatException">The message is malformed.</exception>
    public static (byte[] Message, byte[] Mac) Sign(ReadOnlySpan<byte> message, TsigKey key, DateTimeOffset now,
        ReadOnlySpan<byte> requestMac = default, ushort fudge = DefaultFudge, ushort error = 0, byte[]? otherData = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (message.Length < DnsMessage.HeaderSize)
        {
            throw new DnsFormatException(0, "message shorter than a header");
        }

        otherData ??= [];
        var time = (ulong)now.ToUnixTimeSeconds();
        var originalId = BinaryPrimitives.ReadUInt16BigEndian(message);
        var mac = ComputeMac(key, message, originalId, requestMac, key.Algorithm, time, fudge, error, otherData);
        var record = new ResourceRecord(key.Name, DnsClass.ANY, 0,
            new TsigRecord(key.Algorithm, time, fudge, mac, originalId, error, otherData));
        using var writer = new DnsWireWriter(message.Length + 128);
        writer.WriteBytes(message);
        record.Write(writer, compress: false);
        var signed = writer.ToArray();
        var arcount = BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(10));
        if (arcount == ushort.MaxValue)
        {
            throw new DnsFormatException(10, "additional section is full");
        }

        BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(10), (ushort)(arcount + 1));
        return (signed, mac);
    }

    /// <summary>Checks the TSIG of a received message.</summary>
    /// <param name="message">Exact received bytes.</param>
    /// <param name="key">The expected key.</param>
    /// <param name="now">Current time for the fudge window.</param>
    /// <param name="requestMac">For responses, the MAC of the request that was sent.</param>
    public static TsigStatus Verify(ReadOnlySpan<byte> message, TsigKey key, DateTimeOffset now, ReadOnlySpan<byte> requestMac = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        DnsMessage decoded;
        try
        {
            decoded = DnsMessage.Decode(message);
        }
        catch (DnsFormatException)
        {
            return TsigStatus.Malformed;
        }

        return Verify(message, decoded, key, now, requestMac);
    }

    /// <summary>Checks the TSIG of a message that was already decoded from <paramref name="message"/>.</summary>
    public static TsigStatus Verify(ReadOnlySpan<byte> message, DnsMessage decoded, TsigKey key, DateTimeOffset now,
        ReadOnlySpan<byte> requestMac = default)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        ArgumentNullException.ThrowIfNull(key);
        if (decoded.Tsig is not { Data: TsigRecord tsig } record || decoded.TsigOffset < DnsMessage.HeaderSize)
        {
            return TsigStatus.NotSigned;
        }

        if (record.Name != key.Name || tsig.Algorithm != key.Algorithm)
        {
            return TsigStatus.BadKey;
        }

        var mac = tsig.Mac.Span;
        if (mac.Length > key.MacLength || mac.Length < Math.Max(MinTruncatedMacLength, key.MacLength / 2))
        {
            return mac.Length > key.MacLength ? TsigStatus.BadSignature : TsigStatus.BadTruncation;
        }

        // RFC 8945 §5.2: the MAC is checked before the time, so a forged message cannot probe the clock.
        var expected = ComputeMac(key, message[..decoded.TsigOffset], tsig.OriginalId, requestMac, tsig.Algorithm,
            tsig.TimeSigned, tsig.Fudge, tsig.Error, tsig.OtherData.Span, decrementArcount: true);
        if (!CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, mac.Length), mac))
        {
            return TsigStatus.BadSignature;
        }

        var skew = Math.Abs(now.ToUnixTimeSeconds() - (long)tsig.TimeSigned);
        return skew > tsig.Fudge ? TsigStatus.BadTime : TsigStatus.Valid;
    }

    /// <summary>
    /// Signs a later message of a multi-message response (RFC 8945 §5.3.1): the MAC covers the prior MAC, any
    /// unsigned messages sent since it, this message and only the TSIG timers.
    /// </summary>
    public static (byte[] Message, byte[] Mac) SignSubsequent(ReadOnlySpan<byte> message, TsigKey key, DateTimeOffset now,
        ReadOnlySpan<byte> priorMac, IReadOnlyList<byte[]>? unsignedSince = null, ushort fudge = DefaultFudge)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (message.Length < DnsMessage.HeaderSize)
        {
            throw new DnsFormatException(0, "message shorter than a header");
        }

        var time = (ulong)now.ToUnixTimeSeconds();
        var originalId = BinaryPrimitives.ReadUInt16BigEndian(message);
        var mac = ComputeSubsequentMac(key, priorMac, unsignedSince ?? [], message, originalId, time, fudge, decrementArcount: false);
        var record = new ResourceRecord(key.Name, DnsClass.ANY, 0, new TsigRecord(key.Algorithm, time, fudge, mac, originalId, 0, []));
        using var writer = new DnsWireWriter(message.Length + 128);
        writer.WriteBytes(message);
        record.Write(writer, compress: false);
        var signed = writer.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(signed.AsSpan(10), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(10)) + 1));
        return (signed, mac);
    }

    internal static byte[] ComputeSubsequentMac(TsigKey key, ReadOnlySpan<byte> priorMac, IReadOnlyList<byte[]> unsignedSince,
        ReadOnlySpan<byte> message, ushort originalId, ulong time, ushort fudge, bool decrementArcount)
    {
        using var writer = new DnsWireWriter(message.Length + 128);
        writer.WriteUInt16((ushort)priorMac.Length);
        writer.WriteBytes(priorMac);
        foreach (var earlier in unsignedSince)
        {
            writer.WriteBytes(earlier);
        }

        writer.WriteUInt16(originalId);
        writer.WriteBytes(message[2..10]);
        var arcount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        writer.WriteUInt16(decrementArcount ? (ushort)(arcount - 1) : arcount);
        writer.WriteBytes(message[DnsMessage.HeaderSize..]);
        writer.WriteUInt48(time);
        writer.WriteUInt16(fudge);
        return key.ComputeMac(writer.WrittenSpan);
    }

    private static byte[] ComputeMac(TsigKey key, ReadOnlySpan<byte> message, ushort originalId, ReadOnlySpan<byte> requestMac,
        Names.DnsName algorithm, ulong time, ushort fudge, ushort error, ReadOnlySpan<byte> otherData, bool decrementArcount = false)
    {
        using var writer = new DnsWireWriter(message.Length + 256);
        if (!requestMac.IsEmpty)
        {
            writer.WriteUInt16((ushort)requestMac.Length);
            writer.WriteBytes(requestMac);
        }

        // The message as it was before the TSIG was added: original ID and one fewer additional record.
        writer.WriteUInt16(originalId);
        writer.WriteBytes(message[2..10]);
        var arcount = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        writer.WriteUInt16(decrementArcount ? (ushort)(arcount - 1) : arcount);
        writer.WriteBytes(message[DnsMessage.HeaderSize..]);

        // TSIG variables (RFC 8945 §4.3.3): names in canonical form, class ANY, TTL 0.
        writer.WriteName(key.Name, lowerCase: true);
        writer.WriteUInt16((ushort)DnsClass.ANY);
        writer.WriteUInt32(0);
        writer.WriteName(algorithm, lowerCase: true);
        writer.WriteUInt48(time);
        writer.WriteUInt16(fudge);
        writer.WriteUInt16(error);
        writer.WriteUInt16((ushort)otherData.Length);
        writer.WriteBytes(otherData);
        return key.ComputeMac(writer.WrittenSpan);
    }
}
