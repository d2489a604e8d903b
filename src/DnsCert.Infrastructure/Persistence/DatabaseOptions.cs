namespace DnsCert.Infrastructure.Persistence;

/// <summary>Settings of the <c>Database</c> section. <c>DNSCERT_DATABASE</c> sets <see cref="ConnectionString"/>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>An Npgsql connection string (<c>Host=…;Database=…</c>) or a <c>postgresql://</c> URI.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long start-up waits for an unreachable database before giving up.</summary>
    public int StartupTimeoutSeconds { get; set; } = 15;

    /// <summary>Apply pending migrations at start-up (under an advisory lock, so many instances may start at once).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public const int MaxStartupTimeoutSeconds = 600;
}
