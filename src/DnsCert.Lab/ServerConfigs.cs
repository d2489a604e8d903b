using System.Globalization;
using System.Text;
using DnsCert.Lab.Definition;
using DnsCert.Lab.Faults;
using static DnsCert.Lab.Faults.FaultCatalogue;

namespace DnsCert.Lab;

/// <summary>
/// Writes the configuration of the lab's own NSD, Knot, BIND and Unbound instances. Every daemon also listens on its
/// backend address: zone transfers and NOTIFY (TSIG-signed) run between backend addresses, so a fault that takes a
/// public address away never stops replication.
/// </summary>
internal sealed class ServerConfigs
{
    public const string TsigName = "lab-xfr";

    private readonly LabPlan _plan;
    private readonly LabState _state;
    private readonly LabPaths _paths;

    public ServerConfigs(LabPlan plan, LabState state, LabPaths paths)
    {
        _plan = plan;
        _state = state;
        _paths = paths;
    }

    public string Config(Daemon d) => Path.Combine(_paths.Daemon(d.Name), d.Kind switch
    {
        ServerKind.Nsd => "nsd.conf",
        ServerKind.Knot => "knot.conf",
        _ => "named.conf",
    });

    public string RndcConfig(Daemon d) => Path.Combine(_paths.Daemon(d.Name), "rndc.conf");

    public string Render(Daemon d, FaultSet faults) => d.Kind switch
    {
        ServerKind.Nsd => RenderNsd(d, faults),
        ServerKind.Knot => RenderKnot(d, faults),
        _ => RenderBind(d, faults),
    };

    private string Socket(Daemon d) => Path.Combine(_paths.Run, d.Name + ".sock");

    public string UnboundConfig => Path.Combine(_paths.Daemon("unbound"), "unbound.conf");

    public string UnboundSocket => Path.Combine(_paths.Run, "unbound.sock");

    public string TrustAnchorFile => Path.Combine(_paths.Daemon("unbound"), "root.key");

    public string RootHintsFile => Path.Combine(_paths.Daemon("unbound"), "root.hints");

    /// <summary>The addresses a daemon listens on, faults considered.</summary>
    public SortedSet<string> Listen(Daemon d, FaultSet faults)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal) { _plan.BackendAddress(d.Kind, d.Tier) };
        foreach (var server in _plan.Zones.Where(z => z.Level == d.Tier).SelectMany(z => z.Servers).Where(s => s.Kind == d.Kind))
        {
            // With an added round trip the relay holds every public address; the daemon keeps its backend address.
            if (!TakenOver(server, faults) && _state.AddedRttMilliseconds is null)
            {
                set.Add(server.Address);
            }
        }

        return set;
    }

    /// <summary>Whether a fault took the server's address away from its daemon.</summary>
    public static bool TakenOver(LabServer server, FaultSet faults) =>
        faults.OnServer(server).Any(f => FaultCatalogue.Get(f.Fault).Takeover != AddressTakeover.None);

    private enum Role
    {
        Primary,
        Secondary,
        Override,
    }

    private IEnumerable<(LabZone Zone, LabServer Server, Role Role)> ZonesOf(Daemon d, FaultSet faults)
    {
        foreach (var zone in _plan.Zones.Where(z => z.Level == d.Tier))
        {
            foreach (var server in zone.Servers.Where(s => s.Kind == d.Kind))
            {
                if (faults.On(server, Lame))
                {
                    continue;
                }

                var role = faults.On(server, DnskeyMissing) || faults.On(server, SerialDrift) ? Role.Override
                    : server.IsPrimary ? Role.Primary : Role.Secondary;
                yield return (zone, server, role);
            }
        }
    }

    /// <summary>
    /// The software of the zone's secondaries, which the primary notifies. A server serving its own copy (dnskey-missing,
    /// serial-drift) is left out: the primary's reload comes before that server's daemon is reconfigured (daemons are
    /// applied NSD, Knot, BIND), and a NOTIFY in between made it transfer the new version first; Knot then kept that
    /// version from its journal over the copy, and the "stale" server served the primary's serial.
    /// </summary>
    private static IEnumerable<ServerKind> SecondaryKinds(LabZone zone, FaultSet faults) =>
        zone.Servers.Where(s => !s.IsPrimary && !faults.On(s, DnskeyMissing) && !faults.On(s, SerialDrift)).Select(s => s.Kind).Distinct();

    private string ZoneFile(LabZone zone, LabServer server, Role role) => role switch
    {
        Role.Primary => _paths.Served(zone),
        Role.Override => _paths.Override(zone, server),
        _ => Path.Combine(_paths.Daemon(new Daemon(server.Kind, zone.Level).Name), "secondary", zone.FileName + ".zone"),
    };

    private string RenderNsd(Daemon d, FaultSet faults)
    {
        var dir = _paths.Daemon(d.Name);
        var sb = new StringBuilder();
        sb.Append("# DnsCert lab NSD (generated)\nserver:\n");
        foreach (var address in Listen(d, faults))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  ip-address: {address}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"""
              port: 53
              do-ip6: no
              username: ""
              chroot: ""
              database: ""
              zonesdir: "{dir}"
              pidfile: "{_paths.PidFile(d.Name)}"
              logfile: "{Path.Combine(_paths.Logs, d.Name + ".log")}"
              zonelistfile: "{Path.Combine(dir, "zone.list")}"
              xfrdfile: "{Path.Combine(dir, "xfrd.state")}"
              xfrdir: "{Path.Combine(dir, "xfr")}"
              server-count: 1
              tcp-count: 200
              zonefiles-write: 60
              identity: "{d.Name}.lab"
              verbosity: 1
            remote-control:
              control-enable: yes
              control-interface: "{Socket(d)}"
            key:
              name: "{TsigName}"
              algorithm: hmac-sha256
              secret: "{_state.TsigSecret}"

            """);
        foreach (var (zone, server, role) in ZonesOf(d, faults))
        {
            sb.Append(CultureInfo.InvariantCulture, $"zone:\n  name: \"{zone.Fqdn}\"\n  zonefile: \"{ZoneFile(zone, server, role)}\"\n");
            sb.Append(CultureInfo.InvariantCulture, $"  provide-xfr: 127.0.0.0/8 {TsigName}\n  outgoing-interface: {_plan.BackendAddress(d.Kind, d.Tier)}\n");
            if (faults.On(server, OpenAxfr))
            {
                sb.Append("  provide-xfr: 0.0.0.0/0 NOKEY\n");
            }

            if (role == Role.Primary)
            {
                foreach (var kind in SecondaryKinds(zone, faults))
                {
                    sb.Append(CultureInfo.InvariantCulture, $"  notify: {_plan.BackendAddress(kind, d.Tier)} {TsigName}\n");
                }
            }
            else if (role == Role.Secondary)
            {
                var primary = _plan.BackendAddress(zone.Primary.Kind, d.Tier);
                sb.Append(CultureInfo.InvariantCulture, $"  allow-notify: 127.0.0.0/8 {TsigName}\n  request-xfr: AXFR {primary} {TsigName}\n");
            }
        }

        return sb.ToString();
    }

    private string RenderKnot(Daemon d, FaultSet faults)
    {
        var dir = _paths.Daemon(d.Name);
        var sb = new StringBuilder();
        sb.Append("# DnsCert lab Knot DNS (generated)\nserver:\n");
        sb.Append(CultureInfo.InvariantCulture, $"  rundir: \"{_paths.Run}\"\n  pidfile: \"{_paths.PidFile(d.Name)}\"\n  identity: {d.Name}.lab\n");
        sb.Append("  listen: [ ");
        sb.Append(string.Join(", ", Listen(d, faults).Select(a => a + "@53")));
        sb.Append(" ]\n");
        sb.Append(CultureInfo.InvariantCulture, $"""
            control:
              listen: "{Socket(d)}"
            log:
              - target: "{Path.Combine(_paths.Logs, d.Name + ".log")}"
                any: info
            database:
              storage: "{dir}"
            key:
              - id: {TsigName}
                algorithm: hmac-sha256
                secret: {_state.TsigSecret}
            remote:

            """);
        foreach (var kind in Enum.GetValues<ServerKind>())
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - id: {kind.ToString().ToLowerInvariant()}\n    address: {_plan.BackendAddress(kind, d.Tier)}@53\n    key: {TsigName}\n    via: {_plan.BackendAddress(d.Kind, d.Tier)}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"""
            acl:
              - id: lab
                address: 127.0.0.0/8
                key: {TsigName}
                action: [transfer, notify]
              - id: open
                address: 0.0.0.0/0
                action: transfer
            policy:

            """);
        AppendKnotPolicies(sb, d);
        sb.Append("template:\n  - id: default\n    zonefile-sync: 0\n    journal-content: all\n    semantic-checks: off\nzone:\n");
        foreach (var (zone, server, role) in ZonesOf(d, faults))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - domain: \"{zone.Fqdn}\"\n    file: \"{ZoneFile(zone, server, role)}\"\n");
            sb.Append(faults.On(server, OpenAxfr) ? "    acl: [lab, open]\n" : "    acl: [lab]\n");
            if (role == Role.Primary)
            {
                var kinds = SecondaryKinds(zone, faults).Select(k => k.ToString().ToLowerInvariant()).ToList();
                if (kinds.Count > 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    notify: [{string.Join(", ", kinds)}]\n");
                }

                if (zone.Dnssec?.Signer == Signer.Knot)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    dnssec-signing: on\n    dnssec-policy: {PolicyId(zone.Dnssec)}\n    zonefile-load: difference-no-serial\n    serial-policy: increment\n");
                }
            }
            else if (role == Role.Secondary)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    master: {zone.Primary.Kind.ToString().ToLowerInvariant()}\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// A configuration for keymgr alone: the daemon's key database and policies and only its Knot-signed zones. keymgr
    /// parses the whole configuration on every call; with the daemon's own (21,000 zones on the large lab's second-level
    /// tier) each call took about a second, which made key preparation the longest phase of `lab up --size large`.
    /// </summary>
    public string KeymgrConfig(Daemon d) => Path.Combine(_paths.Daemon(d.Name), "keymgr.conf");

    public string RenderKeymgr(Daemon d)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# DnsCert lab: keymgr's view of {d.Name} (generated)\ndatabase:\n  storage: \"{_paths.Daemon(d.Name)}\"\npolicy:\n");
        AppendKnotPolicies(sb, d);
        sb.Append("zone:\n");
        foreach (var zone in _plan.Zones.Where(z => z.Level == d.Tier && z.Dnssec?.Signer == Signer.Knot))
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - domain: \"{zone.Fqdn}\"\n    dnssec-signing: on\n    dnssec-policy: {PolicyId(zone.Dnssec!)}\n");
        }

        return sb.ToString();
    }

    private void AppendKnotPolicies(StringBuilder sb, Daemon d)
    {
        foreach (var profile in _plan.Zones.Where(z => z.Level == d.Tier && z.Dnssec?.Signer == Signer.Knot).Select(z => z.Dnssec!).Distinct())
        {
            sb.Append(CultureInfo.InvariantCulture, $"""
                  - id: {PolicyId(profile)}
                    algorithm: {Signing.KnotAlgorithm(profile.Algorithm)}
                    manual: on
                    rrsig-lifetime: 21d
                    rrsig-refresh: 7d
                    nsec3: {(profile.Denial == Denial.Nsec ? "off" : "on")}
                    nsec3-opt-out: {(profile.Denial == Denial.Nsec3Optout ? "on" : "off")}
                    nsec3-iterations: 0
                    nsec3-salt-length: 0

                """);
        }
    }

    private static string PolicyId(DnssecProfile profile) =>
        $"a{profile.Algorithm.ToString(CultureInfo.InvariantCulture)}-{profile.Denial.ToString().ToLowerInvariant()}";

    private string RenderBind(Daemon d, FaultSet faults)
    {
        var dir = _paths.Daemon(d.Name);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $$"""
            // DnsCert lab BIND (generated)
            options {
              directory "{{dir}}";
              pid-file "{{_paths.PidFile(d.Name)}}";
              session-keyfile "{{Path.Combine(_paths.Run, d.Name + "-session.key")}}";
              managed-keys-directory "{{dir}}";
              listen-on port 53 { {{string.Join(" ", Listen(d, faults).Select(a => a + ";"))}} };
              listen-on-v6 { none; };
              recursion no;
              allow-query { any; };
              allow-transfer { key {{TsigName}}; };
              allow-notify { 127.0.0.0/8; };
              notify-source {{_plan.BackendAddress(d.Kind, d.Tier)}};
              transfer-source {{_plan.BackendAddress(d.Kind, d.Tier)}};
              dnssec-validation no;
              minimal-responses no-auth-recursive;
              notify explicit;
              server-id "{{d.Name}}.lab";
            };
            key "{{TsigName}}" { algorithm hmac-sha256; secret "{{_state.TsigSecret}}"; };
            key "rndc" { algorithm hmac-sha256; secret "{{_state.RndcSecret}}"; };
            controls { inet {{_plan.RndcAddress(d.Tier)}} port 953 allow { 127.0.0.0/8; } keys { "rndc"; }; };
            logging {
              channel lab { file "{{Path.Combine(_paths.Logs, d.Name + ".log")}}" versions 2 size 20m; severity info; print-time yes; };
              category default { lab; };
              category lame-servers { null; };
            };

            """);
        foreach (var (zone, server, role) in ZonesOf(d, faults))
        {
            var transfer = faults.On(server, OpenAxfr) ? "any;" : $"key {TsigName};";
            sb.Append(CultureInfo.InvariantCulture, $"zone \"{zone.Fqdn}\" {{\n  file \"{ZoneFile(zone, server, role)}\";\n  allow-transfer {{ {transfer} }};\n");
            if (role == Role.Secondary)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  type secondary;\n  primaries {{ {_plan.BackendAddress(zone.Primary.Kind, d.Tier)} key {TsigName}; }};\n");
            }
            else
            {
                sb.Append("  type primary;\n");
                if (role == Role.Primary)
                {
                    var targets = SecondaryKinds(zone, faults).Select(k => $"{_plan.BackendAddress(k, d.Tier)} key {TsigName};");
                    sb.Append(CultureInfo.InvariantCulture, $"  also-notify {{ {string.Join(" ", targets)} }};\n");
                }
            }

            sb.Append("};\n");
        }

        return sb.ToString();
    }

    public string RenderRndc(Daemon d) => $$"""
        key "rndc" { algorithm hmac-sha256; secret "{{_state.RndcSecret}}"; };
        options { default-key "rndc"; default-server {{_plan.RndcAddress(d.Tier)}}; default-port 953; };

        """;

    public string RenderUnbound() => $"""
        # DnsCert lab Unbound: the lab's resolver, validating from the lab root's trust anchor (generated)
        server:
          interface: {_plan.ResolverAddress}
          port: 53
          do-ip6: no
          access-control: 127.0.0.0/8 allow
          do-not-query-localhost: no
          outgoing-interface: {_plan.ResolverAddress}
          username: ""
          chroot: ""
          directory: "{_paths.Daemon("unbound")}"
          pidfile: "{_paths.PidFile("unbound")}"
          logfile: "{Path.Combine(_paths.Logs, "unbound.log")}"
          use-syslog: no
          verbosity: 1
          val-log-level: 2
          root-hints: "{RootHintsFile}"
          trust-anchor-file: "{TrustAnchorFile}"
          module-config: "validator iterator"
          infra-host-ttl: 60
          num-threads: 1
        remote-control:
          control-enable: yes
          control-interface: "{UnboundSocket}"

        """;

    public string RenderRootHints()
    {
        var sb = new StringBuilder();
        foreach (var server in _plan.Root.Servers)
        {
            sb.Append(CultureInfo.InvariantCulture, $".\t3600000\tIN\tNS\t{server.Name}.\n");
        }

        foreach (var server in _plan.Root.Servers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{server.Name}.\t3600000\tIN\tA\t{server.Address}\n");
        }

        return sb.ToString();
    }

    /// <summary>The trust anchor: the DS of the lab root's KSK (empty text for an unsigned root).</summary>
    public string RenderTrustAnchor() => string.Join("\n", _state.Zone(".").Ds) + "\n";
}
