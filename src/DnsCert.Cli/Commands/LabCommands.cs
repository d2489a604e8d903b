using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using DnsCert.Lab;
using DnsCert.Lab.Faults;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert lab up|down|status|faults|break|fix|scenario</c>: the lab universe (docs/lab.md).</summary>
internal static class LabCommands
{
    private static readonly Option<string?> s_dir = new("--dir")
    {
        Description = "Lab folder (default: DNSCERT_LAB_DIR, else .data/lab of the checkout).",
        Recursive = true,
    };

    public static Command Create()
    {
        var lab = new Command("lab", "The lab universe: a miniature Internet DNS on loopback with faults on command.");
        lab.Options.Add(s_dir);

        var up = new Command("up", "Generate, sign and serve the lab; wait until every zone is served.");
        var size = new Option<LabSize>("--size") { Description = "small (default) or large (benchmarks)", DefaultValueFactory = _ => LabSize.Small };
        var basePrefix = new Option<string>("--base") { Description = "Loopback /16 of the lab, e.g. 127.53", DefaultValueFactory = _ => "127.53" };
        var registered = new Option<string?>("--registered")
        {
            Description = "A list of domain names (one a line, .gz read compressed, read in place) registered in the lab's TLD zones, "
                + "e.g. ../shared/data/conficker/conficker-b-2020.txt.gz: the Conficker TLDs as large lab zones",
        };
        var first = new Option<int>("--first") { Description = "Only the first N lines of --registered (default: all)" };
        up.Options.Add(size);
        up.Options.Add(basePrefix);
        up.Options.Add(registered);
        up.Options.Add(first);
        up.SetAction((p, ct) => RunAsync(() => UpAsync(new LabUpOptions(Dir(p), p.GetValue(basePrefix)!, p.GetValue(size), p.GetValue(registered), p.GetValue(first)), ct)));
        lab.Subcommands.Add(up);

        var down = new Command("down", "Stop every process of the lab.");
        var purge = new Option<bool>("--purge") { Description = "Also delete the lab folder (keys, zones)." };
        down.Options.Add(purge);
        down.SetAction((p, ct) => RunAsync(() => DownAsync(Dir(p), p.GetValue(purge))));
        lab.Subcommands.Add(down);

        var status = new Command("status", "Zones, servers and faults in force.");
        var zones = new Option<bool>("--zones") { Description = "List every zone with its servers." };
        status.Options.Add(zones);
        status.SetAction((p, ct) => RunAsync(() => StatusAsync(Dir(p), p.GetValue(zones))));
        lab.Subcommands.Add(status);

        var faults = new Command("faults", "The fault catalogue.");
        faults.SetAction((p, ct) => RunAsync(() => Task.FromResult(Catalogue())));
        lab.Subcommands.Add(faults);

        var zoneArg = new Argument<string>("zone") { Description = "Zone name, e.g. bank.ml" };
        var faultArg = new Argument<string>("fault") { Description = "Fault id (see: dnscert lab faults)" };
        var server = new Option<string?>("--server") { Description = "Server host name, label (ns1, ns2) or address" };
        var delay = new Option<string?>("--delay") { Description = "slow-server only: how long each answer is held, e.g. 50ms or 1.5s (default 1500ms)" };
        var breakCommand = new Command("break", "Inject a fault into a zone.") { zoneArg, faultArg };
        breakCommand.Options.Add(server);
        breakCommand.Options.Add(delay);
        breakCommand.SetAction((p, ct) => RunAsync(() => BreakAsync(Dir(p), p.GetValue(zoneArg)!, p.GetValue(faultArg)!, p.GetValue(server), p.GetValue(delay), ct)));
        lab.Subcommands.Add(breakCommand);

        var fixZone = new Argument<string?>("zone") { Arity = ArgumentArity.ZeroOrOne, Description = "Zone name" };
        var fixFault = new Argument<string?>("fault") { Arity = ArgumentArity.ZeroOrOne, Description = "Fault id (default: all faults of the zone)" };
        var all = new Option<bool>("--all") { Description = "Repair every fault of the lab." };
        var fix = new Command("fix", "Repair a fault (or every fault of a zone, or --all).") { fixZone, fixFault };
        fix.Options.Add(all);
        fix.SetAction((p, ct) => RunAsync(() => FixAsync(Dir(p), p.GetValue(fixZone), p.GetValue(fixFault), p.GetValue(all), ct)));
        lab.Subcommands.Add(fix);

        var scenarioArg = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne, Description = "Scenario id; without it, the list" };
        var scenario = new Command("scenario", "Inject several faults that tell a story.") { scenarioArg };
        scenario.SetAction((p, ct) => RunAsync(() => ScenarioAsync(Dir(p), p.GetValue(scenarioArg), ct)));
        lab.Subcommands.Add(scenario);

        var rttArg = new Argument<string>("rtt") { Description = "Round trip added to every name server, e.g. 50ms; off removes it" };
        var rtt = new Command("rtt", "Add a round trip to every name server of the lab (the relay; docs/lab.md).") { rttArg };
        rtt.SetAction((p, ct) => RunAsync(() => RttAsync(Dir(p), p.GetValue(rttArg)!, ct)));
        lab.Subcommands.Add(rtt);

        var map = new Option<string>("--map") { Required = true };
        var relayDelay = new Option<int>("--delay-ms") { Required = true };
        var relayPid = new Option<string>("--pid-file") { Required = true };
        var relay = new Command("relay", "(internal) Run the relay of `lab rtt` on every address of a map until stopped.") { Hidden = true };
        relay.Options.Add(map);
        relay.Options.Add(relayDelay);
        relay.Options.Add(relayPid);
        relay.SetAction((p, ct) => RunAsync(() => RelayAsync(p.GetValue(map)!, p.GetValue(relayDelay), p.GetValue(relayPid)!, ct)));
        lab.Subcommands.Add(relay);

        var listen = new Option<string>("--listen") { Required = true };
        var backend = new Option<string>("--backend") { Required = true };
        var mode = new Option<string>("--mode") { Required = true };
        var pidFile = new Option<string>("--pid-file") { Required = true };
        var delayMs = new Option<int?>("--delay-ms");
        var responder = new Command("responder", "(internal) Run the fault responder on one address until stopped.") { Hidden = true };
        responder.Options.Add(listen);
        responder.Options.Add(backend);
        responder.Options.Add(mode);
        responder.Options.Add(pidFile);
        responder.Options.Add(delayMs);
        responder.SetAction((p, ct) => RunAsync(() => ResponderAsync(p.GetValue(listen)!, p.GetValue(backend)!, p.GetValue(mode)!, p.GetValue(pidFile)!,
            p.GetValue(delayMs), ct)));
        lab.Subcommands.Add(responder);
        lab.Subcommands.Add(LabRegistryCommand.Create());
        return lab;
    }

    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (LabException e)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]lab:[/] {e.Message}");
            return 1;
        }
    }

    internal static string Dir(ParseResult parseResult)
    {
        if (parseResult.GetValue(s_dir) is { Length: > 0 } dir)
        {
            return dir;
        }

        return DefaultDir();
    }

    /// <summary>DNSCERT_LAB_DIR, else .data/lab of the checkout (also used by <c>check --lab</c>).</summary>
    internal static string DefaultDir()
    {
        if (Environment.GetEnvironmentVariable("DNSCERT_LAB_DIR") is { Length: > 0 } env)
        {
            return env;
        }

        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "DnsCert.slnx")))
            {
                return Path.Combine(d.FullName, ".data", "lab");
            }
        }

        return Path.Combine(Environment.CurrentDirectory, ".data", "lab");
    }

    /// <summary>How this very program is started again, for the fault responder.</summary>
    internal static ResponderCommand Self()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && entry is { Length: > 0 }
            ? new ResponderCommand(process, [entry])
            : new ResponderCommand(process, []);
    }

    private static async Task<int> UpAsync(LabUpOptions options, CancellationToken ct)
    {
        var dir = options.Directory;
        var watch = Stopwatch.StartNew();
        LabUniverse lab = null!;
        var wasRunning = LabUniverse.Exists(dir) && LabUniverse.Open(dir).Pids().Count > 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new ImmediateProgress<LabProgress>(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.Phase, out var task))
                        {
                            task = ctx.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                            tasks[p.Phase] = task;
                        }

                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }
                });
                lab = await LabUniverse.UpAsync(options, Self(), progress, cancellationToken: ct);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            });
        var status = lab.Status();
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"lab {(wasRunning ? "already running" : "up")}: {status.Zones} zones ({status.SignedZones} signed) on {status.Base}.0.0/16 in {watch.Elapsed.TotalSeconds:F1} s");
        if (lab.State.Registered is { } names)
        {
            Console.WriteLine(string.Join(" ", names.Tlds.Order(StringComparer.Ordinal).Select(t => $"{t}:{names.Under(t).Count}")));
        }

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"resolver: {lab.ResolverAddress} (try: kdig @{lab.ResolverAddress} +dnssec www.bank.ml); trust anchor: {lab.TrustAnchorFile}");
        return 0;
    }

    private static async Task<int> DownAsync(string dir, bool purge)
    {
        if (!LabUniverse.Exists(dir))
        {
            AnsiConsole.WriteLine("lab: nothing to stop");
            return 0;
        }

        var lab = LabUniverse.Open(dir);
        await lab.DownAsync();
        if (purge)
        {
            Directory.Delete(lab.Paths.Directory, recursive: true);
        }

        AnsiConsole.WriteLine(purge ? "lab down; folder removed" : "lab down");
        return 0;
    }

    private static Task<int> StatusAsync(string dir, bool zones)
    {
        if (!LabUniverse.Exists(dir))
        {
            AnsiConsole.WriteLine("lab: not set up (dnscert lab up)");
            return Task.FromResult(1);
        }

        var lab = LabUniverse.Open(dir);
        var status = lab.Status();
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"lab in {status.Directory}: base {status.Base}, {status.Size.ToString().ToLowerInvariant()}, {status.Zones} zones ({status.SignedZones} signed)");
        var table = new Table().AddColumns("daemon", "pid", "listens on");
        foreach (var daemon in status.Daemons)
        {
            table.AddRow(daemon.Name, daemon.Pid?.ToString(CultureInfo.InvariantCulture) ?? "[red]stopped[/]", daemon.Addresses);
        }

        AnsiConsole.Write(table);
        if (lab.State.AddedRttMilliseconds is { } rtt)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"added round trip: {rtt} ms on every name server (lab rtt off removes it)");
        }

        if (status.Faults.Count == 0)
        {
            AnsiConsole.WriteLine("faults: none");
        }
        else
        {
            var faults = new Table().AddColumns("zone", "fault", "server", "since (UTC)");
            foreach (var f in status.Faults)
            {
                faults.AddRow(Markup.Escape(f.Zone), f.Fault, Markup.Escape(f.Server ?? "-"), f.Since.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(faults);
        }

        if (zones)
        {
            var list = new Table().AddColumns("zone", "DNSSEC", "servers");
            foreach (var zone in lab.Plan.Zones)
            {
                list.AddRow(Markup.Escape(zone.Fqdn), Markup.Escape(zone.Dnssec?.ToString() ?? "unsigned"),
                    Markup.Escape(string.Join(", ", zone.Servers.Select(s => $"{s.Name} {s.Address} ({s.Kind.ToString().ToLowerInvariant()}{(s.IsPrimary ? ", primary" : "")})"))));
            }

            AnsiConsole.Write(list);
        }

        var running = status.Daemons.All(d => d.Pid is not null);
        AnsiConsole.WriteLine(running ? "state: running" : "state: not (fully) running");
        return Task.FromResult(running ? 0 : 3);
    }

    private static int Catalogue()
    {
        var table = new Table().AddColumns("fault", "target", "what the lab does", "what it should trigger");
        foreach (var f in FaultCatalogue.All)
        {
            table.AddRow(f.Id, f.Target.ToString().ToLowerInvariant(), Markup.Escape(f.Definition), Markup.Escape(f.Signals));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<int> BreakAsync(string dir, string zone, string fault, string? server, string? delay, CancellationToken ct)
    {
        var milliseconds = delay is null ? (int?)null : FaultCatalogue.ParseDelay(delay);
        var lab = LabUniverse.Open(dir, Self());
        var applied = await lab.BreakAsync(zone, fault, server, milliseconds, ct);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"broken: {applied}");
        return 0;
    }

    private static async Task<int> FixAsync(string dir, string? zone, string? fault, bool all, CancellationToken ct)
    {
        var lab = LabUniverse.Open(dir, Self());
        if (all)
        {
            await lab.FixAllAsync(ct);
            AnsiConsole.WriteLine("fixed: every fault");
            return 0;
        }

        if (zone is null)
        {
            throw new LabException("name a zone, or use --all");
        }

        foreach (var f in await lab.FixAsync(zone, fault, ct))
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"fixed: {f}");
        }

        return 0;
    }

    private static async Task<int> ScenarioAsync(string dir, string? name, CancellationToken ct)
    {
        var lab = LabUniverse.Open(dir, Self());
        if (name is null)
        {
            foreach (var s in Scenarios.For(lab.Plan))
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{s.Id}[/] — {s.Title}: {s.Story}");
            }

            return 0;
        }

        var scenario = Scenarios.Get(lab.Plan, name);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{scenario.Title}[/]: {scenario.Story}");
        foreach (var (zone, fault) in scenario.Faults)
        {
            var applied = await lab.BreakAsync(zone, fault, null, ct);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  broken: {applied}");
        }

        AnsiConsole.WriteLine("repair with: dnscert lab fix --all");
        return 0;
    }

    private static async Task<int> RttAsync(string dir, string rtt, CancellationToken ct)
    {
        int? milliseconds = rtt.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : FaultCatalogue.ParseDelay(rtt);
        var lab = LabUniverse.Open(dir, Self());
        await lab.SetAddedRttAsync(milliseconds, ct);
        Console.WriteLine(milliseconds is { } ms ? $"added round trip: {ms} ms on every name server" : "added round trip: off");
        return 0;
    }

    private static async Task<int> RelayAsync(string map, int delayMilliseconds, string pidFile, CancellationToken ct)
    {
        var relays = (await File.ReadAllLinesAsync(map, ct)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length == 2)
            .Select(f => new FaultResponder(f[0], f[1], FaultResponder.AddedRtt, delayMilliseconds)).ToList();
        // Each responder binds its address before its first await: a taken address shows here, before the PID file.
        var runs = relays.Select(r => r.RunAsync(ct)).ToList();
        if (runs.FirstOrDefault(r => r.IsFaulted) is { } failed)
        {
            await failed;
        }

        await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        await Task.WhenAll(runs);
        return 0;
    }

    private static async Task<int> ResponderAsync(string listen, string backend, string mode, string pidFile, int? delayMilliseconds, CancellationToken ct)
    {
        var responder = new FaultResponder(listen, backend, mode, delayMilliseconds);
        var run = responder.RunAsync(ct);
        await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        await run;
        return 0;
    }
}
