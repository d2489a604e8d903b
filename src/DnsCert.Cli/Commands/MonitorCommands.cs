using System.CommandLine;
using System.Globalization;
using DnsCert.Infrastructure.Monitoring;
using Npgsql;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert monitor watch|status|agents|publish</c>: the continuous monitoring's data in the database (docs/monitoring.md):
/// add a zone to watch, list watched zones with their state and open findings, list the agents seen, publish a zone's
/// state on the public status page (docs/console.md).
/// </summary>
internal static class MonitorCommands
{
    public static Command Create()
    {
        var monitor = new Command("monitor", "Continuous monitoring: watched zones, their state and findings, agents.");
        monitor.Options.Add(CliDatabase.Option);
        monitor.Subcommands.Add(CreateWatch());
        monitor.Subcommands.Add(CreateStatus());
        monitor.Subcommands.Add(CreateAgents());
        monitor.Subcommands.Add(CreatePublish());
        return monitor;
    }

    private static Command CreateWatch()
    {
        var zone = new Argument<string[]>("zone") { Description = "Zone(s) to watch, e.g. example.org", Arity = ArgumentArity.OneOrMore };
        var interval = new Option<int>("--interval") { Description = "Probe and check interval in seconds (10–86400).", DefaultValueFactory = _ => 60 };
        var watch = new Command("watch", "Add zones to the watched zones (the runtime probes and checks them from the next cycle).") { zone, interval };
        watch.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var db = CliDatabase.Open(p);
            var store = new WatchedZoneStore(db, TimeProvider.System);
            foreach (var name in p.GetValue(zone)!)
            {
                var added = await store.AddAsync(name, p.GetValue(interval), ct);
                Console.WriteLine($"{(added ? "watching" : "already watched")} {name}");
            }

            return 0;
        }));
        return watch;
    }

    private static Command CreatePublish()
    {
        var zone = new Argument<string[]>("zone") { Description = "Watched zone(s), e.g. ml", Arity = ArgumentArity.OneOrMore };
        var withdraw = new Option<bool>("--withdraw") { Description = "Take the zone off the status page again (TLP:AMBER)." };
        var publish = new Command("publish", "Show watched zones' state on the public status page (/status): their monitoring becomes TLP:CLEAR.")
        {
            zone, withdraw,
        };
        publish.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var db = CliDatabase.Open(p);
            var store = new WatchedZoneStore(db, TimeProvider.System);
            foreach (var name in p.GetValue(zone)!)
            {
                await store.SetPublicStatusAsync(name, !p.GetValue(withdraw), ct);
                Console.WriteLine($"{(p.GetValue(withdraw) ? "withdrawn" : "published")} {name}");
            }

            return 0;
        }));
        return publish;
    }

    private static Command CreateStatus()
    {
        var status = new Command("status", "Watched zones: state, since, probe targets, open findings (worst first).");
        status.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var db = CliDatabase.Open(p);
            await using var command = db.CreateCommand("""
                SELECT w.zone, coalesce(s.state, 'unknown'), s.since, jsonb_array_length(coalesce(w.targets, '[]')), w.last_check_at,
                       (SELECT string_agg(f.check_id || ' ' || f.severity, ', ' ORDER BY f.check_id) FROM zone_findings f
                        WHERE f.zone = w.zone AND f.cleared_at IS NULL AND f.severity IN ('critical', 'error', 'warning'))
                FROM watched_zones w LEFT JOIN zone_states s ON s.zone = w.zone ORDER BY w.zone
                """);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                Console.WriteLine(string.Join('\t', reader.GetString(0), reader.GetString(1), Time(reader, 2), "targets=" + reader.GetInt32(3).ToString(CultureInfo.InvariantCulture),
                    "checked=" + Time(reader, 4), reader.IsDBNull(5) ? "-" : reader.GetString(5)));
            }

            return 0;
        }));
        return status;
    }

    private static Command CreateAgents()
    {
        var agents = new Command("agents", "Agents (vantage points) seen: last contact, last probe, spooled batches.");
        agents.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var db = CliDatabase.Open(p);
            foreach (var a in await AgentCoordinator.ListAgentsAsync(db, ct))
            {
                Console.WriteLine(string.Join('\t', a.VantagePoint, a.Agent, "seen=" + a.LastSeenAt.ToString("O", CultureInfo.InvariantCulture),
                    "probed=" + (a.LastProbeAt?.ToString("O", CultureInfo.InvariantCulture) ?? "-"),
                    "spooled=" + a.SpooledBatches.ToString(CultureInfo.InvariantCulture) + "/" + a.SpooledResults.ToString(CultureInfo.InvariantCulture)));
            }

            return 0;
        }));
        return agents;
    }

    private static string Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? "-" : reader.GetFieldValue<DateTimeOffset>(ordinal).ToString("O", CultureInfo.InvariantCulture);
}
