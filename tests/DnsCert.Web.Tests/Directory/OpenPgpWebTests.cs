using System.Net;
using System.Net.Http.Json;
using DnsCert.TestSupport;

namespace DnsCert.Web.Tests.Directory;

public partial class DirectoryWebTests
{
    [Fact]
    public async Task An_ed25519_key_is_accepted_and_the_page_says_mail_will_be_signed_not_encrypted()
    {
        var staff = await StaffAsync();
        var organisation = await CreateOrganisationAsync(staff, People.Unique("Ed25519 "));
        var key = await GpgKey.CreateAsync("NOC <ed@example.org>");

        var response = await staff.Client.PostAsJsonAsync($"/api/v1/organisations/{organisation}/contacts", Contact("ed@example.org", key: key.Armoured));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var (_, page) = await staff.GetAsync($"/directory/{organisation}");
        page.ShouldContain($"<code>{key.Fingerprint}</code>");
        page.ShouldContain("mail to this contact will be signed, not encrypted");
    }
}
