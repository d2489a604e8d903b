using DnsCert.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DnsCert.Web.Tests;

/// <summary>The real server, in process, on a fresh database of its own.</summary>
public sealed class DnsCertWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestDatabase.CreateAsync();

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:ConnectionString", _connectionString);
        builder.UseEnvironment("Production");
    }
}
