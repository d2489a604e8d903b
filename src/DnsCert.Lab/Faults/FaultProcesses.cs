using System.Globalization;
using System.Text;
using DnsCert.Lab.Definition;

namespace DnsCert.Lab.Faults;

/// <summary>How the lab starts its fault responder: the DnsCert CLI (`dnscert lab responder ...`).</summary>
public sealed record ResponderCommand(string Program, IReadOnlyList<string> Arguments);

/// <summary>
/// The extra processes some faults need: the fault responder, a recursive BIND (open recursion) and a rogue NSD
/// (delegation hijack). Each has a folder and a PID file under faults/ of the lab folder.
/// </summary>
internal sealed class FaultProcesses
{
    private readonly LabPlan _plan;
    private readonly LabState _state;
    private readonly LabPaths _paths;
    private readonly ResponderCommand? _responder;

    public FaultProcesses(LabPlan plan, LabState state, LabPaths paths, ResponderCommand? responder)
    {
        _plan = plan;
        _state = state;
        _paths = paths;
        _responder = responder;
    }

    public static string Id(ActiveFault fault) =>
        (fault.Zone.Replace('.', '_') + "-" + fault.Fault + (fault.Server is null ? "" : "-" + fault.Server.Split('.')[0])).ToLowerInvariant();

    private string PidFile(string id) => Path.Combine(_paths.Faults, id + ".pid");

    private string Marker => _paths.Directory + "/";

    public static bool NeedsProcess(ActiveFault fault) =>
        fault.Fault == FaultCatalogue.DelegationHijack || FaultCatalogue.Get(fault.Fault).Takeover is AddressTakeover.Responder or AddressTakeover.RecursiveBind;

    /// <summary>Stops the processes of faults that are no longer in force.</summary>
    public async Task StopUnwantedAsync(IEnumerable<ActiveFault> faults)
    {
        var wanted = faults.Where(NeedsProcess).Select(Id).ToHashSet(StringComparer.Ordinal);
        if (Relay(faults) is { } relay)
        {
            wanted.Add(relay.Id);
        }

        foreach (var pidFile in Directory.EnumerateFiles(_paths.Faults, "*.pid"))
        {
            if (!wanted.Contains(Path.GetFileNameWithoutExtension(pidFile)))
            {
                await Daemons.StopAsync(pidFile, Marker);
            }
        }
    }

    public async Task StopAllAsync()
    {
        if (!Directory.Exists(_paths.Faults))
        {
            return;
        }

        foreach (var pidFile in Directory.EnumerateFiles(_paths.Faults, "*.pid"))
        {
            await Daemons.StopAsync(pidFile, Marker);
        }
    }

    public IEnumerable<(string Id, int? Pid)> Running() =>
        Directory.Exists(_paths.Faults)
            ? Directory.EnumerateFiles(_paths.Faults, "*.pid").Select(p => (Path.GetFileNameWithoutExtension(p), Daemons.Pid(p, Marker)))
            : [];

    /// <summary>
    /// The relay of <c>lab rtt</c> (null without an added round trip): every public server address no fault holds,
    /// with its daemon's backend address. Its id carries a hash of that map, so a break or fix that changes the map
    /// restarts it (StopUnwanted stops the old one, StartWanted starts the new one).
    /// </summary>
    private (string Id, string Map)? Relay(IEnumerable<ActiveFault> faults)
    {
        if (_state.AddedRttMilliseconds is not { } delay)
        {
            return null;
        }

        var set = new FaultSet([.. faults]);
        var lines = _plan.Zones.SelectMany(z => z.Servers.Select(s => (Server: s, Backend: _plan.BackendAddress(s.Kind, z.Level))))
            .GroupBy(x => x.Server.Address, StringComparer.Ordinal)
            .Where(g => !g.Any(x => ServerConfigs.TakenOver(x.Server, set)))
            .Select(g => g.Key + " " + g.First().Backend)
            .Order(StringComparer.Ordinal);
        var map = string.Join('\n', lines) + "\n";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(delay.ToString(CultureInfo.InvariantCulture) + "\n" + map)));
        return ("added-rtt-" + hash[..12], map);
    }

    /// <summary>Starts the processes of the faults in force that are not running yet.</summary>
    public async Task StartWantedAsync(IEnumerable<ActiveFault> faults, CancellationToken cancellationToken)
    {
        if (Relay(faults) is { } relay && Daemons.Pid(PidFile(relay.Id), Marker) is null)
        {
            var command = _responder ?? throw new LabException("this process cannot start the relay");
            var mapFile = Path.Combine(_paths.Faults, relay.Id + ".map");
            await File.WriteAllTextAsync(mapFile, relay.Map, cancellationToken);
            var log = Path.Combine(_paths.Logs, relay.Id + ".log");
            await Daemons.StartAsync(command.Program,
                [.. command.Arguments, "lab", "relay", "--map", mapFile, "--delay-ms", _state.AddedRttMilliseconds!.Value.ToString(CultureInfo.InvariantCulture),
                    "--pid-file", PidFile(relay.Id)],
                log, background: true, cancellationToken: cancellationToken);
            if (await Daemons.WaitForPidAsync(PidFile(relay.Id), Marker, TimeSpan.FromSeconds(30), cancellationToken) is null)
            {
                throw new LabException($"the relay of the added round trip did not start; see {log}");
            }
        }

        foreach (var fault in faults.Where(NeedsProcess))
        {
            var id = Id(fault);
            var pidFile = PidFile(id);
            if (Daemons.Pid(pidFile, Marker) is not null)
            {
                continue;
            }

            var zone = _plan.Get(fault.Zone);
            var log = Path.Combine(_paths.Logs, "fault-" + id + ".log");
            if (fault.Fault == FaultCatalogue.DelegationHijack)
            {
                var conf = WriteRogueNsd(id, zone, fault.Slot);
                await Daemons.StartAsync("nsd", ["-c", conf], log, cancellationToken: cancellationToken);
            }
            else
            {
                var server = zone.Servers.First(s => s.Name == fault.Server);
                if (FaultCatalogue.Get(fault.Fault).Takeover == AddressTakeover.RecursiveBind)
                {
                    var conf = WriteRecursiveBind(id, zone, server);
                    await LoopbackAliases.EnsureAsync(_paths, _plan.Base, [server.Address], cancellationToken);
                    await Daemons.StartAsync("named", ["-c", conf], log, cancellationToken: cancellationToken);
                }
                else
                {
                    var command = _responder ?? throw new LabException("this process cannot start the fault responder");
                    await Daemons.StartAsync(command.Program,
                        [.. command.Arguments, "lab", "responder", "--listen", server.Address, "--backend", _plan.BackendAddress(server.Kind, zone.Level),
                            "--mode", fault.Fault, "--pid-file", pidFile,
                            .. fault.DelayMilliseconds is { } delay ? ["--delay-ms", delay.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()],
                        log, background: true, cancellationToken: cancellationToken);
                }
            }

            if (await Daemons.WaitForPidAsync(pidFile, Marker, TimeSpan.FromSeconds(20), cancellationToken) is null)
            {
                throw new LabException($"the process of fault {fault} did not start; see {log}");
            }
        }
    }

    private string WriteRecursiveBind(string id, LabZone zone, LabServer server)
    {
        var dir = Path.Combine(_paths.Faults, id);
        Directory.CreateDirectory(dir);
        var hints = Path.Combine(dir, "root.hints");
        File.Copy(Path.Combine(_paths.Daemon("unbound"), "root.hints"), hints, overwrite: true);
        var conf = Path.Combine(dir, "named.conf");
        File.WriteAllText(conf, $$"""
            // DnsCert lab fault {{id}}: a real BIND that serves {{zone.Fqdn}} AND recurses for anyone (generated)
            options {
              directory "{{dir}}";
              pid-file "{{PidFile(id)}}";
              session-keyfile "{{Path.Combine(dir, "session.key")}}";
              listen-on port 53 { {{server.Address}}; };
              listen-on-v6 { none; };
              recursion yes;
              allow-recursion { any; };
              allow-query-cache { any; };
              allow-query { any; };
              dnssec-validation no;
              query-source address {{server.Address}};
              transfer-source {{server.Address}};
            };
            controls { };
            key "{{ServerConfigs.TsigName}}" { algorithm hmac-sha256; secret "{{_state.TsigSecret}}"; };
            logging { channel lab { file "{{Path.Combine(dir, "named.log")}}"; severity info; }; category default { lab; }; };
            zone "." { type hint; file "{{hints}}"; };
            zone "{{zone.Fqdn}}" { type secondary; file "{{Path.Combine(dir, "zone.db")}}"; primaries { {{_plan.BackendAddress(zone.Primary.Kind, zone.Level)}} key {{ServerConfigs.TsigName}}; }; };

            """);
        return conf;
    }

    private string WriteRogueNsd(string id, LabZone zone, int slot)
    {
        var dir = Path.Combine(_paths.Faults, id);
        Directory.CreateDirectory(dir);
        var apex = zone.Fqdn;
        var forged = _plan.ForgedAddress(slot);
        var zoneFile = Path.Combine(dir, "forged.zone");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"$TTL 300\n{apex} IN SOA crackers1.{apex} owned.{apex} 1 3600 600 86400 300\n");
        for (var i = 0; i < 2; i++)
        {
            var host = $"crackers{(i + 1).ToString(CultureInfo.InvariantCulture)}.{apex}";
            sb.Append(CultureInfo.InvariantCulture, $"{apex} IN NS {host}\n{host} IN A {_plan.RogueAddress(slot, i)}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"{apex} IN A {forged}\nwww.{apex} IN A {forged}\nmail.{apex} IN A {forged}\n{apex} IN MX 10 mail.{apex}\n");
        sb.Append(CultureInfo.InvariantCulture, $"{apex} IN TXT \"hacked by the lab's delegation-hijack fault\"\n");
        File.WriteAllText(zoneFile, sb.ToString());
        var conf = Path.Combine(dir, "nsd.conf");
        File.WriteAllText(conf, $"""
            # DnsCert lab fault {id}: rogue servers answering a forged {apex} (generated)
            server:
              ip-address: {_plan.RogueAddress(slot, 0)}
              ip-address: {_plan.RogueAddress(slot, 1)}
              port: 53
              do-ip6: no
              username: ""
              chroot: ""
              database: ""
              zonesdir: "{dir}"
              pidfile: "{PidFile(id)}"
              logfile: "{Path.Combine(dir, "nsd.log")}"
              zonelistfile: "{Path.Combine(dir, "zone.list")}"
              xfrdfile: "{Path.Combine(dir, "xfrd.state")}"
              xfrdir: "{dir}"
              server-count: 1
            remote-control:
              control-enable: no
            zone:
              name: "{apex}"
              zonefile: "{zoneFile}"

            """);
        return conf;
    }

    public static bool IsOfflineSigned(LabZone zone) => zone.Dnssec is { Signer: not Signer.Knot };
}
