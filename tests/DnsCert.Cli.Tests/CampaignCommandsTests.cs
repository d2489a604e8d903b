using System.Globalization;
using System.IO.Compression;
using DnsCert.TestSupport;

namespace DnsCert.Cli.Tests;

/// <summary><c>dnscert campaign create|status</c> on the real Conficker-B list of 2020 and the lab's registries.</summary>
public class CampaignCommandsTests
{
    private static string Data(params string[] parts) => Path.Combine([RepoPaths.SharedData, .. parts]);

    [Fact]
    public async Task A_campaign_from_the_conficker_b_file_splits_per_registry_once_and_reports_coverage()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        (await CliProcess.RunAsync(database, "directory", "import", "lab")).ExitCode.ShouldBe(0);
        var file = Data("conficker", "conficker-b-2020.txt.gz");
        string[] create = ["campaign", "create", "--name", "Conficker B 2020", "--file", file, "--tlp", "amber", "--action", "serverHold",
            "--names-per-day", "250", "--deadline", DateTimeOffset.UtcNow.AddDays(2).ToString("O", CultureInfo.InvariantCulture)];

        var first = await CliProcess.RunAsync(database, create);
        var second = await CliProcess.RunAsync(database, create);

        first.ExitCode.ShouldBe(0, first.StandardError);
        var lines = first.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        lines[0][0].ShouldBe("campaign");
        lines[0][2].ShouldBe("created");
        var id = lines[0][1];
        var perTld = Distinct(file).GroupBy(n => n[(n.LastIndexOf('.') + 1)..]).ToDictionary(g => g.Key, g => g.Count());
        perTld.Count.ShouldBe(8);
        var slices = lines.Skip(2).Where(l => l[1] != "(unroutable)").ToDictionary(l => l[1], l => int.Parse(l[0], CultureInfo.InvariantCulture));
        // The lab says com and net share one (fictional) operator: 7 registries for the 8 TLDs.
        slices.Count.ShouldBe(7);
        slices["Meridian Global Registry Inc (fictional)"].ShouldBe(perTld["com"] + perTld["net"]);
        slices.Values.Sum().ShouldBe(perTld.Values.Sum());
        lines[^1][0].ShouldBe("0");

        second.ExitCode.ShouldBe(0, second.StandardError);
        second.StandardOutput.ShouldStartWith($"campaign\t{id}\talready uploaded");

        var status = await CliProcess.RunAsync(database, "campaign", "status", id);
        status.ExitCode.ShouldBe(0, status.StandardError);
        var rows = status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        rows[0][3].ShouldBe("TLP:AMBER");
        rows[0][4].ShouldBe("suspend");
        rows.Skip(2).Take(7).Sum(r => long.Parse(r[5], CultureInfo.InvariantCulture)).ShouldBe(perTld.Values.Sum());
        rows[^1].ShouldBe(["unroutable", "0", ""]);
    }

    [Fact]
    public async Task Bad_lines_are_listed_with_their_numbers_and_nothing_is_stored()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        (await CliProcess.RunAsync(database, "directory", "import", "lab")).ExitCode.ShouldBe(0);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "good.com\nbad..com\nfoo.notatld\n");

        var result = await CliProcess.RunAsync(database, "campaign", "create", "--name", "x", "--file", file);
        var list = await CliProcess.RunAsync(database, "campaign", "list");

        result.ExitCode.ShouldBe(2);
        result.StandardError.ShouldContain("line 2: 'bad..com' has an empty label");
        result.StandardError.ShouldContain("line 3: 'foo.notatld' '.notatld' is not a top-level domain");
        result.StandardError.ShouldContain("2 line(s) refused; nothing was stored");
        list.ExitCode.ShouldBe(0, list.StandardError);
        list.StandardOutput.ShouldBeEmpty();
        File.Delete(file);
    }

    private static HashSet<string> Distinct(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                names.Add(line.ToLowerInvariant());
            }
        }

        return names;
    }
}
