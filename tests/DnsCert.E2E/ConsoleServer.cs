using System.Diagnostics;
using System.Text.RegularExpressions;
using DnsCert.Core.Accounts;
using DnsCert.TestSupport;
using Microsoft.Playwright;
using Npgsql;

namespace DnsCert.E2E;

/// <summary>
/// One real DnsCert server over HTTPS on a fresh database, its first administrator created by the CLI exactly as
/// `./dnscert up` does, and one headless Chromium. Screenshots go to artifacts/e2e/.
/// </summary>
public partial class ConsoleServer : IAsyncLifetime
{
    private Process? _server;
    private IPlaywright? _playwright;

    public string Url { get; private set; } = "";

    public string Database { get; private set; } = "";

    public string AdminPassword { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public static string Screenshots { get; } = Path.Combine(RepoPaths.Root, "artifacts", "e2e");

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        var cli = await ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "db", "migrate"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = Database });
        cli.ExitCode.ShouldBe(0, cli.StandardError);
        var admin = await ProcessRunner.RunAsync("dotnet", [RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll"), "admin", "init"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = Database });
        AdminPassword = PasswordLine().Match(admin.StandardOutput).Groups[1].Value;
        AdminPassword.Length.ShouldBe(PasswordGenerator.DefaultLength, admin.StandardOutput + admin.StandardError);

        var tls = Path.Combine(Path.GetTempPath(), "dnscert-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        var (certificate, key) = TestCertificate.Create(tls);
        var port = FreePort.Next();
        Url = $"https://127.0.0.1:{port}";
        var environment = ServerProcess.Environment(Database, port);
        environment["ASPNETCORE_URLS"] = Url;
        environment["Kestrel__Certificates__Default__Path"] = certificate;
        environment["Kestrel__Certificates__Default__KeyPath"] = key;
        // As `./dnscert up` does: mailed links (reach answers) point at this server's public address.
        environment["DNSCERT_Team__PublicUrl"] = Url;
        Configure(environment);
        _server = ServerProcess.Start(environment);
        _ = _server.StandardOutput.ReadToEndAsync();
        _ = _server.StandardError.ReadToEndAsync();
        await WaitUntilReadyAsync();

        Directory.CreateDirectory(Screenshots);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // As root, in a machine without a network: no sandbox, no background traffic (see the machine notes).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
    }

    /// <summary>A fresh browser context (its own cookies), trusting the test certificate.</summary>
    public async Task<IPage> NewPageAsync(string? locale = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            BaseURL = Url,
            Locale = locale ?? "en-GB",
        });
        // Generous: a loaded 2-core CI machine hashes a 600,000-iteration PBKDF2 password in seconds, not milliseconds.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form; staff enrol their second factor on the first sign-in, as the console asks.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        // Either the console (enrolled before) or the enrolment page (first sign-in): wait for one, not for a load event
        // the old page may still answer.
        await SubmitSignInAsync(page);
        if (await page.Locator("#key").CountAsync() > 0)
        {
            var key = Base32.Decode((await page.InnerTextAsync("#key")).Replace(" ", "", StringComparison.Ordinal));
            await page.FillAsync("#code", Totp.Code(key, Totp.StepAt(DateTimeOffset.UtcNow)));
            await page.ClickAsync("#turn-on");
            await page.WaitForSelectorAsync("#continue");
            await page.ClickAsync("#continue");
        }

        await page.WaitForSelectorAsync("#signed-in-as");
    }

    /// <summary>
    /// Presses the sign-in button and waits for what the server answered: the second-factor form, its enrolment, the
    /// console, or an error. An error fails with the page's words instead of a bare navigation timeout. A press that
    /// left no trace after a minute (the form still there, no error) is pressed once more and said so in the output:
    /// one CI run lost a sign-in that way on a loaded machine, where nothing on the server side had answered it.
    /// </summary>
    public static async Task SubmitSignInAsync(IPage page, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        const string Outcomes = "#code, #key, #signed-in-as, #error, #too-many";
        await page.ClickAsync("#sign-in");
        try
        {
            await page.WaitForSelectorAsync(Outcomes, new PageWaitForSelectorOptions { Timeout = 60_000 });
        }
        catch (TimeoutException) when (page.Url.Contains("/account/sign-in", StringComparison.Ordinal))
        {
            log?.Invoke($"sign-in: no answer to the press after 60 s at {page.Url}; pressing again");
            await page.ClickAsync("#sign-in");
            await page.WaitForSelectorAsync(Outcomes, new PageWaitForSelectorOptions { Timeout = 120_000 });
        }

        foreach (var error in new[] { "#error", "#too-many" })
        {
            if (await page.Locator(error).CountAsync() > 0)
            {
                throw new InvalidOperationException($"sign-in refused at {page.Url}: {await page.InnerTextAsync(error)}");
            }
        }
    }

    /// <summary>Bytes the page and everything it loaded took on the wire (the budget is 300 KB, DESIGN §4).</summary>
    public static Task<double> TransferredBytesAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.EvaluateAsync<double>(
            "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");
    }

    /// <summary>Creates a person directly in the database, as an administrator's invitation later will.</summary>
    public async Task CreateUserAsync(string userName, string password, params string[] roles)
    {
        await using var db = NpgsqlDataSource.Create(Database);
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, user_name, display_name, roles, password_hash, must_change_password, created_at)
            VALUES ($1, $2, $3, $4, $5, false, now())
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter { Value = userName });
        command.Parameters.Add(new NpgsqlParameter { Value = userName });
        command.Parameters.Add(new NpgsqlParameter { Value = roles });
        command.Parameters.Add(new NpgsqlParameter { Value = PasswordHasher.Hash(password) });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Adds settings to the server's environment before it starts (e.g. an SMTP server for mail).</summary>
    protected virtual void Configure(Dictionary<string, string?> environment)
    {
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    private async Task WaitUntilReadyAsync()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(Url + "/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }

            if (_server!.HasExited)
            {
                throw new InvalidOperationException("the server stopped at start");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the server did not become ready");
    }

    [GeneratedRegex(@"password: (\S+)")]
    private static partial Regex PasswordLine();
}
