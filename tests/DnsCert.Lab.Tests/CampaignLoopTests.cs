using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace DnsCert.Lab.Tests;

/// <summary>
/// Issue 11's acceptance, end to end through real components: the first 22,750 names of the real Conficker-B list of
/// 2020 registered in the lab's TLD zones (served by NSD, Knot and BIND), a campaign made by the CLI and split over the
/// lab's registries, the requests mailed by the server's outbox to a real SMTP server (aiosmtpd, Maildir), the lab
/// registry simulator answering some registries from that Maildir (changing their zones, lying about some names) and
/// ignoring others, and the server's verification schedule judging every name in the DNS.
/// </summary>
public sealed partial class CampaignLoopTests(ITestOutputHelper output)
{
    private const int QuarterOfTheYear = 22_750;

    private static string Conficker => Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz");

    private static string Cli => RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll");

    [Fact]
    public async Task Verification_flags_exactly_the_names_a_registry_lied_about_and_ignored_registries_lag()
    {
        var clock = Stopwatch.StartNew();
        var names = await FirstNamesAsync();
        var perTld = names.GroupBy(Tld).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        perTld.Count.ShouldBe(8);

        var database = await TestDatabase.CreateAsync();
        var migrate = await RunCliAsync(database, "db", "migrate");
        migrate.ExitCode.ShouldBe(0, migrate.StandardError);
        var import = await RunCliAsync(database, "directory", "import", "lab");
        import.ExitCode.ShouldBe(0, import.StandardError);

        var (basePrefix, lease) = LabBases.Acquire();
        var dir = Path.Combine(Path.GetTempPath(), "dnscert-campaign-lab-" + Guid.NewGuid().ToString("N")[..8]);
        var work = Directory.CreateTempSubdirectory("dnscert-campaign-loop-").FullName;
        LabUniverse? lab = null;
        Process? server = null;
        await using var mail = await SmtpSink.StartAsync();
        // The lab comes up while the server starts and the campaign is made: only the simulator needs it.
        var labUp = LabUniverse.UpAsync(new LabUpOptions(dir, basePrefix, LabSize.Small, Conficker, QuarterOfTheYear), LabFixture.Responder);
        try
        {

            var port = FreePort.Next();
            var url = $"http://127.0.0.1:{port}/";
            server = ServerProcess.Start(ServerEnvironment(database, port, mail, new LabPaths(dir)));
            var serverLog = server.StandardOutput.ReadToEndAsync();
            _ = server.StandardError.ReadToEndAsync();

            // The campaign: the quarter as one upload, split per registry.
            var list = Path.Combine(work, "conficker-b-2020-q1.txt");
            await File.WriteAllLinesAsync(list, names);
            var create = await RunCliAsync(database, "campaign", "create", "--name", "Conficker B 2020 Q1", "--file", list, "--action", "block",
                "--names-per-day", "250", "--portal-url", url, "--deadline", DateTimeOffset.UtcNow.AddDays(2).ToString("O", CultureInfo.InvariantCulture));
            create.ExitCode.ShouldBe(0, create.StandardError);
            var lines = create.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            var campaign = Guid.Parse(lines[0][1]);
            var slices = lines.Skip(2).Where(l => l[1] != "(unroutable)").ToDictionary(l => l[1], l => (Count: int.Parse(l[0], CultureInfo.InvariantCulture), Tlds: l[2]));
            // Eight TLD registries in the lab, where com and net share one (fictional) operator, as in the real world: 7 requests.
            slices.Count.ShouldBe(7);
            foreach (var (_, slice) in slices)
            {
                slice.Count.ShouldBe(slice.Tlds.Split(',').Sum(t => perTld[t.Trim().TrimStart('.')]), slice.Tlds);
            }

            slices.Values.Sum(s => s.Count).ShouldBe(QuarterOfTheYear);
            output.WriteLine($"campaign split: {clock.Elapsed.TotalSeconds:F0} s");

            lab = await labUp;
            output.WriteLine($"lab up with {names.Count} registered names: {clock.Elapsed.TotalSeconds:F0} s");

            // Requests mailed: one link per registry reaches the Maildir (a registry may have several contacts).
            await WaitAsync(() => RequestLinks(mail).Count >= slices.Count, TimeSpan.FromSeconds(90), "7 coordination requests in the Maildir");
            RequestLinks(mail).Count.ShouldBe(slices.Count);
            output.WriteLine($"requests mailed: {clock.Elapsed.TotalSeconds:F0} s");

            // The simulator acts for 5 registries and ignores cn and ws; it lies about 7 names of each acting TLD (and
            // one of cn, never reported because cn's registry is silent).
            string[] ignored = ["cn", "ws"];
            var lies = names.Where((n, i) => i % 500 == 7).Where(n => !ignored.Contains(Tld(n))).Take(42).ToList();
            var silentLie = names.First(n => Tld(n) == "cn");
            var liesFile = Path.Combine(work, "lies.txt");
            await File.WriteAllLinesAsync(liesFile, lies.Append(silentLie));
            var simulator = await RunCliAsync(null, "lab", "--dir", dir, "registry", "--maildir", mail.Maildir, "--ignore", "cn", "--ignore", "ws", "--lies", liesFile);
            simulator.ExitCode.ShouldBe(0, simulator.StandardOutput + simulator.StandardError);
            output.WriteLine(simulator.StandardOutput);
            output.WriteLine($"simulator done: {clock.Elapsed.TotalSeconds:F0} s");

            // The zones changed for real: a blocked name is NXDOMAIN at its TLD's servers, a lied-about one still delegated.
            var acted = names.Where(n => !ignored.Contains(Tld(n))).ToHashSet(StringComparer.Ordinal);
            var honest = acted.First(n => !lies.Contains(n));
            foreach (var tldServer in lab.Plan.Get(Tld(honest)).Servers)
            {
                (await Kdig(tldServer.Address, honest)).ShouldBe("NXDOMAIN", tldServer.Name);
            }

            (await Kdig(lab.Plan.Get(Tld(lies[0])).Primary.Address, lies[0])).ShouldBe("NOERROR");

            // The schedule judges every reported name; nothing acted on stays "actioned".
            await using var db = NpgsqlDataSource.Create(database);
            await WaitAsync(async () => await ScalarAsync(db, campaign, "status = 'actioned' OR (status IN ('requested', 'acknowledged') AND dns_state IS NULL)") == 0,
                TimeSpan.FromSeconds(180), "every actioned name judged in the DNS");
            output.WriteLine($"verified: {clock.Elapsed.TotalSeconds:F0} s");

            var contradicted = await NamesAsync(db, campaign, "contradicted");
            contradicted.ShouldBe(lies.Order(StringComparer.Ordinal).Select(n => n + ".").ToList());
            (await ScalarAsync(db, campaign, "status = 'verified'")).ShouldBe(acted.Count - lies.Count);
            (await ScalarAsync(db, campaign, "status = 'requested' AND dns_state = 'delegated'")).ShouldBe(perTld["cn"] + perTld["ws"]);

            // Coverage, laggards first: the two silent registries lead with everything still requested.
            var status = await RunCliAsync(database, "campaign", "status", campaign.ToString());
            status.ExitCode.ShouldBe(0, status.StandardError);
            output.WriteLine(status.StandardOutput);
            var rows = status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split('\t')).Where(r => r.Length == 8).ToList();
            rows.Take(2).Select(r => r[7]).Order(StringComparer.Ordinal).ShouldBe(["cn", "ws"]);
            rows.Take(2).ShouldAllBe(r => r[0] == r[5] && r[3] == "0");
            rows.Skip(2).Sum(r => long.Parse(r[4], CultureInfo.InvariantCulture)).ShouldBe(lies.Count);
            rows.Skip(2).Sum(r => long.Parse(r[3], CultureInfo.InvariantCulture)).ShouldBe(acted.Count - lies.Count);
            output.WriteLine($"total: {clock.Elapsed.TotalSeconds:F0} s");
            server.Kill();
            (await serverLog).ShouldContain("campaign verification:");
        }
        finally
        {
            lab ??= await labUp.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
            if (server is { HasExited: false })
            {
                server.Kill();
                await server.WaitForExitAsync();
            }

            server?.Dispose();
            if (lab is not null)
            {
                await lab.DownAsync();
            }

            Directory.Delete(dir, recursive: true);
            Directory.Delete(work, recursive: true);
            lease.Dispose();
        }
    }

    private static string Tld(string name) => name[(name.LastIndexOf('.') + 1)..];

    private static async Task<List<string>> FirstNamesAsync()
    {
        await using var file = File.OpenRead(Conficker);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var names = new List<string>(QuarterOfTheYear);
        while (names.Count < QuarterOfTheYear && await reader.ReadLineAsync() is { } line)
        {
            names.Add(line.Trim().ToLowerInvariant());
        }

        return names;
    }

    private static Dictionary<string, string?> ServerEnvironment(string database, int port, SmtpSink mail, LabPaths lab)
    {
        var environment = ServerProcess.Environment(database, port);
        environment["DNSCERT_Notifications__Enabled"] = "true";
        environment["DNSCERT_Notifications__FromAddress"] = "duty@dnscert.test";
        environment["DNSCERT_Notifications__Smtp__Host"] = mail.Host;
        environment["DNSCERT_Notifications__Smtp__Port"] = mail.Port.ToString(CultureInfo.InvariantCulture);
        environment["DNSCERT_Notifications__Smtp__StartTls"] = "Never";
        environment["DNSCERT_Notifications__Outbox__PollSeconds"] = "0.5";
        environment["DNSCERT_Monitoring__Runtime__Enabled"] = "false";
        // The schedule compressed for a test: names due again after 5 s, looked for every second, in the lab's tree.
        environment["DNSCERT_Campaigns__Verification__IntervalSeconds"] = "5";
        environment["DNSCERT_Campaigns__Verification__PollSeconds"] = "1";
        environment["DNSCERT_Campaigns__Verification__QueriesPerSecondPerServer"] = "400";
        environment["DNSCERT_Campaigns__Verification__Burst"] = "40";
        // The lab's root hints (written by lab up; the worker loads them on its first pass and retries until they are there).
        environment["DNSCERT_Campaigns__Verification__HintsFile"] = Path.Combine(lab.Daemon("unbound"), "root.hints");
        environment["DNSCERT_Campaigns__Verification__PrivateTree"] = "true";
        return environment;
    }

    private static Task<ProcessResult> RunCliAsync(string? database, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Cli, .. arguments], database is null ? null : new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = database },
            TimeSpan.FromMinutes(5));

    private static HashSet<string> RequestLinks(SmtpSink mail) =>
        mail.Messages().Select(m => MailEntity.Parse(m).PlainText() ?? "").Select(t => RequestLink().Match(t)).Where(m => m.Success)
            .Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"https?://\S+/campaigns/requests/[A-Za-z0-9_\-]+")]
    private static partial Regex RequestLink();

    private static async Task<string> Kdig(string address, string name)
    {
        var result = await ProcessRunner.RunAsync("kdig", ["@" + address, "+norec", "+time=3", "+retry=2", name, "NS"]);
        return StatusLine().Match(result.StandardOutput).Groups[1].Value;
    }

    [GeneratedRegex(@"status: (\w+)")]
    private static partial Regex StatusLine();

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, Guid campaign, string where)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM campaign_names WHERE campaign_id = $1 AND ({where})");
        command.Parameters.Add(new NpgsqlParameter { Value = campaign });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> NamesAsync(NpgsqlDataSource db, Guid campaign, string status)
    {
        await using var command = db.CreateCommand("SELECT name FROM campaign_names WHERE campaign_id = $1 AND status = $2 ORDER BY name COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter { Value = campaign });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static Task WaitAsync(Func<bool> done, TimeSpan limit, string what) => WaitAsync(() => Task.FromResult(done()), limit, what);

    private static async Task WaitAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"not within {limit.TotalSeconds:F0} s: {what}");
            }

            await Task.Delay(500);
        }
    }
}
