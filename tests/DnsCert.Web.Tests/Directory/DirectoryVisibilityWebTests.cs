using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DnsCert.Core.Constituency;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DnsCert.Web.Tests.Directory;

public partial class DirectoryWebTests
{
    /// <summary>The asset and contact counts of one organisation's row on /directory.</summary>
    private static (int Assets, int Contacts)? RowCounts(string html, Guid organisation)
    {
        var row = Regex.Match(html, $"<tr>\\s*<td><a href=\"/directory/{organisation}\">.*?</tr>", RegexOptions.Singleline);
        if (!row.Success)
        {
            return null;
        }

        var cells = Regex.Matches(row.Value, "<td>(\\d+)</td>").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return (cells[^2], cells[^1]);
    }

    [Fact]
    public async Task Search_counts_and_text_hide_contacts_and_assets_a_constituent_may_not_see_on_the_page_and_in_the_api()
    {
        var staff = await StaffAsync();
        var name = People.Unique("Counted ");
        var organisation = await CreateOrganisationAsync(staff, name);
        (await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact("counted@example.org"))).EnsureSuccessStatusCode();
        var secret = "s" + Guid.NewGuid().ToString("N")[..12] + ".test";
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IDirectoryRepository>().AddAssetAsync(organisation, AssetKind.Zone, secret, DirectoryActor.System, default);
            // A TLP:AMBER asset for the core team only (no recipient organisation).
            await using var restrict = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>()
                .CreateCommand("UPDATE assets SET tlp = 2, recipient_organisations = '{}' WHERE organisation_id = $1");
            restrict.Parameters.Add(new NpgsqlParameter { Value = organisation });
            await restrict.ExecuteNonQueryAsync();
        }

        var stranger = await ConstituentOfAsync(await CreateOrganisationAsync(staff, People.Unique("Stranger ")));
        var byName = "/directory?q=" + Uri.EscapeDataString(name);
        var bySecret = "/directory?q=" + Uri.EscapeDataString(secret);

        RowCounts((await staff.GetAsync(byName)).Html, organisation).ShouldBe((1, 1));
        RowCounts((await stranger.GetAsync(byName)).Html, organisation).ShouldBe((0, 0));
        RowCounts((await staff.GetAsync(bySecret)).Html, organisation).ShouldNotBeNull();
        RowCounts((await stranger.GetAsync(bySecret)).Html, organisation).ShouldBeNull("a match on a hidden asset would reveal it");

        var api = "/api/v1/organisations?q=";
        var staffRow = (await staff.Client.GetFromJsonAsync<JsonElement>(api + Uri.EscapeDataString(name))).EnumerateArray().Single();
        (staffRow.GetProperty("assets").GetInt32(), staffRow.GetProperty("contacts").GetInt32()).ShouldBe((1, 1));
        var strangerRow = (await stranger.Client.GetFromJsonAsync<JsonElement>(api + Uri.EscapeDataString(name))).EnumerateArray().Single();
        (strangerRow.GetProperty("assets").GetInt32(), strangerRow.GetProperty("contacts").GetInt32()).ShouldBe((0, 0));
        (await stranger.Client.GetFromJsonAsync<JsonElement>(api + Uri.EscapeDataString(secret))).GetArrayLength().ShouldBe(0);
        (await staff.Client.GetFromJsonAsync<JsonElement>(api + Uri.EscapeDataString(secret))).GetArrayLength().ShouldBe(1);
    }
}
