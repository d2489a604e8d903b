using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Constituency;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Campaigns;

/// <summary>The campaigns API and a registry's signed link, through HTTP on the real server pipeline and PostgreSQL.</summary>
public class CampaignsApiTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private async Task<Browser> StaffAsync()
    {
        var name = People.Unique("handler");
        var key = await People.CreateEnrolledAsync(factory, name, [Roles.IncidentHandler]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    private async Task ImportRegistryAsync(string tld)
    {
        var csv = $"""
            organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language
            Registry {tld},gtld-registry,europe,FR,fr,Europe/Paris,organisation,,,,,
            Registry {tld},,,,,,contact,security-abuse,Abuse,abuse@nic.{tld}.example,,fr
            Registry {tld},,,,,,asset,zone,{tld},,,
            """;
        await new DirectoryImporter(factory.Services.GetRequiredService<NpgsqlDataSource>(), TimeProvider.System)
            .ImportAsync(RecordSources.Csv, DirectoryCsv.Read(new StringReader(csv)), complete: false, new DirectoryActor(null, "test", null), null, default);
    }

    private async Task<string> TokenAsync(Guid campaign)
    {
        await using var command = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT item->>'link' FROM notification_directives WHERE kind = 'campaign-request' AND reference = $1");
        command.Parameters.AddWithValue(Infrastructure.Campaigns.CampaignStore.Reference(campaign));
        var link = (string)(await command.ExecuteScalarAsync())!;
        return link[(link.LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task A_campaign_is_created_from_the_body_once_and_a_registry_reports_by_its_link()
    {
        var tld = "t" + Guid.NewGuid().ToString("N")[..8];
        await ImportRegistryAsync(tld);
        var staff = await StaffAsync();
        var body = $"domain\nA.{tld}\nb.{tld}.\na.{tld}\n";
        var url = $"/api/v1/campaigns?name={Uri.EscapeDataString("Conficker " + tld)}&tlp=amber&action=serverHold&namesPerDay=250";

        var created = await staff.Client.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/csv"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var result = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = result.GetProperty("campaignId").GetGuid();
        result.GetProperty("newNames").GetInt64().ShouldBe(2);
        result.GetProperty("duplicates").GetInt64().ShouldBe(1);
        result.GetProperty("slices")[0].GetProperty("organisationName").GetString().ShouldBe("Registry " + tld);

        var again = await staff.Client.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/csv"));
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetGuid().ShouldBe(id);

        var bad = await staff.Client.PostAsync(url.Replace("name=", "name=x", StringComparison.Ordinal), new StringContent($"ok.{tld}\nbad..{tld}\n", Encoding.UTF8, "text/plain"));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("file")[0].GetString().ShouldBe($"line 2: 'bad..{tld}' has an empty label");

        // The registry: its slice as CSV by the signed link, sent back with outcomes; an altered link is unknown.
        var token = await TokenAsync(id);
        var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var csv = await anonymous.GetStringAsync($"/campaigns/requests/{token}");
        csv.ShouldBe($"name,status,outcome,detail,dns_state\na.{tld},requested,,,\nb.{tld},requested,,,\n");
        (await anonymous.GetAsync($"/campaigns/requests/{token[..^2]}zz")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var reply = await anonymous.PostAsync($"/campaigns/requests/{token}",
            new StringContent($"name,status,outcome,detail,dns_state\na.{tld},requested,suspended,,\nb.{tld},requested,,,\n", Encoding.UTF8, "text/csv"));
        reply.StatusCode.ShouldBe(HttpStatusCode.OK, await reply.Content.ReadAsStringAsync());
        (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("names").GetInt32().ShouldBe(1);

        var view = await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        var registry = view.GetProperty("registries")[0];
        registry.GetProperty("actioned").GetInt64().ShouldBe(1);
        registry.GetProperty("requested").GetInt64().ShouldBe(1);

        var constituent = Browser.Open(factory);
        var name = People.Unique("constituent");
        var key = await People.CreateEnrolledAsync(factory, name, [Roles.Constituent]);
        await constituent.SignInFullyAsync(name, key);
        (await constituent.Client.GetAsync($"/api/v1/campaigns/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Even TLP:GREEN: the view holds every registry's coverage, so a constituent reads neither it nor the list.
        var green = await staff.Client.PostAsync(url.Replace("tlp=amber", "tlp=green", StringComparison.Ordinal).Replace("Conficker", "Green", StringComparison.Ordinal),
            new StringContent($"domain\nc.{tld}\n", Encoding.UTF8, "text/csv"));
        green.StatusCode.ShouldBe(HttpStatusCode.Created, await green.Content.ReadAsStringAsync());
        var greenId = (await green.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetGuid();
        (await staff.Client.GetAsync($"/api/v1/campaigns/{greenId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await constituent.Client.GetAsync($"/api/v1/campaigns/{greenId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await constituent.Client.GetFromJsonAsync<JsonElement>("/api/v1/campaigns")).GetArrayLength().ShouldBe(0);
    }
}
