using System.Net;
using System.Text.Json;
using DnsCert.Infrastructure.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DnsCert.Web.Tests.Hosting;

public class HostEndpointsTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Healthz_answers_while_the_process_lives()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonAsync(response)).GetProperty("status").GetString().ShouldBe("healthy");
    }

    [Fact]
    public async Task Readyz_reports_the_database_reachable_at_the_current_schema()
    {
        var response = await factory.CreateClient().GetAsync("/readyz");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var database = (await JsonAsync(response)).GetProperty("checks").GetProperty("database");
        database.GetProperty("status").GetString().ShouldBe("healthy");
        database.GetProperty("description").GetString().ShouldBe($"schema version {MigrationCatalog.LatestVersion}");
    }

    [Fact]
    public async Task Metrics_export_http_readiness_and_build_info_in_prometheus_text()
    {
        var client = factory.CreateClient();
        (await client.GetAsync("/readyz")).EnsureSuccessStatusCode();

        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("http_server_request_duration_seconds_bucket{");
        text.ShouldMatch(@"dnscert_readiness_checks_total\{outcome=""ready""\} [1-9]");
        text.ShouldMatch($@"dnscert_build_info\{{schema_version=""{MigrationCatalog.LatestVersion}"",version=""[^""]+""\}} 1");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await JsonAsync(await factory.CreateClient().GetAsync("/openapi/v1.json"));

        document.GetProperty("info").GetProperty("title").GetString().ShouldBe("DnsCert API");
        document.GetProperty("paths").TryGetProperty("/api/v1/system", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task System_info_names_product_and_schema_version()
    {
        var info = await JsonAsync(await factory.CreateClient().GetAsync("/api/v1/system"));

        info.GetProperty("product").GetString().ShouldBe("DnsCert");
        info.GetProperty("schemaVersion").GetInt32().ShouldBe(MigrationCatalog.LatestVersion);
    }

    [Fact]
    public async Task An_unknown_path_gets_a_problem_details_404()
    {
        var response = await factory.CreateClient().GetAsync("/no/such/page");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await JsonAsync(response)).GetProperty("status").GetInt32().ShouldBe(404);
    }

    [Fact]
    public async Task An_unhandled_exception_gets_a_problem_details_500_without_internals()
    {
        using var failing = factory.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<IStartupFilter>(new ThrowingEndpointFilter())));

        var response = await failing.CreateClient().GetAsync("/throws");
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32().ShouldBe(500);
        body.ShouldNotContain("secret internal detail");
        body.ShouldNotContain("at DnsCert");
    }

    // Adds a failing endpoint after the server's own pipeline, so the server's exception handler must catch it.
    private sealed class ThrowingEndpointFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/throws", a => a.Run(_ => throw new InvalidOperationException("secret internal detail")));
        };
    }
}
