using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Monitoring.Resolution;
using Npgsql;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert campaign create|add|status|list</c> (issue 11): coordinated mass action from the command line. Lines
/// scripts read are plain <see cref="Console.WriteLine(string)"/>; the progress bar goes to the terminal only.
/// </summary>
internal static class CampaignCommands
{
    public static Command Create()
    {
        var campaign = new Command("campaign", "Coordinated mass action: domain names split per registry, requests, coverage.");
        campaign.Options.Add(CliDatabase.Option);
        campaign.Subcommands.Add(CreateCommand());
        campaign.Subcommands.Add(AddCommand());
        campaign.Subcommands.Add(StatusCommand());
        campaign.Subcommands.Add(ListCommand());
        campaign.Subcommands.Add(VerifyCommand());
        return campaign;
    }

    private static Option<string> FileOption() =>
        new("--file") { Description = "Names, one a line, or CSV with a domain column; .gz is read compressed; - for standard input", Required = true };

    private static readonly Option<string> s_portal = new("--portal-url")
    {
        Description = "The console's public address, for the registries' request links (default: $DNSCERT_PUBLIC_URL, else https://localhost:5001/)",
    };

    private static readonly Option<string> s_psl = new("--psl") { Description = "Public suffix list", DefaultValueFactory = _ => PublicSuffixList.DebianPath };

    private static readonly Option<string?> s_day = new("--day") { Description = "The day of the campaign's time window these names are for (yyyy-mm-dd, default today UTC)" };

    private static Command CreateCommand()
    {
        var name = new Option<string>("--name") { Description = "Campaign name", Required = true };
        var file = FileOption();
        var tlp = new Option<string>("--tlp") { Description = "TLP 2.0 label", DefaultValueFactory = _ => "AMBER" };
        var action = new Option<string>("--action") { Description = "block (reserve), suspend (serverHold), sinkhole, transfer", DefaultValueFactory = _ => "block" };
        var deadline = new Option<string?>("--deadline") { Description = "When registries must have acted (ISO 8601, default in 24 h)" };
        var perDay = new Option<int>("--names-per-day") { Description = "The threat's time window: names it makes per day (0 if unknown)" };
        var sinkhole = new Option<string[]>("--sinkhole") { Description = "Sinkhole name server (repeat)", AllowMultipleArgumentsPerToken = true };
        var registrar = new Option<string?>("--registrar") { Description = "Trusted registrar, for the transfer action" };
        var command = new Command("create", "Create a campaign from a list of names (its first day).") { name, file, tlp, action, deadline, perDay, sinkhole, registrar, s_day, s_portal, s_psl };
        command.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            var due = p.GetValue(deadline) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
                    : throw new Core.ValidationException("deadline", $"'{text}' is not a date and time (ISO 8601)")
                : DateTimeOffset.UtcNow.AddDays(1);
            var draft = new CampaignDraft(p.GetValue(name)!, TlpLabels.Parse(p.GetValue(tlp)), due, CampaignActions.Parse(p.GetValue(action)),
                p.GetValue(perDay), p.GetValue(sinkhole), p.GetValue(registrar));
            return await UploadAsync(p, CampaignUploadTarget.Create(DirectoryCommands.Staff, Actor, draft, Day(p), FileName(p.GetValue(file)!)), p.GetValue(file)!, ct);
        }));
        return command;
    }

    private static Command AddCommand()
    {
        var id = new Argument<Guid>("id") { Description = "Campaign id" };
        var file = FileOption();
        var command = new Command("add", "Add another day of names to a campaign.") { id, file, s_day, s_portal, s_psl };
        command.SetAction((p, ct) => CliDatabase.RunAsync(() =>
            UploadAsync(p, CampaignUploadTarget.AddTo(DirectoryCommands.Staff, Actor, p.GetValue(id), Day(p), FileName(p.GetValue(file)!)), p.GetValue(file)!, ct)));
        return command;
    }

    private static Command StatusCommand()
    {
        var id = new Argument<Guid>("id") { Description = "Campaign id" };
        var command = new Command("status", "Coverage per registry, laggards first: requested, acknowledged, actioned, verified, contradicted.") { id };
        command.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var view = await Store(dataSource, p).GetAsync(DirectoryCommands.Staff, p.GetValue(id), ct)
                       ?? throw new CliException(4, $"no campaign {p.GetValue(id)}");
            Console.WriteLine($"campaign\t{view.Id}\t{view.Name}\t{view.Tlp.ToLabel()}\t{view.Action.Code()}\tdeadline {view.Deadline.UtcDateTime:yyyy-MM-dd HH:mm}Z\tuploads {view.Uploads}");
            Console.WriteLine("requested\tacknowledged\tactioned\tverified\tcontradicted\ttotal\tregistry\ttlds");
            foreach (var r in view.Registries)
            {
                Console.WriteLine($"{r.Requested}\t{r.Acknowledged}\t{r.Actioned}\t{r.Verified}\t{r.Contradicted}\t{r.Total}\t{r.OrganisationName}\t{string.Join(",", r.Tlds)}");
            }

            Console.WriteLine($"unroutable\t{view.Unroutable}\t{string.Join(",", view.UnroutableTlds)}");
            return 0;
        }));
        return command;
    }

    private static Command VerifyCommand()
    {
        var id = new Argument<Guid>("id") { Description = "Campaign id" };
        var hints = new Option<string>("--hints") { Description = "Root hints file (a lab's, for a lab campaign)", DefaultValueFactory = _ => RootHints.DefaultFile };
        var rate = new Option<double>("--rate") { Description = "Queries per second to one TLD server address", DefaultValueFactory = _ => 50 };
        var command = new Command("verify", "Check every routed name at its TLD's authoritative servers; verified or contradicted where the registry reported actioned.")
            { id, hints, rate };
        command.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var hintsFile = p.GetValue(hints)!;
            using var prober = new Prober(new ProbeSettings { PrivateTree = hintsFile != RootHints.DefaultFile });
            var resolver = new IterativeResolver(prober, RootHints.Load(hintsFile));
            var verify = new VerifyCampaign(new CampaignRequestStore(dataSource, TimeProvider.System),
                new CampaignVerifier(prober, TimeProvider.System, p.GetValue(rate)));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var summary = await verify.HandleAsync(DirectoryCommands.Staff, p.GetValue(id), VerifyCampaign.FromRoot(resolver), ct);
            Console.WriteLine($"checked\t{summary.Checked}\tverified\t{summary.Verified}\tcontradicted\t{summary.Contradicted}\tunknown\t{summary.Unknown}");
            foreach (var (state, count) in summary.States.OrderBy(s => s.Key))
            {
                Console.WriteLine($"{state.Code()}\t{count}");
            }

            Console.Error.WriteLine($"dnscert: {summary.Checked} names in {watch.Elapsed.TotalSeconds:F1} s ({prober.QueriesSent} queries)");
            return 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "Campaigns, newest first.");
        command.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            foreach (var c in await Store(dataSource, p).ListAsync(DirectoryCommands.Staff, ct))
            {
                Console.WriteLine($"{c.Id}\t{c.Name}\t{c.Tlp.ToLabel()}\t{c.Action.Code()}\t{c.Names}\t{c.Verified}\t{c.Unroutable}");
            }

            return 0;
        }));
        return command;
    }

    private static async Task<int> UploadAsync(ParseResult p, CampaignUploadTarget target, string file, CancellationToken ct)
    {
        await using var dataSource = CliDatabase.Open(p);
        var uploads = new CampaignUploads(Store(dataSource, p), CampaignUploads.RoutingFrom(PublicSuffixList.Load(p.GetValue(s_psl)!),
            c => new DirectoryRepository(dataSource, TimeProvider.System).LoadRoutingSnapshotAsync(DirectoryCommands.Staff, c)), TimeProvider.System);
        await using var raw = file == "-" ? Console.OpenStandardInput() : OpenFile(file);
        using var reader = new StreamReader(file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw);
        CampaignUploadResult? result = null;
        try
        {
            if (Console.IsErrorRedirected)
            {
                result = await uploads.HandleAsync(target, reader, null, ct);
            }
            else
            {
                // The bar goes to standard error, so standard output stays the lines scripts read.
                var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                await terminal.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        // Progress is the share of the file's bytes read (standard input: indeterminate).
                        var task = context.AddTask("reading names", maxValue: raw.CanSeek ? Math.Max(1, raw.Length) : 1);
                        task.IsIndeterminate = !raw.CanSeek;
                        result = await uploads.HandleAsync(target, reader, new Progress<long>(lines =>
                        {
                            task.Description = $"reading names: {lines:N0} lines";
                            if (raw.CanSeek)
                            {
                                task.Value = raw.Position;
                            }
                        }), ct);
                        task.Value = task.MaxValue;
                    });
            }
        }
        catch (CampaignUploadRejectedException e)
        {
            foreach (var error in e.Errors)
            {
                Console.Error.WriteLine($"dnscert: line {error.Line}: '{error.Text}' {error.Reason}");
            }

            throw new CliException(2, $"{e.ErrorCount} line(s) refused; nothing was stored");
        }

        var r = result!;
        Console.WriteLine($"campaign\t{r.CampaignId}\t{(r.AlreadyUploaded ? "already uploaded (same content): nothing new" : "created")}");
        Console.WriteLine($"upload\t{r.UploadId}\tlines {r.Lines}\tnames {r.Names}\tnew {r.NewNames}\tduplicates {r.Duplicates}");
        foreach (var s in r.Slices)
        {
            Console.WriteLine($"{s.Names}\t{s.OrganisationName}\t{string.Join(",", s.Tlds)}\t{s.Language}");
        }

        Console.WriteLine($"{r.Unroutable}\t(unroutable)\t{string.Join(",", r.UnroutableTlds)}\t-");
        return 0;
    }

    private static FileStream OpenFile(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new Core.ValidationException("file", $"'{path}' does not exist");

    private static string? FileName(string file) => file == "-" ? null : Path.GetFileName(file);

    private static DateOnly Day(ParseResult p) => p.GetValue(s_day) is { } text
        ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw new Core.ValidationException("day", $"'{text}' is not a date (yyyy-mm-dd)")
        : DateOnly.FromDateTime(DateTime.UtcNow);

    private static CampaignStore Store(NpgsqlDataSource dataSource, ParseResult p) => new(dataSource,
        new NotificationRules(new NotificationRulesOptions()), TimeProvider.System,
        new CampaignOptions { PortalUrl = new Uri(p.GetValue(s_portal) ?? Environment.GetEnvironmentVariable("DNSCERT_PUBLIC_URL") ?? "https://localhost:5001/") });

    private static string Actor => "cli:" + Environment.UserName;
}
