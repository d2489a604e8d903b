using DnsCert.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Hosting;

/// <summary>
/// Turns what stops the server at start into one line for the operator and an exit code for scripts. Stack traces
/// belong in the JSON log, not in front of the person who mistyped a setting.
/// </summary>
public static class StartupFailure
{
    public const int Unexpected = 1;
    public const int Configuration = 2;
    public const int Database = 3;
    public const int Listen = 4;

    public static (int ExitCode, string Line) Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OptionsValidationException e => (Configuration, "configuration error: " + string.Join("; ", e.Failures)),
            // The configuration binder says which key failed to convert, without echoing the (possibly secret) value.
            InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
                => (Configuration, "configuration error: " + e.Message.TrimEnd('.')),
            DatabaseUnavailableException e => (Database, "database: " + e.Message),
            IOException e when e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase)
                => (Listen, "cannot listen: " + OneLine(e.Message)),
            _ => (Unexpected, $"start-up failed: {exception.GetType().Name}: {OneLine(exception.Message)}"),
        };
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
