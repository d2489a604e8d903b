using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Identity;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Monitoring.Agents;
using DnsCert.Monitoring.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Monitoring;

/// <summary>The server in process with the monitoring loops off, so only the API writes.</summary>
public sealed class AgentApiFactory : DnsCertWebFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Monitoring:Runtime:Enabled", "false");
    }
}

/// <summary><c>/api/v1/agent</c>: scope, work, idempotent result batches, field-naming problems, heartbeats.</summary>
public sealed class AgentApiTests(AgentApiFactory factory) : IClassFixture<AgentApiFactory>
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private Task<HttpClient> ClientAsync(params string[] scopes) => ClientOfAsync(Roles.Administrator, scopes);

    private async Task<HttpClient> ClientOfAsync(string role, params string[] scopes)
    {
        var user = await People.CreateAsync(factory, People.Unique("agent"), [role]);
        var (token, _) = await factory.Services.GetRequiredService<ApiTokenStore>().CreateAsync(user.Id, "probe", scopes, TimeSpan.FromDays(1), default);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static ProbeMeasurement Measurement(string vantagePoint, string address = "192.0.2.1", int ms = 0) => new(vantagePoint, "Agent-Test.example.",
        "NS1.agent-test.example", address, "udp", "agent-test.example.", "SOA", ProbeOutcome.Answered, "NOERROR", true, 21.5,
        2026112101, DateTimeOffset.UtcNow.AddSeconds(-5).AddMilliseconds(ms));

    [Fact]
    public async Task Only_an_administrators_agent_token_may_pull_work_or_push_results()
    {
        // Results feed every organisation's monitoring: a constituent's token with the agent scope is not enough.
        using var constituent = await ClientOfAsync(Roles.Constituent, ApiScopes.Agent);
        (await constituent.GetAsync("/api/v1/agent/work?vantagePoint=vp-x")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        using var admin = await ClientAsync(ApiScopes.Agent);
        (await admin.GetAsync("/api/v1/agent/work?vantagePoint=vp-x")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_agent_pulls_its_zones_and_a_batch_sent_twice_is_stored_once()
    {
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        var zone = "z" + Guid.NewGuid().ToString("N")[..8] + ".example.";
        await factory.Services.GetRequiredService<WatchedZoneStore>().AddAsync(zone, 60, default);
        await using (var targets = db.CreateCommand("""UPDATE watched_zones SET targets = '[{"serverName":"ns1.example.","address":"192.0.2.1"}]' WHERE zone = $1"""))
        {
            targets.Parameters.Add(new() { Value = zone });
            await targets.ExecuteNonQueryAsync();
        }

        using var client = await ClientAsync(ApiScopes.Agent);
        var work = await client.GetFromJsonAsync<AgentWork>("/api/v1/agent/work?vantagePoint=vp-1", s_json);
        var item = work!.Zones.Single(z => z.Zone == zone);
        item.Servers.ShouldBe([new ProbeTarget("ns1.example.", "192.0.2.1")]);
        item.Transports.ShouldBe(["udp", "tcp"]);
        item.IntervalSeconds.ShouldBe(60);
        work.CycleSeconds.ShouldBe(60);

        var batch = new ResultBatch(Guid.CreateVersion7(), "vp-1", [Measurement("vp-1"), Measurement("vp-1", ms: 1)]);
        var first = await (await client.PostAsJsonAsync("/api/v1/agent/results", batch, s_json)).Content.ReadFromJsonAsync<BatchAcknowledgement>(s_json);
        first.ShouldBe(new BatchAcknowledgement(batch.BatchId, false, 2, 0));
        var again = await (await client.PostAsJsonAsync("/api/v1/agent/results", batch, s_json)).Content.ReadFromJsonAsync<BatchAcknowledgement>(s_json);
        again.ShouldBe(new BatchAcknowledgement(batch.BatchId, true, 0, 0));
        await using var count = db.CreateCommand("SELECT count(*), min(zone), min(server_name) FROM probe_results WHERE batch_id = $1");
        count.Parameters.Add(new() { Value = batch.BatchId });
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).ShouldBe(2);
        reader.GetString(1).ShouldBe("agent-test.example.", "names are stored normalised");
        reader.GetString(2).ShouldBe("ns1.agent-test.example.");

        var heartbeat = await client.PostAsJsonAsync("/api/v1/agent/heartbeat", new AgentHeartbeat("vp-1", "1.0", 3, 42, DateTimeOffset.UtcNow), s_json);
        heartbeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        var agents = await factory.Services.GetRequiredService<AgentCoordinator>().AgentsAsync(default);
        var seen = agents.Single(a => a.VantagePoint == "vp-1");
        (seen.SpooledBatches, seen.SpooledResults, seen.Version).ShouldBe((3, 42, "1.0"));
    }

    [Fact]
    public async Task Bad_batches_are_400_problems_naming_the_field_and_store_nothing()
    {
        using var client = await ClientAsync(ApiScopes.Agent);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        foreach (var (batch, field) in new[]
                 {
                     (new ResultBatch(Guid.CreateVersion7(), "vp-2", [Measurement("vp-2"), Measurement("vp-2", address: "not-an-ip")]), "results[1].address"),
                     (new ResultBatch(Guid.CreateVersion7(), "vp-2", [Measurement("vp-3")]), "results[0].vantagePoint"),
                     (new ResultBatch(Guid.Empty, "vp-2", [Measurement("vp-2")]), "batchId"),
                     (new ResultBatch(Guid.CreateVersion7(), "", [Measurement("")]), "vantagePoint"),
                 })
        {
            var response = await client.PostAsJsonAsync("/api/v1/agent/results", batch, s_json);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
            await using var count = db.CreateCommand("SELECT count(*) FROM probe_batches WHERE batch_id = $1");
            count.Parameters.Add(new() { Value = batch.BatchId });
            ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0);
        }

        (await client.GetAsync("/api/v1/agent/work")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "vantagePoint is required");
    }

    [Fact]
    public async Task Only_a_token_with_the_agent_scope_may_speak_the_protocol()
    {
        using var reader = await ClientAsync(ApiScopes.Read);
        (await reader.GetAsync("/api/v1/agent/work?vantagePoint=vp")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await reader.PostAsJsonAsync("/api/v1/agent/results", new ResultBatch(Guid.CreateVersion7(), "vp", []), s_json)).StatusCode
            .ShouldBe(HttpStatusCode.Forbidden);
        using var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        (await anonymous.GetAsync("/api/v1/agent/work?vantagePoint=vp")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var openApi = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/agent/work", "/api/v1/agent/results", "/api/v1/agent/heartbeat" })
        {
            openApi.TryGetProperty(path, out _).ShouldBeTrue(path + " in the OpenAPI document");
        }
    }
}
