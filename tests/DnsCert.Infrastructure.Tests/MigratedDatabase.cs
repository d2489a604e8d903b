using DnsCert.Infrastructure.Persistence;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Infrastructure.Tests;

/// <summary>A fresh database on the test server with every migration applied.</summary>
public static class MigratedDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync()
    {
        var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(null, default);
        return db;
    }
}
