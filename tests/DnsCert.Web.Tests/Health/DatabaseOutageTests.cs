using System.Diagnostics;
using System.Net;
using DnsCert.TestSupport;

namespace DnsCert.Web.Tests.Health;

/// <summary>PostgreSQL goes away and comes back under a running server: /readyz follows, the process stays.</summary>
public class DatabaseOutageTests
{
    [Fact]
    public async Task Readyz_turns_503_when_postgres_stops_and_200_when_it_returns_without_a_restart()
    {
        await using var cluster = await PostgresCluster.CreateAsync();
        var database = await cluster.CreateDatabaseAsync("outage");
        var port = FreePort.Next();
        using var server = ServerProcess.Start(ServerProcess.Environment(database, port));
        var stderr = server.StandardError.ReadToEndAsync();
        _ = server.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            (await WaitForAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(60))).ShouldNotBeNull("server never became ready");

            await cluster.StopAsync();
            var down = await WaitForAsync(http, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));

            down.ShouldNotBeNull();
            down.Value.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(10), "the acceptance asks for 503 within 10 s");
            server.HasExited.ShouldBeFalse();

            await cluster.StartAsync();
            (await WaitForAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(30))).ShouldNotBeNull("readyz did not recover");
            server.HasExited.ShouldBeFalse("the server must ride out the outage without a restart");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            await server.WaitForExitAsync();
        }

        (await stderr).ShouldBeEmpty();
    }

    /// <summary>Polls /readyz until it answers <paramref name="status"/>; returns how long that took, or null.</summary>
    private static async Task<TimeSpan?> WaitForAsync(HttpClient http, HttpStatusCode status, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.StatusCode == status)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A probe that hangs counts as not ready; keep polling.
            }

            await Task.Delay(250);
        }

        return null;
    }
}
