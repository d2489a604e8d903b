namespace DnsCert.Lab;

/// <summary>
/// BIND only listens on addresses that are configured on an interface (it scans interfaces; NSD, Knot and Unbound
/// bind any 127/8 address directly). The lab therefore puts BIND's addresses on <c>lo</c> as /32 aliases, records
/// them in run/lo-addresses and removes exactly those at `lab down`. Only addresses of the lab's own /16.
/// </summary>
internal static class LoopbackAliases
{
    private static string Ledger(LabPaths paths) => Path.Combine(paths.Run, "lo-addresses");

    public static async Task EnsureAsync(LabPaths paths, string basePrefix, IEnumerable<string> addresses, CancellationToken cancellationToken)
    {
        var present = await PresentAsync(cancellationToken);
        var missing = addresses.Where(a => a.StartsWith(basePrefix + ".", StringComparison.Ordinal) && !present.Contains(a)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await File.AppendAllLinesAsync(Ledger(paths), missing, cancellationToken);
        var batch = Path.Combine(paths.Run, "ip-add.batch");
        await File.WriteAllLinesAsync(batch, missing.Select(a => $"addr add {a}/32 dev lo"), cancellationToken);
        var result = await Tool.RunAsync("ip", ["-force", "-batch", batch], cancellationToken: cancellationToken);
        if (!result.Ok && !result.Error.Contains("File exists", StringComparison.Ordinal))
        {
            throw new LabException("could not add loopback addresses for BIND (root needed): " + result.Error.Trim());
        }
    }

    public static async Task RemoveAllAsync(LabPaths paths)
    {
        var ledger = Ledger(paths);
        if (!File.Exists(ledger))
        {
            return;
        }

        var present = await PresentAsync(CancellationToken.None);
        var ours = (await File.ReadAllLinesAsync(ledger)).Where(present.Contains).Distinct().ToList();
        if (ours.Count > 0)
        {
            var batch = Path.Combine(paths.Run, "ip-del.batch");
            await File.WriteAllLinesAsync(batch, ours.Select(a => $"addr del {a}/32 dev lo"));
            await Tool.RunAsync("ip", ["-force", "-batch", batch]);
        }

        File.Delete(ledger);
    }

    private static async Task<HashSet<string>> PresentAsync(CancellationToken cancellationToken)
    {
        var output = await Tool.CheckAsync("ip", ["-4", "-o", "addr", "show", "dev", "lo"], cancellationToken: cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(tokens => tokens[Array.IndexOf(tokens, "inet") + 1].Split('/')[0])
            .ToHashSet(StringComparer.Ordinal);
    }
}
