using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>
/// Webhook signing: <c>X-DnsCert-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.
/// The timestamp is inside the MAC so a captured request cannot be replayed later than the receiver's tolerance.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-DnsCert-Signature";

    /// <summary>How old a signed request a receiver should still accept.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(ReadOnlySpan<byte> body, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return "t=" + timestamp + ",v1=" + Mac(body, secret, timestamp);
    }

    /// <summary>True when the header's MAC matches the body and its timestamp is within the tolerance of now.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, string secret, string? header, DateTimeOffset now, TimeSpan tolerance)
    {
        string? timestamp = null, mac = null;
        foreach (var part in (header ?? "").Split(','))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                mac = part[3..];
            }
        }

        if (timestamp is null || mac is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(body, secret, timestamp)), Encoding.ASCII.GetBytes(mac));
    }

    private static string Mac(ReadOnlySpan<byte> body, string secret, string timestamp)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data)).ToLowerInvariant();
    }
}
