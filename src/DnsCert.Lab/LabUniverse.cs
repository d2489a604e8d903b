using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DnsCert.Lab.Definition;
using DnsCert.Lab.Faults;

namespace DnsCert.Lab;

/// <summary>Progress of long lab work: a phase name and how far it got.</summary>
public sealed record LabProgress(string Phase, int Done, int Total);

/// <summary>
/// What `lab up` builds. <paramref name="Registered"/>: a list of domain names (one a line, optionally .gz, read in place)
/// registered in the lab's TLD zones, only its first <paramref name="RegisteredFirst"/> lines when above 0 (the
/// Conficker lab: <c>--registered conficker-b-2020.txt.gz --first 22750</c>).
/// </summary>
public sealed record LabUpOptions(string Directory, string Base = "127.53", LabSize Size = LabSize.Small, string? Registered = null, int RegisteredFirst = 0);

/// <summary>One daemon of the lab as `lab status` shows it.</summary>
public sealed record DaemonStatus(string Name, int? Pid, string Addresses);

public sealed record LabStatus(string Directory, string Base, LabSize Size, int Zones, int SignedZones, IReadOnlyList<DaemonStatus> Daemons,
    IReadOnlyList<ActiveFault> Faults, IReadOnlyList<(string Id, int? Pid)> FaultProcesses);

/// <summary>
/// The lab universe: a miniature Internet DNS on loopback served by real NSD, Knot and BIND, resolved by Unbound,
/// with faults injected on command. One instance per lab folder; the state file in that folder is the truth.
/// </summary>
public sealed class LabUniverse
{
    /// <summary>How long a secondary may lag before the lab asks it to transfer again.</summary>
    private static readonly TimeSpan s_nudgeAfter = TimeSpan.FromSeconds(20);

    private readonly ServerConfigs _configs;
    private readonly FaultProcesses _faultProcesses;
    private readonly TimeProvider _time;

    private LabUniverse(LabPaths paths, LabState state, ResponderCommand? responder, TimeProvider time)
    {
        Paths = paths;
        State = state;
        _time = time;
        Plan = new LabPlan(LabDefinition.LoadEmbedded(), state.Base, state.Size);
        _configs = new ServerConfigs(Plan, state, paths);
        _faultProcesses = new FaultProcesses(Plan, state, paths, responder);
    }

    public LabPaths Paths { get; }

    public LabState State { get; }

    public LabPlan Plan { get; }

    public string ResolverAddress => Plan.ResolverAddress;

    public string TrustAnchorFile => _configs.TrustAnchorFile;

    public string RootHintsFile => _configs.RootHintsFile;

    /// <summary>The TSIG key of the lab's transfers, as "hmac-sha256:name:secret" for kdig -y.</summary>
    public string TsigForKdig => $"hmac-sha256:{ServerConfigs.TsigName}:{State.TsigSecret}";

    private string Marker => Paths.Directory + "/";

    /// <summary>Opens the lab of a folder that `lab up` made.</summary>
    public static LabUniverse Open(string directory, ResponderCommand? responder = null, TimeProvider? time = null)
    {
        var paths = new LabPaths(directory);
        var state = LabState.Load(paths.State) ?? throw new LabException($"no lab in {paths.Directory} (run: dnscert lab up)");
        return new LabUniverse(paths, state, responder, time ?? TimeProvider.System);
    }

    public static bool Exists(string directory) => File.Exists(new LabPaths(directory).State);

    /// <summary>Brings the lab up: generates keys, zones and configs, starts the servers, waits until every zone is served.</summary>
    public static async Task<LabUniverse> UpAsync(LabUpOptions options, ResponderCommand? responder = null, IProgress<LabProgress>? progress = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var paths = new LabPaths(options.Directory);
        var basePrefix = LabPlan.ValidateBase(options.Base);
        var state = LabState.Load(paths.State);
        if (state is not null && (state.Base != basePrefix || state.Size != options.Size))
        {
            var old = Open(options.Directory, responder, time);
            if (old.AnyRunning())
            {
                throw new LabException($"the lab in {paths.Directory} runs on {state.Base} ({state.Size.ToString().ToLowerInvariant()}); run lab down first");
            }

            if (state.Base != basePrefix || state.Size != options.Size)
            {
                Directory.Delete(paths.Directory, recursive: true);
                state = null;
            }
        }

        paths.Create();
        state ??= new LabState { Base = basePrefix, Size = options.Size, CreatedUtc = (time ?? TimeProvider.System).GetUtcNow() };
        var lab = new LabUniverse(paths, state, responder, time ?? TimeProvider.System);
        var registered = options.Registered is null ? null : new RegisteredNames { ListFile = Path.GetFullPath(options.Registered), First = options.RegisteredFirst };
        if (registered is not null && !registered.Tlds.Any(t => lab.Plan.Find(t) is { Level: ZoneLevel.Tld }))
        {
            throw new LabException($"no name of {options.Registered} is under a TLD of the lab");
        }

        var sameList = registered?.ListFile == state.Registered?.ListFile && registered?.First == state.Registered?.First;
        if (lab.AnyRunning())
        {
            // `up` without a list on a running lab (./dnscert up again) leaves its registered names as they are.
            if (registered is not null && !sameList)
            {
                // A running lab takes a new list as a change of its TLD zones: rebuilt, reloaded, transferred.
                state.Registered = registered;
                await lab.ApplyAsync([], cancellationToken);
            }

            return lab;
        }

        // A fresh start serves the names as registered: what the registry simulator changed is forgotten.
        state.Registered = registered;

        await lab.StartAsync(progress, cancellationToken);
        return lab;
    }

    private IEnumerable<string> ProcessNames => Plan.Daemons.Select(d => d.Name).Append("unbound");

    private bool AnyRunning() => ProcessNames.Any(n => Daemons.Pid(Paths.PidFile(n), Marker) is not null);

    private async Task StartAsync(IProgress<LabProgress>? progress, CancellationToken cancellationToken)
    {
        EnsureBaseFree();
        State.Faults.Clear();
        State.AddedRttMilliseconds = null;
        foreach (var zone in State.Zones.Values)
        {
            zone.Fingerprint = "";
        }

        foreach (var dir in ProcessNames)
        {
            Directory.CreateDirectory(Paths.Daemon(dir));
            Directory.CreateDirectory(Path.Combine(Paths.Daemon(dir), "secondary"));
        }

        var faults = new FaultSet(State.Faults);
        await WriteConfigsAsync(faults, cancellationToken);

        var signed = Plan.Zones.Where(z => z.IsSigned).ToList();
        var keysDone = 0;
        progress?.Report(new LabProgress("keys", 0, signed.Count));
        await Parallel.ForEachAsync(signed.Where(z => z.Dnssec!.Signer != Signer.Knot),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2, CancellationToken = cancellationToken },
            async (zone, ct) =>
            {
                ZoneState zs;
                lock (State)
                {
                    zs = State.Zone(zone.Name);
                }

                if (zs.KeyFiles.Count == 0 || zs.Ds.Count == 0)
                {
                    var dir = Paths.ZoneKeys(zone);
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, recursive: true);
                    }

                    var (keys, ds) = await Signing.GenerateOfflineKeysAsync(zone, dir, ct);
                    zs.KeyFiles = keys;
                    zs.Ds = ds;
                }

                progress?.Report(new LabProgress("keys", Interlocked.Increment(ref keysDone), signed.Count));
            });
        var keymgrConfigs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var zone in signed.Where(z => z.Dnssec!.Signer == Signer.Knot))
        {
            var daemon = new Daemon(ServerKind.Knot, zone.Level);
            var knot = _configs.KeymgrConfig(daemon);
            if (!keymgrConfigs.Contains(knot))
            {
                await File.WriteAllTextAsync(knot, _configs.RenderKeymgr(daemon), cancellationToken);
                keymgrConfigs.Add(knot);
            }

            await Signing.GenerateKnotKeysAsync(knot, zone, cancellationToken);
            State.Zone(zone.Name).Ds = await Signing.KnotDsAsync(knot, zone, cancellationToken);
            progress?.Report(new LabProgress("keys", Interlocked.Increment(ref keysDone), signed.Count));
        }

        State.Save(Paths.State);
        var all = Plan.Zones.ToList();
        var zonesDone = 0;
        progress?.Report(new LabProgress("zones", 0, all.Count));
        await new ZoneBuilder(Plan, State, Paths, _time).BuildAsync(all, faults,
            () => progress?.Report(new LabProgress("zones", Interlocked.Increment(ref zonesDone), all.Count)), cancellationToken);
        State.Save(Paths.State);

        await WriteConfigsAsync(faults, cancellationToken);
        await File.WriteAllTextAsync(_configs.RootHintsFile, _configs.RenderRootHints(), cancellationToken);
        await File.WriteAllTextAsync(_configs.TrustAnchorFile, _configs.RenderTrustAnchor(), cancellationToken);
        await File.WriteAllTextAsync(_configs.UnboundConfig, _configs.RenderUnbound(), cancellationToken);

        var daemons = Plan.Daemons;
        progress?.Report(new LabProgress("servers", 0, daemons.Count + 1));
        try
        {
            await LoopbackAliases.EnsureAsync(Paths, Plan.Base,
                daemons.Where(d => d.Kind == ServerKind.Bind).SelectMany(d => _configs.Listen(d, faults).Append(Plan.RndcAddress(d.Tier))), cancellationToken);
            await Task.WhenAll(daemons.Select(d => StartDaemonAsync(d, cancellationToken)));
            progress?.Report(new LabProgress("servers", daemons.Count, daemons.Count + 1));
            await WaitServedAsync(all, progress, cancellationToken);
            await StartDaemonAsync(null, cancellationToken);
            progress?.Report(new LabProgress("servers", daemons.Count + 1, daemons.Count + 1));
        }
        catch
        {
            await DownAsync();
            throw;
        }
    }

    /// <summary>Two labs must never share a /16: refuse when anything already answers on this base's resolver or root addresses.</summary>
    private void EnsureBaseFree()
    {
        foreach (var address in new[] { Plan.ResolverAddress, Plan.Root.Primary.Address, Plan.BackendAddress(ServerKind.Nsd, ZoneLevel.Root) })
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 53));
            }
            catch (SocketException e)
            {
                throw new LabException($"{address}:53 is already in use: another lab (or server) runs on {Plan.Base}; choose another --base", e);
            }
        }
    }

    private async Task WriteConfigsAsync(FaultSet faults, CancellationToken cancellationToken)
    {
        foreach (var d in Plan.Daemons)
        {
            Directory.CreateDirectory(Path.Combine(Paths.Daemon(d.Name), "secondary"));
            await File.WriteAllTextAsync(_configs.Config(d), _configs.Render(d, faults), cancellationToken);
            if (d.Kind == ServerKind.Bind)
            {
                await File.WriteAllTextAsync(_configs.RndcConfig(d), _configs.RenderRndc(d), cancellationToken);
            }
        }
    }

    /// <summary>Starts a daemon, or Unbound when <paramref name="d"/> is null.</summary>
    private async Task StartDaemonAsync(Daemon? d, CancellationToken cancellationToken)
    {
        var name = d?.Name ?? "unbound";
        var log = Path.Combine(Paths.Logs, name + ".out");
        var (program, args) = d?.Kind switch
        {
            ServerKind.Nsd => ("nsd", new[] { "-c", _configs.Config(d) }),
            ServerKind.Knot => ("knotd", ["-c", _configs.Config(d), "-d"]),
            ServerKind.Bind => ("named", ["-c", _configs.Config(d)]),
            _ => ("unbound", ["-c", _configs.UnboundConfig]),
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Daemons.StartAsync(program, args, log, cancellationToken: cancellationToken);
                break;
            }
            catch (LabException) when (attempt < 3)
            {
                // Seen once in a full test run: NSD restarted right after its stop exited 1 with nothing in its output —
                // most likely its sockets still held by the old instance's exiting server processes. A moment later
                // the start succeeds; a third failure is real and reported.
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }

        if (await Daemons.WaitForPidAsync(Paths.PidFile(name), Marker, TimeSpan.FromSeconds(60), cancellationToken) is null)
        {
            throw new LabException($"{name} did not start; see {Paths.Logs}");
        }
    }

    private async Task StopDaemonAsync(Daemon? d)
    {
        var name = d?.Name ?? "unbound";
        if (d?.Kind == ServerKind.Nsd && Daemons.Pid(Paths.PidFile(name), Marker) is not null)
        {
            // Secondaries written to disk survive the restart without a new transfer.
            await Tool.RunAsync("nsd-control", ["-c", _configs.Config(d), "write"]);
        }

        await Daemons.StopAsync(Paths.PidFile(name), Marker);
    }

    /// <summary>Waits until every (not faulted) server of the zones answers authoritatively with the serial the lab expects.</summary>
    // knotFloor: for Knot-signed zones whose source just changed, the primary's serial before the reload. Knot reloads
    // asynchronously, so its current serial alone could still be the old one.
    private async Task WaitServedAsync(IReadOnlyList<LabZone> zones, IProgress<LabProgress>? progress, CancellationToken cancellationToken,
        Dictionary<string, long>? knotFloor = null)
    {
        var faults = new FaultSet(State.Faults);
        var pending = zones.SelectMany(z => z.Servers.Where(s => Expected(z, s, faults)).Select(s => (Zone: z, Server: s))).ToList();
        var total = pending.Count;
        var timeout = Plan.Size == LabSize.Large ? TimeSpan.FromMinutes(30) : TimeSpan.FromSeconds(90);
        var until = _time.GetUtcNow() + timeout;
        var nudgeAt = _time.GetUtcNow() + s_nudgeAfter;
        while (pending.Count > 0)
        {
            var results = new System.Collections.Concurrent.ConcurrentBag<(LabZone, LabServer)>();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    var serial = await DnsProbe.SerialAsync(item.Server.Address, item.Zone.Fqdn, ct);
                    var want = (long)State.Zone(item.Zone.Name).Serial;
                    if (item.Zone.Dnssec?.Signer == Signer.Knot)
                    {
                        // Knot's signer sets its own serials: the secondaries must have caught up with the primary.
                        want = await DnsProbe.SerialAsync(Plan.BackendAddress(item.Zone.Primary.Kind, item.Zone.Level), item.Zone.Fqdn, ct) ?? long.MaxValue;
                        if (knotFloor is not null && knotFloor.TryGetValue(item.Zone.Name, out var before) && want <= before)
                        {
                            want = long.MaxValue;
                        }
                    }

                    if (serial is null || (serial.Value < want && !faults.On(item.Server, FaultCatalogue.SerialDrift)))
                    {
                        results.Add(item);
                    }
                });
            if (results.Count < pending.Count)
            {
                nudgeAt = _time.GetUtcNow() + s_nudgeAfter;
            }

            pending = [.. results];
            progress?.Report(new LabProgress("served", total - pending.Count, total));
            if (pending.Count == 0)
            {
                break;
            }

            if (_time.GetUtcNow() > until)
            {
                throw new LabException($"{pending.Count} zone servers did not serve in time, e.g. {pending[0].Item1.Fqdn} on {pending[0].Item2.Name} " +
                    $"({pending[0].Item2.Address}, {pending[0].Item2.Kind}); see {Paths.Logs}");
            }

            if (_time.GetUtcNow() > nudgeAt)
            {
                // No progress for a while: a secondary whose transfer failed (on the large lab: a primary resetting TCP
                // under hundreds of AXFRs at once) retries only after the SOA retry interval (an hour). Ask the
                // stragglers to transfer now.
                var stragglers = pending.Where(p => !p.Server.IsPrimary && !Overridden(p.Server, faults) && !faults.On(p.Server, FaultCatalogue.Lame))
                    .Take(100).ToList();
                await Parallel.ForEachAsync(stragglers, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                    async (p, ct) => await RetransferAsync(p.Zone, p.Server, ct));
                nudgeAt = _time.GetUtcNow() + s_nudgeAfter;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Whether a healthy answer is expected from this server for this zone, given the faults in force.</summary>
    private static bool Expected(LabZone zone, LabServer server, FaultSet faults) =>
        !faults.OnServer(server).Any(f => f.Fault is FaultCatalogue.Lame or FaultCatalogue.ServerDown or FaultCatalogue.TruncationNoTcp
            or FaultCatalogue.EdnsFormerr or FaultCatalogue.SlowServer)
        && !faults.Has(zone, FaultCatalogue.DelegationHijack);

    /// <summary>Stops every process of the lab: fault processes, Unbound, BIND, Knot, NSD. Faults are forgotten.</summary>
    public async Task DownAsync()
    {
        await _faultProcesses.StopAllAsync();
        await StopDaemonAsync(null);
        foreach (var d in Plan.Daemons)
        {
            await StopDaemonAsync(d);
        }

        await LoopbackAliases.RemoveAllAsync(Paths);
        State.Faults.Clear();
        State.AddedRttMilliseconds = null;
        State.Save(Paths.State);
    }

    public LabStatus Status()
    {
        var faults = new FaultSet(State.Faults);
        var daemons = Plan.Daemons.Select(d => new DaemonStatus(d.Name, Daemons.Pid(Paths.PidFile(d.Name), Marker), Summary(_configs.Listen(d, faults))))
            .Append(new DaemonStatus("unbound", Daemons.Pid(Paths.PidFile("unbound"), Marker), Plan.ResolverAddress)).ToList();
        return new LabStatus(Paths.Directory, Plan.Base, Plan.Size, Plan.Zones.Count(), Plan.Zones.Count(z => z.IsSigned), daemons,
            [.. State.Faults], [.. _faultProcesses.Running()]);
    }

    private static string Summary(SortedSet<string> addresses) =>
        addresses.Count.ToString(CultureInfo.InvariantCulture) + " addresses";

    /// <summary>Injects a fault. Returns the fault as recorded (with the server it landed on).</summary>
    public Task<ActiveFault> BreakAsync(string zoneName, string faultId, string? serverName = null, CancellationToken cancellationToken = default) =>
        BreakAsync(zoneName, faultId, serverName, null, cancellationToken);

    /// <summary>
    /// Injects a fault with a delay of its own (slow-server only, e.g. 50 ms for the "50 ms added RTT" benchmark
    /// regime); null keeps the catalogue's default.
    /// </summary>
    public async Task<ActiveFault> BreakAsync(string zoneName, string faultId, string? serverName, int? delayMilliseconds,
        CancellationToken cancellationToken = default)
    {
        var zone = Plan.Get(zoneName);
        var definition = FaultCatalogue.Get(faultId);
        if (FaultCatalogue.Unfit(definition, zone) is { } why)
        {
            throw new LabException($"{definition.Id} does not fit {zone.Fqdn}: {why}");
        }

        LabServer? server = null;
        if (definition.Target != FaultTarget.Zone)
        {
            server = serverName is null
                ? (definition.Target == FaultTarget.Primary ? zone.Primary : zone.Servers[^1])
                : zone.Servers.FirstOrDefault(s => s.Name.Equals(serverName.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
                    || s.Label.Equals(serverName, StringComparison.OrdinalIgnoreCase) || s.Address == serverName)
                  ?? throw new LabException($"{serverName} is not a server of {zone.Fqdn} ({string.Join(", ", zone.Servers.Select(s => s.Name))})");
            if (definition.Id == FaultCatalogue.OpenRecursion && server.IsPrimary)
            {
                throw new LabException("open-recursion replaces a secondary; choose a secondary server");
            }
        }
        else if (serverName is not null)
        {
            throw new LabException($"{definition.Id} concerns the whole zone; --server does not apply");
        }

        if (State.Faults.Any(f => f.Zone == zone.Name && f.Fault == definition.Id))
        {
            throw new LabException($"{zone.Fqdn} already has {definition.Id}");
        }

        if (server is not null && State.Faults.Any(f => f.Zone == zone.Name && f.Server == server.Name))
        {
            throw new LabException($"{server.Name} already carries a fault; fix it first");
        }

        if (delayMilliseconds is { } delay)
        {
            if (definition.Id != FaultCatalogue.SlowServer)
            {
                throw new LabException($"--delay applies to {FaultCatalogue.SlowServer} only, not {definition.Id}");
            }

            if (delay is < 1 or > FaultCatalogue.MaximumDelayMilliseconds)
            {
                throw new LabException($"--delay must be from 1 ms to {FaultCatalogue.MaximumDelayMilliseconds} ms");
            }
        }

        var fault = new ActiveFault
        {
            Zone = zone.Name,
            Fault = definition.Id,
            Server = server?.Name,
            Since = _time.GetUtcNow(),
            DelayMilliseconds = delayMilliseconds,
        };
        if (definition.Id == FaultCatalogue.DelegationHijack)
        {
            // The lowest slot no hijack in force uses: two hijacks never share rogue or forged addresses.
            var used = State.Faults.Where(f => f.Fault == FaultCatalogue.DelegationHijack).Select(f => f.Slot).ToHashSet();
            fault.Slot = Enumerable.Range(0, LabPlan.HijackSlots).FirstOrDefault(s => !used.Contains(s), -1);
            if (fault.Slot < 0)
            {
                throw new LabException($"{LabPlan.HijackSlots} delegation hijacks are already in force; fix one first");
            }
        }

        if (definition.Id == FaultCatalogue.DsMismatch && State.Zone(zone.Name).StaleDs is null)
        {
            State.Zone(zone.Name).StaleDs = await Signing.StaleDsAsync(zone, Path.Combine(Paths.Keys, "stale", zone.FileName), cancellationToken);
        }

        if (definition.Id == FaultCatalogue.SerialDrift)
        {
            await SnapshotAsync(zone, server!, cancellationToken);
        }

        State.Faults.Add(fault);
        await ApplyAsync([zone.Name], cancellationToken);
        return fault;
    }

    /// <summary>Repairs one fault of a zone, or all of them.</summary>
    public async Task<IReadOnlyList<ActiveFault>> FixAsync(string zoneName, string? faultId = null, CancellationToken cancellationToken = default)
    {
        var zone = Plan.Get(zoneName);
        var removed = State.Faults.Where(f => f.Zone == zone.Name && (faultId is null || f.Fault.Equals(faultId, StringComparison.OrdinalIgnoreCase))).ToList();
        if (removed.Count == 0)
        {
            throw new LabException(faultId is null ? $"{zone.Fqdn} has no fault" : $"{zone.Fqdn} does not have {faultId}");
        }

        State.Faults.RemoveAll(removed.Contains);
        await ApplyAsync([zone.Name], cancellationToken);
        return removed;
    }

    /// <summary>
    /// The registry simulator's changes to registered names (<see cref="RegisteredNames.Removed"/>, a
    /// <see cref="RegisteredNames.SinkholePrefix"/> delegation, or null: back as registered), applied as a registry
    /// would: the TLD zones rebuilt (new serial, signed again), the primaries reloaded, the secondaries transferred, and
    /// the call returns once every server serves the new serial.
    /// </summary>
    public async Task ChangeRegistrationsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var registered = State.Registered ?? throw new LabException("this lab has no registered names (lab up --registered <list>)");
        foreach (var (name, change) in changes)
        {
            var key = name.TrimEnd('.').ToLowerInvariant();
            if (change is null)
            {
                registered.Changes.Remove(key);
            }
            else
            {
                registered.Changes[key] = change;
            }
        }

        await ApplyAsync([], cancellationToken);
    }

    /// <summary>Whether a name is one of the registered names (whatever the simulator did to it).</summary>
    public bool IsRegistered(string name)
    {
        return State.Registered?.Contains(name) == true;
    }

    /// <summary>Repairs every fault of the lab.</summary>
    public async Task FixAllAsync(CancellationToken cancellationToken = default)
    {
        var zones = State.Faults.Select(f => f.Zone).Distinct().ToList();
        State.Faults.Clear();
        await ApplyAsync(zones, cancellationToken);
    }

    /// <summary>
    /// Adds a round trip to every name server of the lab (root, TLDs, second level; null removes it): the relay (the
    /// fault responder in added-rtt mode, one process) takes every public server address over and forwards to the
    /// daemons' backend addresses, holding each answer. The "50 ms added RTT" benchmark regime, where the kernel has
    /// no netem (docs/lab.md). Addresses a fault took over keep their fault, without the added round trip.
    /// </summary>
    public async Task SetAddedRttAsync(int? milliseconds, CancellationToken cancellationToken = default)
    {
        if (milliseconds is < 1 or > FaultCatalogue.MaximumDelayMilliseconds)
        {
            throw new LabException($"the added round trip must be from 1 ms to {FaultCatalogue.MaximumDelayMilliseconds} ms");
        }

        State.AddedRttMilliseconds = milliseconds;
        await ApplyAsync([], cancellationToken);
        // Every server answers again, now through the relay (or directly).
        await WaitServedAsync([.. Plan.Zones], null, cancellationToken);
    }

    /// <summary>The served zone as the primary has it now (AXFR with TSIG from its backend address).</summary>
    private async Task SnapshotAsync(LabZone zone, LabServer server, CancellationToken cancellationToken)
    {
        var axfr = await Tool.CheckAsync("kdig", ["@" + Plan.BackendAddress(zone.Primary.Kind, zone.Level), "-y", TsigForKdig, zone.Fqdn, "AXFR", "+nocomments",
            "+nostats", "+noheader"], cancellationToken: cancellationToken);
        var lines = axfr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(';'))
            .Where(l => ZoneBuilder.ParseLine(l) is { Type: not "TSIG" }).Distinct().ToList();
        if (lines.Count < 3)
        {
            throw new LabException($"could not copy {zone.Fqdn} from its primary: {axfr}");
        }

        await File.WriteAllLinesAsync(Paths.Override(zone, server), lines, cancellationToken);
    }

    /// <summary>Brings files, configs and processes in line with the faults in the state.</summary>
    private async Task ApplyAsync(IReadOnlyList<string> faultZones, CancellationToken cancellationToken)
    {
        var faults = new FaultSet(State.Faults);
        State.Save(Paths.State);
        await _faultProcesses.StopUnwantedAsync(State.Faults);
        var changed = await new ZoneBuilder(Plan, State, Paths, _time).BuildAsync(Plan.Zones, faults, null, cancellationToken);
        var knotFloor = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in changed.Where(z => z.Dnssec?.Signer == Signer.Knot))
        {
            if (await DnsProbe.SerialAsync(Plan.BackendAddress(zone.Primary.Kind, zone.Level), zone.Fqdn, cancellationToken) is { } before)
            {
                knotFloor[zone.Name] = before;
            }
        }

        State.Save(Paths.State);

        var old = new Dictionary<Daemon, string>();
        foreach (var d in Plan.Daemons)
        {
            old[d] = await File.ReadAllTextAsync(_configs.Config(d), cancellationToken);
        }

        await WriteConfigsAsync(faults, cancellationToken);
        foreach (var d in Plan.Daemons)
        {
            var config = _configs.Render(d, faults);
            var reloads = changed.Where(z => z.Level == d.Tier && z.Servers.Any(s => s.Kind == d.Kind && (s.IsPrimary || Overridden(s, faults)))).ToList();
            var configChanged = config != old[d];
            switch (d.Kind)
            {
                case ServerKind.Nsd when configChanged:
                case ServerKind.Knot when configChanged && ListenLine(config) != ListenLine(old[d]):
                    await StopDaemonAsync(d);
                    await StartDaemonAsync(d, cancellationToken);
                    break;
                case ServerKind.Nsd:
                    foreach (var zone in reloads)
                    {
                        await Tool.RunAsync("nsd-control", ["-c", _configs.Config(d), "reload", zone.Fqdn], cancellationToken: cancellationToken);
                    }

                    break;
                case ServerKind.Knot:
                    if (configChanged)
                    {
                        await Tool.CheckAsync("knotc", ["-c", _configs.Config(d), "reload"], cancellationToken: cancellationToken);
                    }

                    foreach (var zone in reloads)
                    {
                        await Tool.RunAsync("knotc", ["-c", _configs.Config(d), "zone-reload", zone.Fqdn], cancellationToken: cancellationToken);
                    }

                    break;
                default:
                    if (configChanged)
                    {
                        await LoopbackAliases.EnsureAsync(Paths, Plan.Base, _configs.Listen(d, faults), cancellationToken);
                        await Tool.CheckAsync("rndc", ["-c", _configs.RndcConfig(d), "reload"], cancellationToken: cancellationToken);
                    }
                    else
                    {
                        foreach (var zone in reloads)
                        {
                            await Tool.RunAsync("rndc", ["-c", _configs.RndcConfig(d), "reload", zone.Fqdn], cancellationToken: cancellationToken);
                        }
                    }

                    break;
            }
        }

        await _faultProcesses.StartWantedAsync(State.Faults, cancellationToken);
        var touched = changed.Concat(faultZones.Select(Plan.Get)).Distinct().ToList();
        await RetransferAsync(touched, faults, cancellationToken);
        touched = touched.Concat(State.Faults.Select(f => Plan.Get(f.Zone))).Distinct().ToList();
        await WaitServedAsync(touched, null, cancellationToken, knotFloor);
        foreach (var zone in touched)
        {
            foreach (var server in zone.Servers.Where(s => !Overridden(s, faults)))
            {
                // The copy a dnskey-missing or serial-drift server served goes with its fault: it is a secondary again.
                File.Delete(Paths.Override(zone, server));
            }
        }

        await FlushResolverAsync(cancellationToken);
    }

    /// <summary>
    /// A secondary that was just (re)configured loads its old copy and would wait for the SOA refresh timer (hours):
    /// ask every real secondary of the touched zones to transfer now.
    /// </summary>
    private async Task RetransferAsync(IEnumerable<LabZone> zones, FaultSet faults, CancellationToken cancellationToken)
    {
        foreach (var zone in zones)
        {
            foreach (var server in zone.Servers.Where(s => !s.IsPrimary && !Overridden(s, faults) && !faults.On(s, FaultCatalogue.Lame)))
            {
                await RetransferAsync(zone, server, cancellationToken);
            }
        }
    }

    private async Task RetransferAsync(LabZone zone, LabServer server, CancellationToken cancellationToken)
    {
        var d = new Daemon(server.Kind, zone.Level);
        var (program, args) = server.Kind switch
        {
            ServerKind.Nsd => ("nsd-control", new[] { "-c", _configs.Config(d), "force_transfer", zone.Fqdn }),
            ServerKind.Knot => ("knotc", new[] { "-c", _configs.Config(d), "zone-retransfer", zone.Fqdn }),
            _ => ("rndc", new[] { "-c", _configs.RndcConfig(d), "retransfer", zone.Fqdn }),
        };
        await Tool.RunAsync(program, args, cancellationToken: cancellationToken);
    }

    private static bool Overridden(LabServer server, FaultSet faults) =>
        faults.On(server, FaultCatalogue.DnskeyMissing) || faults.On(server, FaultCatalogue.SerialDrift);

    private static string ListenLine(string knotConfig) =>
        knotConfig.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("listen: [", StringComparison.Ordinal)) ?? "";

    /// <summary>
    /// Empties the lab resolver's caches, so the next question sees the servers as they are now. A reload empties the
    /// RRset, message and key caches but keeps the infrastructure cache (infra_adjust keeps it when its size is
    /// unchanged): a server that was down, EDNS-intolerant or lame would stay marked for infra-host-ttl after its
    /// repair. Flushed explicitly, as an operator would after repairing a server.
    /// </summary>
    public async Task FlushResolverAsync(CancellationToken cancellationToken = default)
    {
        if (Daemons.Pid(Paths.PidFile("unbound"), Marker) is not null)
        {
            await Tool.CheckAsync("unbound-control", ["-c", _configs.UnboundConfig, "reload"], cancellationToken: cancellationToken);
            await Tool.CheckAsync("unbound-control", ["-c", _configs.UnboundConfig, "flush_infra", "all"], cancellationToken: cancellationToken);
        }
    }

    /// <summary>The daemons' PIDs, for tests that check nothing is left behind.</summary>
    public IReadOnlyList<int> Pids() =>
        ProcessNames.Select(n => Daemons.Pid(Paths.PidFile(n), Marker)).Concat(_faultProcesses.Running().Select(r => r.Pid))
            .OfType<int>().ToList();
}
