using System.CommandLine;
using System.Diagnostics;
using DnsCert.Core.Constituency;
using DnsCert.Infrastructure.Constituency;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert route [--purpose abuse] [--summary] &lt; names.txt</c>: who is responsible for each name or address.
/// Per name: name, TLD, registry organisation, contact (tab-separated); with --summary one line per organisation.
/// </summary>
internal static class RouteCommand
{
    public static Command Create()
    {
        var purpose = new Option<string>("--purpose") { Description = "emergency or abuse: which contact to name", DefaultValueFactory = _ => "emergency" };
        purpose.AcceptOnlyFromAmong("emergency", "abuse");
        var summary = new Option<bool>("--summary") { Description = "One line per registry organisation with its count, and one for unroutable names" };
        var psl = new Option<string>("--psl") { Description = "Public suffix list", DefaultValueFactory = _ => PublicSuffixList.DebianPath };
        var names = new Argument<string[]>("names") { Description = "Names or addresses (default: one a line on standard input)", Arity = ArgumentArity.ZeroOrMore };
        var route = new Command("route", "Route domain names, name servers and IP addresses to their responsible parties.") { purpose, summary, psl, names };
        route.Options.Add(CliDatabase.Option);
        route.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var snapshot = await new DirectoryRepository(dataSource, TimeProvider.System).LoadRoutingSnapshotAsync(DirectoryCommands.Staff, ct);
            var router = new ResponsiblePartyRouter(PublicSuffixList.Load(p.GetValue(psl)!), snapshot);
            var why = p.GetValue(purpose) == "abuse" ? RoutingPurpose.Abuse : RoutingPurpose.Emergency;
            var inputs = p.GetValue(names) is { Length: > 0 } given ? given : ReadLines(Console.In);
            var watch = Stopwatch.StartNew();
            var results = inputs.Where(n => n.Length > 0).Select(n => router.Route(n, why)).ToList();
            watch.Stop();
            using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            if (p.GetValue(summary))
            {
                var lines = RoutingSummary.Of(results);
                foreach (var line in lines.Lines)
                {
                    output.WriteLine($"{line.Count}\t{line.OrganisationName}\t{string.Join(",", line.Tlds)}\t{line.ContactEmail ?? "-"}\t{line.Language}");
                }

                output.WriteLine($"{lines.Unroutable}\t(unroutable)\t{string.Join(",", lines.UnroutableTlds)}\t-\t-");
            }
            else
            {
                foreach (var result in results)
                {
                    var registry = result.Registry;
                    var others = string.Join(" ", result.Chain.Where(c => c.Role != PartyRole.Registry).Select(c => $"{c.Role.ToCode()}={c.OrganisationName}"));
                    output.WriteLine($"{result.Input}\t{result.Tld ?? "-"}\t{registry?.OrganisationName ?? "(unroutable)"}\t{registry?.ContactEmail ?? "-"}\t{registry?.Language ?? "-"}{(others.Length > 0 ? "\t" + others : "")}");
                }
            }

            output.Flush();
            Console.Error.WriteLine($"dnscert: routed {results.Count} names in {watch.Elapsed.TotalMilliseconds:F0} ms");
            return 0;
        }));
        return route;
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line.Trim();
        }
    }
}
