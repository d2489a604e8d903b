using System.Globalization;
using Npgsql;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>Reads the two forms operators write a PostgreSQL address in, and describes one without its secret.</summary>
public static class ConnectionStrings
{
    /// <summary>Seconds to wait for a connection; Npgsql's default of 15 s would hide an outage from /readyz too long.</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>
    /// Parses <c>Host=…;Port=…</c> or <c>postgresql://user:password@host:port/database?sslmode=…</c>.
    /// Throws <see cref="FormatException"/> with the reason when neither form fits.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        NpgsqlConnectionStringBuilder builder;
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            builder = FromUri(text);
        }
        else
        {
            try
            {
                builder = new NpgsqlConnectionStringBuilder(text);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"not a connection string ({e.Message})", e);
            }
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new FormatException("it names no host (Host=...)");
        }

        if (!text.Contains("timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        builder.ApplicationName ??= "dnscert";
        return builder;
    }

    /// <summary>host:port/database as user — for messages and logs; never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.Create(CultureInfo.InvariantCulture,
            $"{builder.Host}:{builder.Port}/{builder.Database ?? "(default)"} as {builder.Username ?? "(default user)"}");
    }

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("not a valid postgresql:// URI");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var val = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                builder[key] = val;
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"unknown or bad URI parameter '{key}' ({e.Message})", e);
            }
        }

        return builder;
    }
}
