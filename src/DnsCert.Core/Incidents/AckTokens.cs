using System.Security.Cryptography;
using System.Text;

namespace DnsCert.Core.Incidents;

/// <summary>
/// The secret of an acknowledgement or confirmation link: 256 random bits, base64url in the link, only the SHA-256 kept
/// (as the reach test's answer link). Whoever holds the mail holds the link; nobody can derive it from the database.
/// </summary>
public static class AckTokens
{
    public const int MaxLength = 100;

    public static (string Token, byte[] Hash) New()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token ?? ""));

    public static bool LooksValid(string? token) => !string.IsNullOrEmpty(token) && token.Length <= MaxLength;
}
