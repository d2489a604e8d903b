using DnsCert.Core.Duty;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Duty;

/// <summary>Checks the <c>Duty</c> section at start-up: a bad value stops the server with a configuration error line.</summary>
public sealed class DutyOptionsValidator : IValidateOptions<DutyOptions>
{
    public ValidateOptionsResult Validate(string? name, DutyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
