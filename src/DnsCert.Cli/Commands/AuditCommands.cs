using System.CommandLine;
using DnsCert.Infrastructure.Audit;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert audit verify</c>: walk the hash chain of the audit log.</summary>
internal static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The append-only, hash-chained audit log.");
        audit.Options.Add(CliDatabase.Option);
        var verify = new Command("verify", "Recompute every entry's hash and link; exit 1 at the first broken entry.");
        verify.SetAction((parseResult, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(parseResult);
            var result = await new AuditLog(dataSource).VerifyAsync(ct);
            if (result.Intact)
            {
                Console.WriteLine($"audit log: {result.Entries} entries, chain intact, head {result.HeadHash}");
                return 0;
            }

            Console.Error.WriteLine($"dnscert: audit log: chain broken at entry {result.FirstBrokenId}: {result.Reason}");
            return 1;
        }));
        audit.Subcommands.Add(verify);
        return audit;
    }
}
