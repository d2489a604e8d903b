using System.Text.RegularExpressions;

namespace DnsCert.Core.Accounts;

/// <summary>The rule for user names, checked at every edge that accepts one.</summary>
public static partial class UserNames
{
    public const int MaxLength = 64;

    /// <summary>Returns the name when valid; throws <see cref="ValidationException"/> naming the reason otherwise.</summary>
    public static string Validate(string? userName)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            throw new ValidationException("userName", "must not be empty");
        }

        if (userName.Length > MaxLength)
        {
            throw new ValidationException("userName", $"must be at most {MaxLength} characters");
        }

        if (!Pattern().IsMatch(userName))
        {
            throw new ValidationException("userName",
                "may contain only letters a-z, digits, '.', '_' and '-', and must start with a letter or digit");
        }

        return userName;
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
