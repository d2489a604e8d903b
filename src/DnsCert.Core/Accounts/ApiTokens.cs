using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DnsCert.Core.Accounts;

/// <summary>What a token may do. A token never has more rights than its owner; scopes only narrow them.</summary>
public static class ApiScopes
{
    /// <summary>Read the API as the owner may (visibility predicate applies).</summary>
    public const string Read = "api:read";

    /// <summary>Create and change records through the API.</summary>
    public const string Write = "api:write";

    /// <summary>A monitoring agent: pull probe work, push results.</summary>
    public const string Agent = "agent";

    /// <summary>The mail gateway (<c>dnscert mailgate</c>): hand received mail to the server, nothing else.</summary>
    public const string MailIntake = "mail:intake";

    public static IReadOnlyList<string> All { get; } = [Read, Write, Agent, MailIntake];
}

/// <summary>A token as lists show it: never the secret.</summary>
public sealed record ApiTokenInfo(Guid Id, Guid OwnerId, string Name, string Prefix, IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>
/// The token format, <c>dnsc_&lt;prefix&gt;_&lt;secret&gt;</c>: a recognisable type (secret scanners can match it), a
/// 10-character public prefix that finds the row, and 256 random bits of secret in base64url.
/// </summary>
public static partial class ApiTokenFormat
{
    public const string Marker = "dnsc";

    /// <summary>Tokens expire; a year at most, so a forgotten token cannot live for ever.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static (string Token, string Prefix, byte[] SecretHash) Generate()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, 10);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"{Marker}_{prefix}_{secret}";
        return (token, prefix, Hash(token));
    }

    /// <summary>Splits a presented token; null when it is not of our form (so no database lookup is made).</summary>
    public static string? PrefixOf(string? token)
    {
        if (token is null)
        {
            return null;
        }

        var match = Pattern().Match(token);
        return match.Success ? match.Groups[1].Value : null;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static IReadOnlyList<string> ValidateScopes(IEnumerable<string> scopes)
    {
        var list = scopes.Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            throw new ValidationException("scopes", "choose at least one scope");
        }

        var unknown = list.FirstOrDefault(s => !ApiScopes.All.Contains(s, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new ValidationException("scopes", $"'{unknown}' is not a scope ({string.Join(", ", ApiScopes.All)})");
        }

        return list;
    }

    [GeneratedRegex("^dnsc_([a-z0-9]{10})_[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
