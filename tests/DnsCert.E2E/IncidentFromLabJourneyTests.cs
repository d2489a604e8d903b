using System.Diagnostics;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.Lab;
using DnsCert.Lab.Faults;
using DnsCert.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.E2E;

/// <summary>
/// <see cref="MailingConsoleServer"/> whose monitoring runtime watches a real lab (its own on a leased /16): checks from
/// the lab's root hints and trust anchor on a short cycle, one vantage point (the server's local agent), and an
/// incident feed pass every second.
/// </summary>
public sealed class LabMailingConsoleServer : MailingConsoleServer
{
    public const int CycleSeconds = 4;

    private ConsoleLab? _lab;

    public LabUniverse Lab => _lab!.Universe;

    public string LabDirectory => _lab!.Directory;

    public static string CliDll => ConsoleLab.CliDll;

    public override async Task InitializeAsync()
    {
        _lab = await ConsoleLab.UpAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    /// <summary>`dnscert lab --dir … <paramref name="args"/>` as an operator types it.</summary>
    public async Task<ProcessResult> LabCommandAsync(params string[] args)
    {
        var result = await ProcessRunner.RunAsync("dotnet", [CliDll, "lab", "--dir", LabDirectory, .. args],
            new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, TimeSpan.FromMinutes(5));
        result.ExitCode.ShouldBe(0, result.StandardOutput + result.StandardError);
        return result;
    }

    protected override void Configure(Dictionary<string, string?> environment)
    {
        base.Configure(environment);
        _lab!.Configure(environment, CycleSeconds);
        environment["DNSCERT_Incidents__FeedIntervalSeconds"] = "1";
    }
}

/// <summary>
/// Issue 9's first acceptance item on the real lab, the real server, the real SMTP server and Chromium:
/// <c>lab break ml expired-signatures</c> → within 3 monitoring cycles the findings feed opens the incident (SEC-03,
/// availability:misconfiguration, critical for a TLD) and the registry's 24x7 contact is mailed in French with the TLP
/// label and the ack link → the contact acknowledges in the browser → <c>lab fix ml</c> → within 3 cycles the incident
/// proposes resolution → the duty officer confirms the closing → the timeline shows every step.
/// </summary>
[Collection(RealLabJourneys.Name)]
public class IncidentFromLabJourneyTests(LabMailingConsoleServer server, ITestOutputHelper output) : IClassFixture<LabMailingConsoleServer>
{
    private const string Tld = "ml";

    private async Task<T?> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync() is T t ? t : default;
    }

    private Task<long?> IncidentAsync() =>
        ScalarAsync<long?>("SELECT id FROM incidents WHERE dedup_key = $1 ORDER BY id DESC LIMIT 1", "zone:" + Tld);

    private async Task<IReadOnlyList<MailEntity>> MailAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        while (server.Mail.Count < count && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
        }

        server.Mail.Count.ShouldBeGreaterThanOrEqualTo(count);
        return [.. server.Mail.Messages().Select(MailEntity.Parse)];
    }

    [Fact]
    public async Task Lab_break_on_a_tld_opens_an_incident_mails_its_registry_in_french_and_closes_after_the_fix_on_confirmation()
    {
        var import = await ProcessRunner.RunAsync("dotnet", [LabMailingConsoleServer.CliDll, "directory", "import", "lab"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = server.Database, ["NO_COLOR"] = "1" });
        import.ExitCode.ShouldBe(0, import.StandardError);
        var contact = await ScalarAsync<string>("""
            SELECT c.email || ' ' || coalesce(c.language, o.languages[1]) FROM assets a JOIN organisations o ON o.id = a.organisation_id
            JOIN contacts c ON c.organisation_id = o.id WHERE a.kind = 'zone' AND a.value = $1 AND 'emergency' = ANY(c.roles)
            """, Tld);
        var (email, language) = (contact!.Split(' ')[0], contact.Split(' ')[1]);
        language.ShouldBe("fr", "the lab's .ml registry works in French");
        await server.CreateUserAsync("duty-lab", "duty officer lab passphrase", Roles.DutyOfficer);

        await using (var db = NpgsqlDataSource.Create(server.Database))
        {
            await new WatchedZoneStore(db, TimeProvider.System).AddAsync(Tld + ".", 60, default);
        }

        await using var runs = new Runs(server.Database, Tld + ".");

        // Healthy first: two check runs of ml. and no incident.
        (await Runs.WaitForAsync(() => Task.FromResult(runs.Count >= 2), TimeSpan.FromSeconds(120))).ShouldBeTrue("ml. was never checked");
        (await IncidentAsync()).ShouldBeNull("the healthy TLD has no finding at or above ERROR: " + await FindingsAsync());

        // Runs are counted from the moment the break starts: a run that starts while `lab break` is still waiting for the
        // servers may already see the fault, and it counts.
        var broken = DateTimeOffset.UtcNow;
        DateTimeOffset fixedAt;
        await server.LabCommandAsync("break", Tld, FaultCatalogue.ExpiredSignatures);
        try
        {
            (await Runs.WaitForAsync(async () => await IncidentAsync() is not null, TimeSpan.FromSeconds(90))).ShouldBeTrue("no incident: " + await FindingsAsync());
            var opened = (await ScalarAsync<DateTime>("SELECT opened_at FROM incidents WHERE id = $1", (await IncidentAsync())!.Value)).ToUniversalTime();
            var cycles = runs.Between(broken, new DateTimeOffset(opened, TimeSpan.Zero));
            output.WriteLine($"incident opened after {cycles} check runs");
            cycles.ShouldBeLessThanOrEqualTo(3, "check runs from the break to the incident");
            cycles.ShouldBeGreaterThanOrEqualTo(1, "the runs were sampled");

            // The registry's 24x7 contact gets the request in French, TLP in the subject, the ack link in the body.
            var mail = (await MailAsync(1)).ShouldHaveSingleItem();
            mail.Header("To")!.ShouldContain(email, Case.Insensitive);
            mail.Header("Content-Language").ShouldBe("fr");
            mail.DecodedHeader("Subject")!.ShouldStartWith("[TLP:AMBER] ");
            mail.DecodedHeader("Subject")!.ShouldContain("Action demandée");
            var body = mail.PlainText()!;
            body.ShouldContain("SEC-03");
            var link = body.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(server.Url + "/incidents/ack/", StringComparison.Ordinal));

            // The NOC follows the link, without an account, in its own language.
            var noc = await server.NewPageAsync("fr-FR");
            await noc.GotoAsync(link);
            await ConsoleServer.ScreenshotAsync(noc, "50-lab-incident-ack-link");
            await noc.ClickAsync("#acknowledge");
            await noc.WaitForSelectorAsync("#acknowledged");
            (await noc.InnerTextAsync("#request-status")).ShouldBe("acknowledged");
            await ConsoleServer.ScreenshotAsync(noc, "51-lab-incident-acknowledged");
            await noc.Context.CloseAsync();
        }
        finally
        {
            fixedAt = DateTimeOffset.UtcNow;
            await server.LabCommandAsync("fix", Tld);
        }

        var id = (await IncidentAsync())!.Value;
        (await Runs.WaitForAsync(async () => await ScalarAsync<string>("SELECT state FROM incidents WHERE id = $1", id) == "resolution-proposed",
            TimeSpan.FromSeconds(90))).ShouldBeTrue("resolution never proposed: " + await FindingsAsync());
        var proposedAt = (await ScalarAsync<DateTime>(
            "SELECT max(at) FROM incident_events WHERE incident_id = $1 AND kind = 'state-change' AND text LIKE '%→ resolution-proposed%'", id)).ToUniversalTime();
        var after = runs.Between(fixedAt, new DateTimeOffset(proposedAt, TimeSpan.Zero));
        output.WriteLine($"resolution proposed after {after} check runs");
        after.ShouldBeLessThanOrEqualTo(3, "check runs from the fix to the resolution proposal");
        after.ShouldBeGreaterThanOrEqualTo(1, "the runs were sampled");

        // The duty officer signs in (first time: sets up the second factor) and confirms the closing.
        var page = await server.NewPageAsync();
        await ConsoleServer.SignInAsync(page, "duty-lab", "duty officer lab passphrase");

        await page.GotoAsync("/incidents");
        await page.WaitForSelectorAsync("#queue");
        await page.ClickAsync($"#queue a:has-text('Zone {Tld}.: SEC-03')");
        await page.WaitForSelectorAsync("#timeline");
        (await page.InnerTextAsync("#classification")).ShouldContain("availability:misconfiguration");
        (await page.InnerTextAsync("#severity")).ShouldContain("critical");
        (await page.InnerTextAsync("#state")).ShouldBe("resolution-proposed");
        (await page.Locator("#requests .request-status").AllInnerTextsAsync()).ShouldBe(["acknowledged"]);
        await ConsoleServer.ScreenshotAsync(page, "52-lab-incident-resolution-proposed");
        await page.SelectOptionAsync("#state-form select[name=state]", "closed");
        await page.FillAsync("#state-form input[name=note]", "ml. re-signed; SEC-03 cleared from the monitoring");
        await page.ClickAsync("#move");
        await page.WaitForSelectorAsync("#timeline");
        (await page.InnerTextAsync("#state")).ShouldBe("closed");

        // Every step, in order: finding, mail sent, acknowledged, cleared, resolution proposed, closed.
        // The page lists the timeline oldest first.
        var timeline = (await page.Locator("#timeline li").AllInnerTextsAsync()).ToList();
        output.WriteLine(string.Join('\n', timeline));
        string[] steps = ["finding: Monitoring: SEC-03 (", "mail-out", "acknowledged the coordination request", "SEC-03 on ml. cleared", "→ resolution-proposed",
            "resolution-proposed → closed"];
        var at = steps.Select(s => timeline.FindIndex(t => t.Contains(s, StringComparison.Ordinal))).ToList();
        at.ShouldAllBe(i => i >= 0, string.Join('\n', timeline));
        at.ShouldBe([.. at.Order()], "the steps in order");
        await ConsoleServer.ScreenshotAsync(page, "53-lab-incident-closed");
    }

    private async Task<string> FindingsAsync()
    {
        await using var db = NpgsqlDataSource.Create(server.Database);
        await using var command = db.CreateCommand(
            "SELECT string_agg(check_id || ' ' || severity || ': ' || message, '; ') FROM zone_findings WHERE zone = $1 AND cleared_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = Tld + "." });
        return await command.ExecuteScalarAsync() as string ?? "(no open finding)";
    }

    /// <summary>
    /// The check runs of a zone (their start times, from watched_zones.last_check_at), sampled every 200 ms in the
    /// background from creation to disposal — also while a `lab` command runs, so no run goes unseen.
    /// </summary>
    private sealed class Runs : IAsyncDisposable
    {
        private readonly SortedSet<DateTimeOffset> _starts = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly NpgsqlDataSource _db;
        private readonly string _zone;
        private readonly Task _sampler;

        public Runs(string database, string zone)
        {
            _db = NpgsqlDataSource.Create(database);
            _zone = zone;
            _sampler = Task.Run(SampleAsync);
        }

        public int Count
        {
            get
            {
                lock (_starts)
                {
                    return _starts.Count;
                }
            }
        }

        public static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit)
            {
                if (await condition())
                {
                    return true;
                }

                await Task.Delay(200);
            }

            return false;
        }

        /// <summary>Runs that started after <paramref name="from"/> and no later than <paramref name="to"/>.</summary>
        public int Between(DateTimeOffset from, DateTimeOffset to)
        {
            lock (_starts)
            {
                return _starts.Count(s => s > from && s <= to);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _sampler;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
            await _db.DisposeAsync();
        }

        private async Task SampleAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await using var command = _db.CreateCommand("SELECT last_check_at FROM watched_zones WHERE zone = $1");
                    command.Parameters.Add(new NpgsqlParameter { Value = _zone });
                    if (await command.ExecuteScalarAsync(_stop.Token) is DateTime start)
                    {
                        lock (_starts)
                        {
                            _starts.Add(new DateTimeOffset(start, TimeSpan.Zero));
                        }
                    }
                }
                catch (NpgsqlException)
                {
                    // A busy database: the next sample.
                }

                await Task.Delay(200, _stop.Token);
            }
        }
    }
}
