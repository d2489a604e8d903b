using System.Globalization;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Identity;

/// <summary>Settings of the <c>Security</c> section: sign-in limits and session life.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Sign-in and second-factor attempts allowed per client address per minute (the rate limit).</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Failed passwords or codes before an account is locked (NIST SP 800-63B §5.2.2 allows up to 100).</summary>
    public int LockoutAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Idle time after which a session cookie expires (sliding).</summary>
    public int SessionHours { get; set; } = 12;
}

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Range(string setting, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{SecurityOptions.SectionName}:{setting} must be between {min} and {max} (got {value})"));
            }
        }

        Range(nameof(options.SignInAttemptsPerMinute), options.SignInAttemptsPerMinute, 1, 1000);
        Range(nameof(options.LockoutAttempts), options.LockoutAttempts, 1, 100);
        Range(nameof(options.LockoutMinutes), options.LockoutMinutes, 1, 1440);
        Range(nameof(options.SessionHours), options.SessionHours, 1, 720);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
