using DnsCert.TestSupport;

namespace DnsCert.Cli.Tests;

/// <summary><c>dnscert directory import|export</c> and <c>dnscert route</c> over the real shared data.</summary>
public class DirectoryCommandsTests
{
    private static string Data(params string[] parts) => Path.Combine([RepoPaths.SharedData, .. parts]);

    [Fact]
    public async Task Imports_are_idempotent_and_route_summary_groups_conficker_by_registry()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        string[] rootZone = ["directory", "import", "root-zone", Data("root-zone", "root-2017-08-21-signed.zone.gz"), "--labels", Data("tlds", "tlds.tsv")];

        var first = await CliProcess.RunAsync(database, rootZone);
        var second = await CliProcess.RunAsync(database, rootZone);
        var lab = await CliProcess.RunAsync(database, "directory", "import", "lab");

        first.ExitCode.ShouldBe(0, first.StandardError);
        first.StandardOutput.ShouldMatch(@"directory import root-zone: (\d+) organisations: \1 created, 0 updated, 0 unchanged");
        second.StandardOutput.ShouldMatch(@"directory import root-zone: (\d+) organisations: 0 created, 0 updated, \1 unchanged; 0 contacts written; 0 assets written, 0 removed");
        lab.ExitCode.ShouldBe(0, lab.StandardError);
        lab.StandardOutput.ShouldContain("0 updated");
        lab.StandardError.ShouldContain("is not E.164");

        var names = Data("conficker", "conficker-b-2020.txt.gz");
        var cli = RepoPaths.Artifact("DnsCert.Cli", "DnsCert.Cli.dll");
        var routed = await ProcessRunner.RunAsync("sh", ["-c", $"zcat '{names}' | dotnet '{cli}' route --summary"],
            new Dictionary<string, string?> { ["DNSCERT_DATABASE"] = database, ["NO_COLOR"] = "1" });

        routed.ExitCode.ShouldBe(0, routed.StandardError);
        var lines = routed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        // The lab says com and net share one (fictional) operator: 7 registries for the 8 TLDs, nothing unroutable.
        lines.Count.ShouldBe(8);
        lines[^1][1].ShouldBe("(unroutable)");
        lines[^1][0].ShouldBe("0");
        var meridian = lines.Single(l => l[1] == "Meridian Global Registry Inc (fictional)");
        meridian[2].ShouldBe("com,net");
        meridian[3].ShouldEndWith("@example.net");
        lines.Take(7).Sum(l => int.Parse(l[0], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(91_500);

        var export = await CliProcess.RunAsync(database, "directory", "export", "--format", "csv");
        export.ExitCode.ShouldBe(0, export.StandardError);
        export.StandardOutput.ShouldStartWith("organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language");
        export.StandardOutput.ShouldContain("Meridian Global Registry Inc (fictional),gtld-registry");
    }

    [Fact]
    public async Task Export_has_no_cap_and_streams_more_than_five_thousand_organisations_as_csv_and_json()
    {
        const int Organisations = 5_107;
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        await using (var db = Npgsql.NpgsqlDataSource.Create(database))
        await using (var generate = db.CreateCommand($"""
            INSERT INTO organisations (id, name, kind, created_at)
            SELECT gen_random_uuid(), 'Generated ' || lpad(i::text, 5, '0'), 'registrar', now() FROM generate_series(1, {Organisations}) i
            """))
        {
            await generate.ExecuteNonQueryAsync();
        }

        var csv = await CliProcess.RunAsync(database, "directory", "export", "--format", "csv");
        var json = await CliProcess.RunAsync(database, "directory", "export", "--format", "json");

        csv.ExitCode.ShouldBe(0, csv.StandardError);
        var lines = csv.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(Organisations + 1);
        lines[^1].ShouldStartWith($"Generated {Organisations:D5},registrar");
        json.ExitCode.ShouldBe(0, json.StandardError);
        using var document = System.Text.Json.JsonDocument.Parse(json.StandardOutput);
        document.RootElement.GetArrayLength().ShouldBe(Organisations);
        document.RootElement[0].GetProperty("organisation").GetProperty("name").GetString().ShouldBe("Generated 00001");
    }

    [Fact]
    public async Task A_bad_csv_line_names_line_and_field_and_writes_nothing()
    {
        var database = await TestDatabase.CreateAsync();
        (await CliProcess.RunAsync(database, "db", "migrate")).ExitCode.ShouldBe(0);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language\n" +
            "Good Org,registrar,europe,DE,de,Europe/Berlin,organisation,,,,,\n" +
            "Good Org,,,,,,contact,technical,Tech,tech@example.org,,\n" +
            "Bad Org,registrar,europe,FR,fr,Europe/Nowhere,organisation,,,,,\n");

        var result = await CliProcess.RunAsync(database, "directory", "import", "csv", file);
        var export = await CliProcess.RunAsync(database, "directory", "export", "--format", "json");

        result.ExitCode.ShouldBe(2);
        result.StandardError.ShouldContain("line 4: time_zone");
        export.StandardOutput.Trim().ShouldBe("[]");
        File.Delete(file);
    }
}
