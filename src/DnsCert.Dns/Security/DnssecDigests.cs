using System.Security.Cryptography;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Security;

/// <summary>DS digests (RFC 4034 §5.1.4, RFC 4509, RFC 6605) and NSEC3 owner hashes (RFC 5155 §5).</summary>
public static class DnssecDigests
{
    /// <summary>DS digest type 1.</summary>
    public const byte Sha1 = 1;

    /// <summary>DS digest type 2.</summary>
    public const byte Sha256 = 2;

    /// <summary>DS digest type 4.</summary>
    public const byte Sha384 = 4;

    /// <summary>NSEC3 hash algorithm 1 (SHA-1), the only one defined.</summary>
    public const byte Nsec3Sha1 = 1;

    /// <summary>Builds the DS record data for <paramref name="key"/> at <paramref name="owner"/>.</summary>
    /// <exception cref="ArgumentException">Unknown digest type.</exception>
    public static DsRecord ComputeDs(DnsName owner, KeyRecordData key, byte digestType)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(key);
        using var writer = new DnsWireWriter(512);
        writer.WriteName(owner, lowerCase: true);
        key.WriteData(writer, compress: false, canonical: true);
        var input = writer.WrittenSpan;
#pragma warning disable CA5350 // SHA-1 is DS digest type 1; computing it is needed to check existing DS records.
        var digest = digestType switch
        {
            Sha1 => SHA1.HashData(input),
            Sha256 => SHA256.HashData(input),
            Sha384 => SHA384.HashData(input),
            _ => throw new ArgumentException($"unsupported DS digest type {digestType}", nameof(digestType)),
        };
#pragma warning restore CA5350
        return new DsRecord(key.KeyTag, key.Algorithm, digestType, digest);
    }

    /// <summary>
    /// The NSEC3 hash of <paramref name="name"/>: SHA-1 over the canonical name and salt, repeated
    /// <paramref name="iterations"/> more times (RFC 5155 §5). Callers should cap iterations from untrusted
    /// zones (RFC 9276 §3.2) before calling; the wire maximum of 65535 costs about 65536 hashes.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown hash algorithm.</exception>
    public static byte[] ComputeNsec3Hash(DnsName name, ushort iterations, ReadOnlySpan<byte> salt, byte algorithm = Nsec3Sha1)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (algorithm != Nsec3Sha1)
        {
            throw new ArgumentException($"unsupported NSEC3 hash algorithm {algorithm}", nameof(algorithm));
        }

        if (salt.Length > 255)
        {
            throw new ArgumentException("NSEC3 salt is at most 255 octets", nameof(salt));
        }

        var lowered = name.ToLowerInvariant().WireBytes;
        Span<byte> buffer = stackalloc byte[DnsName.MaxWireLength + 255];
        Span<byte> hash = stackalloc byte[20];
        lowered.CopyTo(buffer);
        salt.CopyTo(buffer[lowered.Length..]);
#pragma warning disable CA5350 // RFC 5155 fixes SHA-1 for NSEC3.
        SHA1.HashData(buffer[..(lowered.Length + salt.Length)], hash);
        for (var i = 0; i < iterations; i++)
        {
            hash.CopyTo(buffer);
            salt.CopyTo(buffer[20..]);
            SHA1.HashData(buffer[..(20 + salt.Length)], hash);
        }
#pragma warning restore CA5350
        return hash.ToArray();
    }

    /// <summary>The NSEC3 owner label (base32hex of the hash) for <paramref name="name"/>.</summary>
    public static string ComputeNsec3Label(DnsName name, ushort iterations, ReadOnlySpan<byte> salt) =>
        Base32Hex.Encode(ComputeNsec3Hash(name, iterations, salt));
}
