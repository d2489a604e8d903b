using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Reflection;
using DnsCert.Monitoring.Agents;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert agent --server &lt;url&gt; --token &lt;token&gt; --name &lt;vantage point&gt; [--source &lt;address&gt;] [--spool &lt;folder&gt;]</c>:
/// a probe agent (docs/monitoring.md). Pulls work, probes, spools results on disk (fsync'd) and pushes them; while the
/// server or its database is unreachable it keeps probing and buffering. One line per event on standard output
/// (<c>spooled</c>, <c>acknowledged</c>, <c>unavailable</c>…) and a status line every 10 s. Exit codes: 0 stopped
/// (Ctrl-C/SIGTERM), 2 bad arguments, 77 token refused.
/// </summary>
internal static class AgentCommand
{
    public const int UsageError = 2;
    public const int NoPermission = 77;

    /// <summary>The environment variable that may hold the token instead of --token (keeps it off the process list).</summary>
    public const string TokenVariable = "DNSCERT_AGENT_TOKEN";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The DnsCert server, e.g. https://dnscert.example.org.", Required = true };
        var token = new Option<string?>("--token") { Description = $"API token with scope agent (or set {TokenVariable})." };
        var name = new Option<string>("--name") { Description = "Name of this vantage point (one spool file per name).", Required = true };
        var source = new Option<string?>("--source") { Description = "Source address of the probes (e.g. a loopback address per vantage point)." };
        var spool = new Option<string?>("--spool") { Description = "Folder of the spool file (default .data/agent-spool)." };
        var verbose = new Option<bool>("--verbose") { Description = "Also print a line per zone probed." };
        var command = new Command("agent", "Run a probe agent: pull work from the server, probe, buffer on disk, push results.")
        {
            server, token, name, source, spool, verbose,
        };
        command.SetAction(async (p, ct) =>
        {
            if (!Uri.TryCreate(p.GetValue(server), UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("https" or "http"))
            {
                Console.Error.WriteLine("dnscert: agent: --server: give the server's address, https://dnscert.example.org");
                return UsageError;
            }

            var secret = p.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(secret))
            {
                Console.Error.WriteLine($"dnscert: agent: give --token or set {TokenVariable} to an API token with scope agent");
                return NoPermission;
            }

            var vantagePoint = p.GetValue(name)!.Trim();
            if (vantagePoint.Length is 0 or > 100 || vantagePoint.Any(char.IsControl))
            {
                Console.Error.WriteLine("dnscert: agent: --name: 1 to 100 printable characters");
                return UsageError;
            }

            IPAddress? sourceAddress = null;
            if (p.GetValue(source) is { } text && !IPAddress.TryParse(text, out sourceAddress))
            {
                Console.Error.WriteLine("dnscert: agent: --source: not an IP address");
                return UsageError;
            }

            var counters = new Counters();
            var print = p.GetValue(verbose);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var runner = new AgentRunner(new HttpAgentServer(http, serverUri.AbsoluteUri.EndsWith('/') ? serverUri : new Uri(serverUri.AbsoluteUri + "/"), secret),
                new AgentOptions
                {
                    VantagePoint = vantagePoint,
                    SpoolDirectory = p.GetValue(spool) ?? Path.Combine(".data", "agent-spool"),
                    SourceAddress = sourceAddress,
                    Version = typeof(AgentCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                },
                e =>
                {
                    counters.Count(e.Kind);
                    if (e.Kind != AgentEventKind.Probed || print)
                    {
                        // Written with Console.WriteLine: scripts and tests read these lines (Spectre would wrap them).
                        Console.WriteLine(e.At.ToString("O", CultureInfo.InvariantCulture) + " " + e.Text);
                    }
                });
            Console.WriteLine($"agent {vantagePoint} -> {serverUri}" + (sourceAddress is null ? "" : $" from {sourceAddress}"));
            using var status = new PeriodicTimer(TimeSpan.FromSeconds(10));
            var statusLoop = Task.Run(async () =>
            {
                try
                {
                    while (await status.WaitForNextTickAsync(ct))
                    {
                        Console.WriteLine(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + " " + counters.Line(runner.Work?.Zones.Count ?? 0));
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopping.
                }
            }, CancellationToken.None);
            try
            {
                await runner.RunAsync(ct);
            }
            catch (AgentRequestRejectedException e)
            {
                Console.Error.WriteLine("dnscert: agent: " + e.Message);
                return NoPermission;
            }
            finally
            {
                status.Dispose();
                await statusLoop;
            }

            Console.WriteLine("agent stopped; " + counters.Line(runner.Work?.Zones.Count ?? 0));
            return 0;
        });
        return command;
    }

    private sealed class Counters
    {
        private readonly int[] _counts = new int[Enum.GetValues<AgentEventKind>().Length];

        public void Count(AgentEventKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

        public string Line(int zones) => string.Create(CultureInfo.InvariantCulture,
            $"status zones={zones} probed={_counts[(int)AgentEventKind.Probed]} spooled={_counts[(int)AgentEventKind.Spooled]} acknowledged={_counts[(int)AgentEventKind.Acknowledged]} unavailable={_counts[(int)AgentEventKind.Unavailable]}");
    }
}
