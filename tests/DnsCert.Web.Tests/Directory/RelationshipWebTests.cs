using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DnsCert.Core.Constituency;
using Microsoft.Extensions.DependencyInjection;

namespace DnsCert.Web.Tests.Directory;

public partial class DirectoryWebTests
{
    private async Task<Guid> CreateOfKindAsync(Browser staff, string name, string kind)
    {
        var response = await staff.Client.PostAsJsonAsync("/api/v1/organisations",
            new { name, kind, region = "europe", country = "IE", languages = new[] { "en" }, timeZone = "Europe/Dublin", resourceConstrained = false });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Posts a form of the organisation page to one of its handlers, with the page's antiforgery token.</summary>
    private static async Task<(HttpResponseMessage Response, string Html)> PostOrganisationFormAsync(Browser browser, Guid organisation, string handler,
        Dictionary<string, string> fields)
    {
        var (_, html) = await browser.GetAsync($"/directory/{organisation}");
        fields["__RequestVerificationToken"] = Browser.Token(html);
        var response = await browser.Client.PostAsync($"/directory/{organisation}?handler={handler}", new FormUrlEncodedContent(fields));
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Staff_set_relationships_on_the_organisation_page_field_errors_show_beside_the_field_and_routing_names_the_back_end()
    {
        var staff = await StaffAsync();
        var registry = await CreateOrganisationAsync(staff, People.Unique("Relating Registry "));
        var backEndName = People.Unique("Relating Back End ");
        var backEnd = await CreateOfKindAsync(staff, backEndName, "registry-back-end-operator");
        var registrarName = People.Unique("Relating Registrar ");
        var registrar = await CreateOfKindAsync(staff, registrarName, "registrar");

        // A registrar is no back-end operator; an unknown name is named as unknown — beside the field, nothing saved.
        var (wrong, wrongHtml) = await PostOrganisationFormAsync(staff, registry, "BackEnd", new() { ["backEndOperator"] = registrarName });
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        wrongHtml.ShouldContain("id=\"error-backEndOperator\"");
        (await PostOrganisationFormAsync(staff, registry, "AddRegistrar", new() { ["registrar"] = "No Such Registrar " + Guid.NewGuid() })).Html
            .ShouldContain("id=\"error-registrar\"");
        (await CountAsync("SELECT count(*) FROM organisations WHERE id = $1 AND back_end_operator_id IS NOT NULL", registry)).ShouldBe(0);

        (await PostOrganisationFormAsync(staff, registry, "BackEnd", new() { ["backEndOperator"] = backEndName })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await PostOrganisationFormAsync(staff, registry, "AddRegistrar", new() { ["registrar"] = registrarName })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var (_, page) = await staff.GetAsync($"/directory/{registry}");
        page.ShouldContain($"<a href=\"/directory/{backEnd}\">{backEndName}</a>");
        page.ShouldContain($"<a href=\"/directory/{registrar}\">{registrarName}</a>");
        (await staff.GetAsync($"/directory/{backEnd}")).Html.ShouldContain("id=\"back-end-for\"");
        (await staff.GetAsync($"/directory/{registrar}")).Html.ShouldContain("id=\"accredited-by\"");

        // The relationship edited on the page feeds routing: the back-end operator follows the registry.
        var tld = "t" + Guid.NewGuid().ToString("N")[..10];
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IDirectoryRepository>().AddAssetAsync(registry, AssetKind.Zone, tld, DirectoryActor.System, default);
        }

        var chain = (await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/route?name=www.example.{tld}")).GetProperty("chain");
        chain[1].GetProperty("organisationId").GetGuid().ShouldBe(backEnd);

        // A constituent of the registry sees the relationships but has no form and may not post one.
        var constituent = await ConstituentOfAsync(registry);
        var (_, constituentPage) = await constituent.GetAsync($"/directory/{registry}");
        constituentPage.ShouldContain(registrarName);
        constituentPage.ShouldNotContain("id=\"back-end-form\"");
        var (refused, _) = await PostOrganisationFormAsync(constituent, registry, "RemoveRegistrar", new() { ["registrar"] = registrar.ToString() });
        refused.Headers.Location!.AbsolutePath.ShouldBe("/account/denied");
        (await CountAsync("SELECT count(*) FROM registry_accreditations WHERE registry_id = $1", registry)).ShouldBe(1);

        (await PostOrganisationFormAsync(staff, registry, "RemoveRegistrar", new() { ["registrar"] = registrar.ToString() })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await PostOrganisationFormAsync(staff, registry, "BackEnd", new() { ["remove"] = "true" })).Response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await staff.GetAsync($"/directory/{registry}")).Html.ShouldContain("id=\"no-relationships\"");
    }

    [Fact]
    public async Task Api_sets_and_removes_relationships_with_field_errors()
    {
        var staff = await StaffAsync();
        var registry = await CreateOrganisationAsync(staff, People.Unique("Api Registry "));
        var backEnd = await CreateOfKindAsync(staff, People.Unique("Api Back End "), "registry-back-end-operator");
        var registrar = await CreateOfKindAsync(staff, People.Unique("Api Registrar "), "registrar");

        async Task<string> ErrorField(HttpResponseMessage response)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Single().Name;
        }

        (await ErrorField(await staff.Client.PutAsJsonAsync($"/api/v1/organisations/{registry}/back-end-operator", new { backEndOperatorId = registrar })))
            .ShouldBe("backEndOperator");
        (await ErrorField(await staff.Client.PutAsJsonAsync($"/api/v1/organisations/{registry}/back-end-operator", new { backEndOperatorId = registry })))
            .ShouldBe("backEndOperator");
        (await ErrorField(await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{registry}/accredited-registrars", new { registrarId = backEnd })))
            .ShouldBe("registrar");
        (await ErrorField(await staff.Client.DeleteAsync($"/api/v1/organisations/{registry}/accredited-registrars/{registrar}"))).ShouldBe("registrar");

        (await staff.Client.PutAsJsonAsync($"/api/v1/organisations/{registry}/back-end-operator", new { backEndOperatorId = backEnd })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{registry}/accredited-registrars", new { registrarId = registrar })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var details = await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/organisations/{registry}");
        details.GetProperty("organisation").GetProperty("backEndOperatorId").GetGuid().ShouldBe(backEnd);
        details.GetProperty("accreditedRegistrars")[0].GetProperty("id").GetGuid().ShouldBe(registrar);
        (await staff.Client.GetFromJsonAsync<JsonElement>($"/api/v1/organisations/{registrar}")).GetProperty("accreditedBy")[0].GetProperty("id").GetGuid().ShouldBe(registry);

        var constituent = await ConstituentOfAsync(registry);
        (await constituent.Client.DeleteAsync($"/api/v1/organisations/{registry}/accredited-registrars/{registrar}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await staff.Client.DeleteAsync($"/api/v1/organisations/{registry}/accredited-registrars/{registrar}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await staff.Client.PutAsJsonAsync($"/api/v1/organisations/{registry}/back-end-operator", new { backEndOperatorId = (Guid?)null })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await CountAsync("SELECT count(*) FROM organisations WHERE id = $1 AND back_end_operator_id IS NULL", registry)).ShouldBe(1);

        var openApi = await staff.Client.GetStringAsync("/openapi/v1.json");
        openApi.ShouldContain("/api/v1/organisations/{id}/back-end-operator");
        openApi.ShouldContain("/api/v1/organisations/{id}/accredited-registrars/{registrarId}");
    }
}
