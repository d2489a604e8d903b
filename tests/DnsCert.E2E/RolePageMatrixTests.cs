using System.Text.Json;
using DnsCert.Core.Accounts;
using DnsCert.Monitoring.Evaluation;
using DnsCert.Tests.Monitoring;
using DnsCert.TestSupport;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>
/// The acceptance matrix of issue 10 in Chromium against the real server: every role of DESIGN §2 × every main page,
/// each cell exactly the outcome the rules allow (the page, 403, 404, or the sign-in page). The expected table is
/// written once, below, as data: a change of the rules (a role, an [Authorize], the visibility predicate) breaks it.
/// The same walk checks the pages with axe-core (no serious or critical violation) and measures what a constituent's
/// pages transfer (budget 300 KB, DESIGN §4).
/// </summary>
public class RolePageMatrixTests(ConsoleServer server, ITestOutputHelper output) : IClassFixture<ConsoleServer>
{
    private const string Password = "role matrix passphrase for everyone";

    /// <summary>What a role gets from a page: its content, 403 (the denied page), 404, or the sign-in page.</summary>
    private enum Outcome
    {
        Ok,
        Forbidden,
        NotFound,
        SignIn,
    }

    private const Outcome O = Outcome.Ok;
    private const Outcome F = Outcome.Forbidden;
    private const Outcome N = Outcome.NotFound;
    private const Outcome S = Outcome.SignIn;

    // Columns: the people of the matrix, in this order.
    private static readonly string[] s_people =
        ["administrator", "head-of-operations", "duty-officer", "incident-handler", "analyst", "augmenter", "constituent-a", "constituent-b", "anonymous"];

    // Rows: page → outcome per person (columns above). Why, in short:
    // - head-of-operations and augmenters are not the core team (VisibilityPolicy): TLP:AMBER needs their organisation
    //   as a recipient, so A's incident and A's watched zone are 404 for them, as for constituent B;
    // - TLP:RED reaches named people and the creator only (the incident handler here), an administrator included;
    // - /duty is the team's (DutyAccess.TeamRoles), /admin/users the administrator's;
    // - everything but the home page asks the anonymous visitor to sign in.
    private static readonly (string Page, Outcome[] Expected)[] s_matrix =
    [
        //                      admin head duty handler analyst augmenter consA consB anonymous
        ("dashboard",          [O, O, O, O, O, O, O, O, O]),
        ("directory",          [O, O, O, O, O, O, O, O, S]),
        ("organisation-a",     [O, O, O, O, O, O, O, O, S]),
        ("monitoring",         [O, O, O, O, O, O, O, O, S]),
        ("zone-a",             [O, N, O, O, O, N, O, N, S]),
        ("incidents",          [O, O, O, O, O, O, O, O, S]),
        ("incident-a",         [O, N, O, O, O, N, O, N, S]),
        ("incident-red",       [N, N, N, O, N, N, N, N, S]),
        ("duty",               [O, O, O, O, O, O, F, F, S]),
        ("admin-users",        [O, F, F, F, F, F, F, F, S]),
        ("tokens",             [O, O, O, O, O, O, O, O, S]),
        ("search",             [O, O, O, O, O, O, O, O, S]),
        ("attention",          [O, O, O, O, O, O, O, O, S]),
    ];

    // TOTP keys of the staff already enrolled (the handler opens the incidents first), and the last step each used:
    // a code is accepted once (RFC 6238 §5.2), so the next sign-in uses a later step.
    private readonly Dictionary<string, (byte[] Key, long Step)> _keys = [];

    private sealed record Seed(Guid OrganisationA, Guid OrganisationB, Guid OrganisationC, string ZoneA, long IncidentA, long IncidentRed);

    [Fact]
    public async Task Each_role_sees_exactly_the_pages_it_may_without_serious_accessibility_violations_and_constituent_pages_stay_light()
    {
        foreach (var (page, expected) in s_matrix)
        {
            expected.Length.ShouldBe(s_people.Length, page);
        }

        var seed = await SeedAsync();
        var paths = new Dictionary<string, string>
        {
            ["dashboard"] = "/",
            ["directory"] = "/directory",
            ["organisation-a"] = $"/directory/{seed.OrganisationA}",
            ["monitoring"] = "/monitoring",
            ["zone-a"] = "/monitoring/zone?name=" + Uri.EscapeDataString(seed.ZoneA),
            ["incidents"] = "/incidents",
            ["incident-a"] = $"/incidents/{seed.IncidentA}",
            ["incident-red"] = $"/incidents/{seed.IncidentRed}",
            ["duty"] = "/duty",
            ["admin-users"] = "/admin/users",
            ["tokens"] = "/account/tokens",
            ["search"] = "/search?q=matrix",
            ["attention"] = "/attention",
        };
        var axe = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "DnsCert.E2E", "node_modules", "axe-core", "axe.min.js"));
        var mismatches = new List<string>();
        var violations = new List<string>();
        var weights = new List<(string Page, double Bytes)>();

        for (var column = 0; column < s_people.Length; column++)
        {
            var person = s_people[column];
            var page = await SignedInPageAsync(person);
            var constituent = person == "constituent-a";
            if (constituent)
            {
                // Every navigation fetched whole, as on a first visit: the transfer size is the page's real weight.
                var cdp = await page.Context.NewCDPSessionAsync(page);
                await cdp.SendAsync("Network.enable");
                await cdp.SendAsync("Network.setCacheDisabled", new Dictionary<string, object> { ["cacheDisabled"] = true });
            }

            foreach (var (name, expected) in s_matrix)
            {
                var response = await page.GotoAsync(paths[name], new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                var actual = Classify(page, response);
                if (actual != expected[column])
                {
                    mismatches.Add($"{person} × {name}: expected {expected[column]}, got {actual} ({response?.Status} {page.Url})");
                    continue;
                }

                if (actual != Outcome.Ok)
                {
                    continue;
                }

                await AssertContentAsync(page, name, seed, person, mismatches);
                if (person == "duty-officer" && name == "dashboard")
                {
                    await KeyboardAsync(page);
                }

                if (person is "duty-officer" or "constituent-a" or "anonymous")
                {
                    violations.AddRange(await AxeAsync(page, axe, $"{person} × {name}"));
                    await ConsoleServer.ScreenshotAsync(page, $"90-matrix-{person}-{name}");
                }

                if (constituent)
                {
                    weights.Add((paths[name], await TransferredAsync(page)));
                }
            }

            if (person == "anonymous")
            {
                // The check itself can fail: an image without a text alternative is a critical violation axe must report.
                await page.GotoAsync("/about");
                await page.EvaluateAsync("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')");
                (await AxeAsync(page, axe, "planted")).ShouldContain(v => v.Contains("critical image-alt", StringComparison.Ordinal));
                foreach (var path in new[] { "/account/sign-in", "/report", "/about" })
                {
                    await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                    violations.AddRange(await AxeAsync(page, axe, $"anonymous × {path}"));
                }
            }

            await page.Context.CloseAsync();
        }

        foreach (var (path, bytes) in weights)
        {
            output.WriteLine($"constituent page {path}: {bytes:0} bytes transferred");
        }

        mismatches.ShouldBeEmpty(string.Join("\n", mismatches));
        violations.ShouldBeEmpty(string.Join("\n", violations));
        weights.Count.ShouldBe(s_matrix.Count(r => r.Expected[Array.IndexOf(s_people, "constituent-a")] == Outcome.Ok));
        weights.ShouldAllBe(w => w.Bytes > 0 && w.Bytes < 300 * 1024);
    }

    private static Outcome Classify(IPage page, IResponse? response)
    {
        var path = new Uri(page.Url).AbsolutePath;
        if (path.StartsWith("/account/sign-in", StringComparison.Ordinal))
        {
            return Outcome.SignIn;
        }

        return response?.Status switch
        {
            200 => Outcome.Ok,
            403 => Outcome.Forbidden,
            404 => Outcome.NotFound,
            var other => throw new InvalidOperationException($"{page.Url} answered {other}"),
        };
    }

    /// <summary>An Ok cell must show the page's own content, not an empty shell: the record's name, the list's table.</summary>
    private static async Task AssertContentAsync(IPage page, string name, Seed seed, string person, List<string> mismatches)
    {
        var main = await page.InnerTextAsync("main");
        var expected = name switch
        {
            "organisation-a" => "Matrix registry A",
            "zone-a" => seed.ZoneA,
            "incident-a" => "matrix outage of A",
            "incident-red" => "matrix red matter",
            _ => null,
        };
        if (expected is not null && !main.Contains(expected, StringComparison.Ordinal))
        {
            mismatches.Add($"{person} × {name}: Ok but '{expected}' is not on the page");
        }

        if (name == "incidents")
        {
            // The queue lists A's incident to exactly those who may open it (the incident-a row of the matrix).
            var mayOpen = s_matrix.Single(r => r.Page == "incident-a").Expected[Array.IndexOf(s_people, person)] == Outcome.Ok;
            var listed = await page.Locator($"[data-incident=\"{seed.IncidentA}\"]").CountAsync() > 0;
            if (listed != mayOpen)
            {
                mismatches.Add($"{person} × incidents: incident A listed {listed}, may open it {mayOpen}");
            }

            if (await page.Locator($"[data-incident=\"{seed.IncidentRed}\"]").CountAsync() > 0 && person != "incident-handler")
            {
                mismatches.Add($"{person} × incidents: the TLP:RED incident is listed");
            }
        }
    }

    /// <summary>The first Tab stop skips to the content; "/" (outside a text field) puts the cursor in the header's search box.</summary>
    private static async Task KeyboardAsync(IPage page)
    {
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.className")).ShouldBe("skip");
        (await page.EvaluateAsync<string>("document.activeElement.getAttribute('href')")).ShouldBe("#main");
        await page.EvaluateAsync("document.activeElement.blur()");
        await page.Keyboard.PressAsync("/");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("shell-q");
        await page.Keyboard.TypeAsync("matrix");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/search?q=matrix");
        (await page.InnerTextAsync("#search-organisation h2")).ShouldContain("(3)");
        await page.GotoAsync("/");
    }

    private static async Task<IEnumerable<string>> AxeAsync(IPage page, string axe, string where)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = axe });
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
            """);
        return result.EnumerateArray().Select(v => $"{where}: {v.GetString()}").ToList();
    }

    private static Task<double> TransferredAsync(IPage page) => page.EvaluateAsync<double>(
        "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");

    private async Task<IPage> SignedInPageAsync(string person)
    {
        var page = await server.NewPageAsync();
        if (person == "anonymous")
        {
            return page;
        }

        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#username", "matrix-" + person);
        await page.FillAsync("#password", Password);
        await ConsoleServer.SubmitSignInAsync(page, output.WriteLine);
        if (person.StartsWith("constituent", StringComparison.Ordinal))
        {
            await page.WaitForSelectorAsync("#signed-in-as");
            return page;
        }

        if (_keys.TryGetValue(person, out var enrolled))
        {
            await page.WaitForSelectorAsync("#code");
            var step = Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), enrolled.Step + 1);
            await page.FillAsync("#code", Totp.Code(enrolled.Key, step));
            await page.ClickAsync("#verify");
            _keys[person] = (enrolled.Key, step);
        }
        else
        {
            // Staff enrol a second factor at their first sign-in.
            await page.WaitForSelectorAsync("#key");
            var key = Base32.Decode((await page.InnerTextAsync("#key")).Replace(" ", "", StringComparison.Ordinal));
            var step = Totp.StepAt(DateTimeOffset.UtcNow);
            await page.FillAsync("#code", Totp.Code(key, step));
            await page.ClickAsync("#turn-on");
            await page.WaitForSelectorAsync("#continue");
            await page.ClickAsync("#continue");
            _keys[person] = (key, step);
        }

        await page.WaitForSelectorAsync("#signed-in-as");
        return page;
    }

    /// <summary>
    /// Three organisations (A holds a watched zone, B is a stranger, C the augmenter's institution), a person per
    /// role, A's TLP:AMBER incident (routed to A through its zone) and a TLP:RED incident the handler opened for nobody.
    /// </summary>
    private async Task<Seed> SeedAsync()
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        var zone = "matrix-a-" + Guid.NewGuid().ToString("N")[..6] + ".test.";
        var organisations = new Dictionary<string, Guid>();
        foreach (var name in new[] { "A", "B", "C" })
        {
            var id = Guid.CreateVersion7();
            organisations[name] = id;
            await ExecuteAsync(db, "INSERT INTO organisations (id, name, kind, region, created_at) VALUES ($1, $2, 'cctld-registry', 'africa', now())",
                id, "Matrix registry " + name);
        }

        await ExecuteAsync(db, "INSERT INTO assets (id, organisation_id, kind, value, source, created_at) VALUES (gen_random_uuid(), $1, 'zone', $2, 'manual', now())",
            organisations["A"], zone.TrimEnd('.'));
        await new MonitoringSeed(db).ZoneAsync(zone, ZoneState.Up);

        var roles = new Dictionary<string, (string Role, string? Organisation)>
        {
            ["administrator"] = (Roles.Administrator, null),
            ["head-of-operations"] = (Roles.HeadOfOperations, null),
            ["duty-officer"] = (Roles.DutyOfficer, null),
            ["incident-handler"] = (Roles.IncidentHandler, null),
            ["analyst"] = (Roles.Analyst, null),
            ["augmenter"] = (Roles.Augmenter, "C"),
            ["constituent-a"] = (Roles.Constituent, "A"),
            ["constituent-b"] = (Roles.Constituent, "B"),
        };
        foreach (var (person, (role, organisation)) in roles)
        {
            await server.CreateUserAsync("matrix-" + person, Password, role);
            if (organisation is not null)
            {
                await ExecuteAsync(db, "UPDATE users SET organisation_id = $1 WHERE user_name = $2", organisations[organisation], "matrix-" + person);
            }
        }

        // The handler opens both incidents through the API, with the session of a signed-in browser.
        var handler = await SignedInPageAsync("incident-handler");
        var incidentA = await OpenIncidentAsync(handler, "matrix outage of A", "amber", zone.TrimEnd('.'));
        var red = await OpenIncidentAsync(handler, "matrix red matter", "red", "");
        await handler.Context.CloseAsync();
        return new Seed(organisations["A"], organisations["B"], organisations["C"], zone, incidentA, red);
    }

    private static async Task<long> OpenIncidentAsync(IPage page, string title, string tlp, string assets)
    {
        var response = await page.Context.APIRequest.PostAsync("/api/v1/incidents", new APIRequestContextOptions
        {
            DataObject = new { title, classification = "availability:outage", scope = "tld", tlp, pap = "amber", assets },
        });
        response.Status.ShouldBe(201, await response.TextAsync());
        return (await response.JsonAsync())!.Value.GetProperty("id").GetInt64();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
