using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DnsCert.Core.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Shell;

/// <summary>The people and records the shell's tests (search, notification panel) start from, on the real server and database.</summary>
public sealed class ShellPeople(DnsCertWebFactory factory)
{
    public async Task<(Browser Browser, Guid Id)> StaffAsync(string role = Roles.DutyOfficer)
    {
        var name = People.Unique("shell-staff");
        var key = await People.CreateEnrolledAsync(factory, name, [role]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return (browser, await ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = $1", name));
    }

    public async Task<Browser> ConstituentOfAsync(Guid organisation)
    {
        var user = await People.CreateAsync(factory, People.Unique("shell-constituent"), [Roles.Constituent]);
        await ExecuteAsync("UPDATE users SET organisation_id = $1 WHERE id = $2", organisation, user.Id);
        var constituent = Browser.Open(factory);
        (await constituent.SignInAsync(user.UserName!, People.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return constituent;
    }

    public static async Task<Guid> OrganisationAsync(Browser staff, string name)
    {
        var created = await staff.Client.PostAsJsonAsync("/api/v1/organisations",
            new { name, kind = "cctld-registry", region = "africa", languages = new[] { "fr" }, timeZone = "UTC" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<long> IncidentAsync(Browser staff, string title, string tlp, string assets = "")
    {
        var response = await staff.Client.PostAsJsonAsync("/api/v1/incidents",
            new { title, classification = "availability:outage", scope = "tld", tlp, pap = "amber", assets });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task ExecuteAsync(string sql, params object[] values)
    {
        using var scope = factory.Services.CreateScope();
        await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        using var scope = factory.Services.CreateScope();
        await using var command = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
