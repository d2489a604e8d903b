using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace DnsCert.Core.Accounts;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits — what every
/// authenticator app speaks.
/// </summary>
public static class Totp
{
    public const int Digits = 6;

    /// <summary>RFC 6238 §5.2 recommends one step of tolerance for clock drift and typing time; we allow one either side.</summary>
    public const int Window = 1;

    public static readonly TimeSpan StepLength = TimeSpan.FromSeconds(30);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)StepLength.TotalSeconds;

    /// <summary>The code for one time step (RFC 4226 §5.3 dynamic truncation).</summary>
    public static string Code(ReadOnlySpan<byte> key, long step, int digits = Digits)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // HMAC-SHA1 is what RFC 6238 authenticators use; HMAC does not rely on SHA-1's collision resistance.
        HMACSHA1.HashData(key, counter, mac);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0F;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFF_FFFF) % (int)Math.Pow(10, digits);
        return binary.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The time step whose code equals <paramref name="code"/> within the window around now, or null.</summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var current = StepAt(now);
        for (var step = current - Window; step <= current + Window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(Code(key, step)), System.Text.Encoding.ASCII.GetBytes(code)))
            {
                return step;
            }
        }

        return null;
    }
}
