using System.Globalization;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>Checks the database settings at start, naming the setting and the reason in each failure.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{DatabaseOptions.SectionName}:ConnectionString is empty: set DNSCERT_DATABASE to a "
                + "PostgreSQL connection string (Host=...;Database=...) or a postgresql:// URI");
        }
        else
        {
            try
            {
                ConnectionStrings.Parse(options.ConnectionString);
            }
            catch (FormatException e)
            {
                failures.Add($"{DatabaseOptions.SectionName}:ConnectionString is not usable: {e.Message}");
            }
        }

        if (options.StartupTimeoutSeconds is < 0 or > DatabaseOptions.MaxStartupTimeoutSeconds)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{DatabaseOptions.SectionName}:StartupTimeoutSeconds must be between 0 and "
                + $"{DatabaseOptions.MaxStartupTimeoutSeconds} (got {options.StartupTimeoutSeconds})"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
