using DnsCert.Dns.Names;

namespace DnsCert.Dns.Security;

/// <summary>A shared TSIG secret with its key name and HMAC algorithm (RFC 8945 §6).</summary>
public sealed class TsigKey
{
    /// <summary>Algorithm name for HMAC-SHA256, the mandatory-to-implement algorithm (RFC 8945 §6).</summary>
    public static DnsName HmacSha256 { get; } = DnsName.Parse("hmac-sha256.");

    /// <summary>Algorithm name for HMAC-SHA384.</summary>
    public static DnsName HmacSha384 { get; } = DnsName.Parse("hmac-sha384.");

    /// <summary>Algorithm name for HMAC-SHA512.</summary>
    public static DnsName HmacSha512 { get; } = DnsName.Parse("hmac-sha512.");

    private readonly byte[] _secret;

    /// <summary>Creates a key.</summary>
    /// <exception cref="ArgumentException">Unsupported algorithm or empty secret.</exception>
    public TsigKey(DnsName name, byte[] secret, DnsName? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(secret);
        algorithm ??= HmacSha256;
        if (algorithm != HmacSha256 && algorithm != HmacSha384 && algorithm != HmacSha512)
        {
            throw new ArgumentException($"unsupported TSIG algorithm {algorithm}", nameof(algorithm));
        }

        if (secret.Length == 0)
        {
            throw new ArgumentException("TSIG secret must not be empty", nameof(secret));
        }

        Name = name;
        Algorithm = algorithm;
        _secret = (byte[])secret.Clone();
    }

    /// <summary>Key name (the TSIG record owner).</summary>
    public DnsName Name { get; }

    /// <summary>HMAC algorithm name.</summary>
    public DnsName Algorithm { get; }

    /// <summary>Full MAC length in octets for the algorithm.</summary>
    public int MacLength => Algorithm == HmacSha256 ? 32 : Algorithm == HmacSha384 ? 48 : 64;

    internal byte[] ComputeMac(ReadOnlySpan<byte> data) =>
        Algorithm == HmacSha256 ? System.Security.Cryptography.HMACSHA256.HashData(_secret, data)
        : Algorithm == HmacSha384 ? System.Security.Cryptography.HMACSHA384.HashData(_secret, data)
        : System.Security.Cryptography.HMACSHA512.HashData(_secret, data);
}
