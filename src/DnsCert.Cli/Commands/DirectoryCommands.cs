using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Lab.Definition;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert directory import|export|security-txt</c>: the constituency directory from files.</summary>
internal static class DirectoryCommands
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The CLI acts as the platform's staff: it reads everything (a person at a terminal with database access).</summary>
    internal static Viewer Staff { get; } = Viewer.Person(Guid.Empty, null, Roles.Administrator);

    private static DirectoryActor Actor => new(null, "cli:" + Environment.UserName, null);

    public static Command Create()
    {
        var directory = new Command("directory", "The constituency directory: organisations, contacts, assets.");
        directory.Options.Add(CliDatabase.Option);
        var import = new Command("import", "Import organisations from a file; re-importing changes nothing and keeps manual edits.");
        directory.Subcommands.Add(import);

        var labels = new Option<string?>("--labels") { Description = "tlds.tsv to name the TLD organisations (e.g. ../shared/data/tlds/tlds.tsv)" };
        var rootFile = new Argument<string>("file") { Description = "Root zone file (.gz is decompressed)" };
        var rootZone = new Command("root-zone", "One organisation per TLD with its zone, name servers and glue.") { rootFile, labels };
        rootZone.SetAction((p, ct) => ImportAsync(p, RecordSources.RootZone, () =>
        {
            var delegations = RootZoneDelegations.ReadFile(p.GetValue(rootFile)!);
            var listings = p.GetValue(labels) is { } path ? ReadTlds(path) : null;
            return DirectoryImportSources.FromRootZone(delegations, listings);
        }, complete: true, ct));
        import.Subcommands.Add(rootZone);

        var tldsFile = new Argument<string>("file") { Description = "tlds.tsv (TLD, manager, type)" };
        var tlds = new Command("tlds", "TLDs and their managers; TLDs of one manager become one organisation.") { tldsFile };
        tlds.SetAction((p, ct) => ImportAsync(p, RecordSources.Tlds, () => DirectoryImportSources.FromTldList(ReadTlds(p.GetValue(tldsFile)!)), complete: true, ct));
        import.Subcommands.Add(tlds);

        var labFile = new Argument<string?>("file") { Description = "Lab definition JSON (default: the built-in lab)", Arity = ArgumentArity.ZeroOrOne };
        var lab = new Command("lab", "The lab's fictional TLD operators and their contacts.") { labFile };
        lab.SetAction((p, ct) =>
        {
            var warnings = new List<string>();
            return ImportAsync(p, RecordSources.Lab, () =>
            {
                LabDefinition definition;
                if (p.GetValue(labFile) is { } path)
                {
                    using var stream = File.OpenRead(path);
                    definition = LabDefinition.Load(stream);
                }
                else
                {
                    definition = LabDefinition.LoadEmbedded();
                }

                return LabDirectory.ToImport(definition, warnings);
            }, complete: true, ct, warnings);
        });
        import.Subcommands.Add(lab);

        var csvFile = new Argument<string>("file") { Description = "CSV in the directory format (see docs/constituency.md)" };
        var csv = new Command("csv", "Organisations, contacts and assets from CSV; all lines are checked before anything is written.") { csvFile };
        csv.SetAction((p, ct) => ImportAsync(p, RecordSources.Csv, () =>
        {
            using var reader = new StreamReader(p.GetValue(csvFile)!);
            return DirectoryCsv.Read(reader);
        }, complete: false, ct));
        import.Subcommands.Add(csv);

        var format = new Option<string>("--format") { Description = "csv or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var export = new Command("export", "Every organisation with its contacts and assets.") { format, output };
        export.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(p);
            var repository = new DirectoryRepository(dataSource, TimeProvider.System);
            // Streamed: one batch of organisations in memory at a time, however large the directory.
            await using var stream = p.GetValue(output) is { } file ? File.Create(file) : Console.OpenStandardOutput();
            if (p.GetValue(format) == "json")
            {
                await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = s_json.WriteIndented, Encoder = s_json.Encoder });
                json.WriteStartArray();
                await foreach (var d in repository.ExportAsync(Staff, ct))
                {
                    JsonSerializer.Serialize(json, new { d.Organisation, d.Contacts, d.Assets }, s_json);
                    if (json.BytesPending > 65536)
                    {
                        await json.FlushAsync(ct);
                    }
                }

                json.WriteEndArray();
                await json.FlushAsync(ct);
                await stream.WriteAsync("\n"u8.ToArray(), ct);
            }
            else
            {
                await using var writer = new StreamWriter(stream);
                DirectoryCsv.WriteHeader(writer);
                await foreach (var d in repository.ExportAsync(Staff, ct))
                {
                    DirectoryCsv.WriteOrganisation(writer, d);
                }
            }

            return 0;
        }));
        directory.Subcommands.Add(export);

        var txtFile = new Argument<string>("file") { Description = "An RFC 9116 security.txt" };
        var organisation = new Option<Guid>("--organisation") { Description = "Organisation id to add the contacts to", Required = true };
        var securityTxt = new Command("security-txt", "Add the contacts an RFC 9116 security.txt names to an organisation.") { txtFile, organisation };
        securityTxt.SetAction((p, ct) => CliDatabase.RunAsync(async () =>
        {
            var info = SecurityTxtContacts.Parse(await File.ReadAllTextAsync(p.GetValue(txtFile)!, ct));
            var contacts = SecurityTxtContacts.ToContacts(info);
            await using var dataSource = CliDatabase.Open(p);
            var repository = new DirectoryRepository(dataSource, TimeProvider.System);
            var service = new DirectoryService(repository, new OpenPgpKeyReader());
            foreach (var contact in contacts)
            {
                await service.SaveContactAsync(Staff, p.GetValue(organisation), null, contact, Actor, ct);
            }

            Console.WriteLine($"security.txt: {contacts.Count} contacts added");
            return 0;
        }));
        directory.Subcommands.Add(securityTxt);
        return directory;
    }

    private static IReadOnlyList<TldListing> ReadTlds(string path)
    {
        using var reader = new StreamReader(path);
        return TldList.Read(reader);
    }

    private static Task<int> ImportAsync(ParseResult parseResult, string source, Func<IReadOnlyList<ImportOrganisation>> read, bool complete,
        CancellationToken cancellationToken, List<string>? warnings = null) => CliDatabase.RunAsync(async () =>
    {
        var organisations = read();
        await using var dataSource = CliDatabase.Open(parseResult);
        var importer = new DirectoryImporter(dataSource, TimeProvider.System);
        ImportResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"import {source}", maxValue: Math.Max(1, organisations.Count));
                result = await importer.ImportAsync(source, organisations, complete, Actor,
                    new Progress<int>(done => task.Value = done), cancellationToken);
                task.Value = task.MaxValue;
            });
        foreach (var warning in warnings ?? [])
        {
            Console.Error.WriteLine("dnscert: warning: " + warning);
        }

        Console.WriteLine($"directory import {source}: {organisations.Count} organisations: {result!.Created} created, {result.Updated} updated, " +
                          $"{result.Unchanged} unchanged; {result.ContactsWritten} contacts written; {result.AssetsWritten} assets written, {result.AssetsRemoved} removed");
        return 0;
    });
}
