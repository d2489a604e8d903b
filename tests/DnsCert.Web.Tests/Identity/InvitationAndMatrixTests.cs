using System.Net;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.Web.Identity;

namespace DnsCert.Web.Tests.Identity;

public partial class InvitationAndMatrixTests(DnsCertWebFactory factory) : IClassFixture<DnsCertWebFactory>
{
    private async Task<Browser> AdministratorAsync()
    {
        var name = People.Unique("admin");
        var key = await People.CreateEnrolledAsync(factory, name, [Roles.Administrator]);
        var browser = Browser.Open(factory);
        await browser.SignInFullyAsync(name, key);
        return browser;
    }

    [Fact]
    public async Task An_invited_person_chooses_a_password_once_and_staff_then_meet_the_second_factor()
    {
        var admin = await AdministratorAsync();
        var invitee = People.Unique("anna");

        var (_, page) = await admin.GetAsync("/admin/users");
        var (_, result) = await PostInviteAsync(admin, page, invitee, "Anna Duty", Roles.DutyOfficer);
        var link = WebUtility.HtmlDecode(LinkPattern().Match(result).Groups[1].Value);
        link.ShouldStartWith("https://localhost/account/invitation?user=");

        var stranger = Browser.Open(factory);
        var path = new Uri(link).PathAndQuery;
        var (_, form) = await stranger.GetAsync(path);
        var (_, accepted) = await stranger.SubmitAsync(path, new Dictionary<string, string>
        {
            ["user"] = HiddenValue(form, "user"),
            ["Token"] = HiddenValue(form, "Token"),
            ["New"] = People.Password,
            ["Confirm"] = People.Password,
        });
        accepted.ShouldContain("Your password is set.");
        var (_, again) = await stranger.SubmitAsync(path, new Dictionary<string, string>
        {
            ["user"] = HiddenValue(form, "user"),
            ["Token"] = HiddenValue(form, "Token"),
            ["New"] = "another long passphrase",
            ["Confirm"] = "another long passphrase",
        });
        again.ShouldContain("This invitation link is not valid");

        // The new duty officer signs in with the chosen password and is sent to enrol a second factor.
        var newcomer = Browser.Open(factory);
        (await newcomer.SignInAsync(invitee, People.Password)).Headers.Location!.OriginalString.ShouldBe("/");
        (await newcomer.GetAsync("/")).Response.Headers.Location!.OriginalString.ShouldBe("/account/two-factor/setup");
        (await admin.GetAsync("/admin/users")).Html.ShouldContain($"data-user=\"{invitee}\"");
    }

    private static Task<(HttpResponseMessage, string)> PostInviteAsync(Browser admin, string page, string userName, string displayName, params string[] roles)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("UserName", userName), new("DisplayName", displayName), new("__RequestVerificationToken", Browser.Token(page)),
        };
        form.AddRange(roles.Select(r => new KeyValuePair<string, string>("Roles", r)));
        return admin.Client.PostAsync("/admin/users?handler=Invite", new FormUrlEncodedContent(form))
            .ContinueWith(async t => (t.Result, await t.Result.Content.ReadAsStringAsync())).Unwrap();
    }

    private static string HiddenValue(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);

    [Fact]
    public async Task Bad_invitations_are_refused_with_the_field_and_write_nothing()
    {
        var admin = await AdministratorAsync();
        var (_, page) = await admin.GetAsync("/admin/users");

        var (_, noRole) = await PostInviteAsync(admin, page, People.Unique("norole"), "No Role");
        var (_, badName) = await PostInviteAsync(admin, page, "has space", "Bad Name", Roles.Analyst);
        var taken = People.Unique("taken");
        await PostInviteAsync(admin, page, taken, "First", Roles.Analyst);
        var (_, duplicate) = await PostInviteAsync(admin, page, taken.ToUpperInvariant(), "Second", Roles.Analyst);

        noRole.ShouldContain("roles: choose one or more of the listed roles");
        badName.ShouldContain("userName: may contain only");
        duplicate.ShouldContain("userName:");
        Regex.Count((await admin.GetAsync("/admin/users")).Html, $"data-user=\"{taken}\"", RegexOptions.IgnoreCase).ShouldBe(1);
    }

    public static TheoryData<string> Everyone() => [.. Roles.All.Append("public")];

    /// <summary>Each role sees exactly the pages it may: the matrix of the console as it stands.</summary>
    [Theory]
    [MemberData(nameof(Everyone))]
    public async Task Each_role_reaches_exactly_its_pages(string role)
    {
        var browser = Browser.Open(factory);
        if (role != "public")
        {
            var name = People.Unique(role.Replace("-", "", StringComparison.Ordinal));
            byte[]? key = null;
            if (IdentitySetup.StaffRoles.Contains(role))
            {
                key = await People.CreateEnrolledAsync(factory, name, [role]);
            }
            else
            {
                await People.CreateAsync(factory, name, [role]);
            }

            await browser.SignInFullyAsync(name, key);
        }

        var signedIn = role != "public";
        var expected = new Dictionary<string, string>
        {
            ["/"] = "200",
            ["/about"] = "200",
            ["/.well-known/security.txt"] = "200",
            ["/account/sessions"] = signedIn ? "200" : "sign-in",
            ["/account/tokens"] = signedIn ? "200" : "sign-in",
            ["/admin/users"] = role == Roles.Administrator ? "200" : signedIn ? "denied" : "sign-in",
            ["/notifications"] = role is Roles.Administrator or Roles.DutyOfficer or Roles.IncidentHandler ? "200" : signedIn ? "denied" : "sign-in",
            ["/api/v1/me"] = signedIn ? "200" : "401",
            // Open to everyone signed in; what each sees is the visibility predicate's business (MonitoringWebTests).
            ["/monitoring"] = signedIn ? "200" : "sign-in",
            ["/api/v1/monitoring/zones"] = signedIn ? "200" : "401",
            ["/incidents"] = signedIn ? "200" : "sign-in",
            ["/report"] = "200",
            ["/api/v1/incidents"] = signedIn ? "200" : "401",
            ["/duty"] = Web.Duty.DutyAccess.TeamRoles.Contains(role) ? "200" : signedIn ? "denied" : "sign-in",
            ["/duty/manage"] = role is Roles.Administrator or Roles.HeadOfOperations ? "200" : signedIn ? "denied" : "sign-in",
        };

        foreach (var (path, outcome) in expected)
        {
            var (response, _) = await browser.GetAsync(path);
            var actual = response.StatusCode switch
            {
                HttpStatusCode.Redirect when response.Headers.Location!.AbsolutePath == "/account/sign-in" => "sign-in",
                HttpStatusCode.Redirect when response.Headers.Location!.AbsolutePath == "/account/denied" => "denied",
                var s => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            actual.ShouldBe(outcome, $"{role} at {path}");
        }
    }

    [GeneratedRegex("id=\"invitation-link\">([^<]+)<")]
    private static partial Regex LinkPattern();
}
