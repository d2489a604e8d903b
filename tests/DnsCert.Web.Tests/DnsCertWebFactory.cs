using DnsCert.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DnsCert.Web.Tests;

/// <summary>
/// The real server, in process, on a fresh database of its own. In-process requests all come from one (unknown)
/// client address, so the sign-in rate limit is raised here; <c>RateLimitTests</c> checks the limit itself.
/// </summary>
public class DnsCertWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";

    protected virtual int SignInAttemptsPerMinute => 1000;

    public async Task InitializeAsync() => _connectionString = await TestDatabase.CreateAsync();

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:ConnectionString", _connectionString);
        builder.UseSetting("Security:SignInAttemptsPerMinute", SignInAttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The web tests seed monitoring state through the stores. The server's own check and evaluation loops would
        // race those seeds: an evaluation pass between a seed and a request turned a seeded "down" zone into an
        // inconclusive one in a CI run. The runtime is tested on the real lab (Monitoring.Tests, the lab journeys).
        builder.UseSetting("Monitoring:Runtime:Enabled", "false");
        builder.UseEnvironment("Production");
    }
}
