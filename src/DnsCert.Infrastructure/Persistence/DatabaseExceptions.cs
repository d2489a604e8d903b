namespace DnsCert.Infrastructure.Persistence;

/// <summary>The database cannot be used; the message says which and why, and holds no password.</summary>
public class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException()
    {
    }

    public DatabaseUnavailableException(string message)
        : base(message)
    {
    }

    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The database schema is newer than this build knows: a newer DnsCert has migrated it.</summary>
public sealed class SchemaTooNewException : DatabaseUnavailableException
{
    public SchemaTooNewException(int databaseVersion, int knownVersion)
        : base($"the database schema is at version {databaseVersion} but this DnsCert knows only up to version "
            + $"{knownVersion}; run the newer DnsCert release that migrated it")
    {
        DatabaseVersion = databaseVersion;
        KnownVersion = knownVersion;
    }

    public SchemaTooNewException()
    {
    }

    public SchemaTooNewException(string message)
        : base(message)
    {
    }

    public SchemaTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int DatabaseVersion { get; }

    public int KnownVersion { get; }
}

/// <summary>An applied migration no longer matches its file: someone edited history.</summary>
public sealed class MigrationIntegrityException : DatabaseUnavailableException
{
    public MigrationIntegrityException()
    {
    }

    public MigrationIntegrityException(string message)
        : base(message)
    {
    }

    public MigrationIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
