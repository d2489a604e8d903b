using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Constituency;

/// <summary>Imports of the real shared data into a real PostgreSQL, and routing over what they built.</summary>
public class DirectoryImportTests
{
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.IncidentHandler);
    private static readonly DirectoryActor s_actor = new(null, "test", null);

    private static IReadOnlyList<TldListing> Tlds()
    {
        using var reader = new StreamReader(Path.Combine(RepoPaths.SharedData, "tlds", "tlds.tsv"));
        return TldList.Read(reader);
    }

    private static IReadOnlyList<ImportOrganisation> RootZone2017() => DirectoryImportSources.FromRootZone(
        RootZoneDelegations.ReadFile(Path.Combine(RepoPaths.SharedData, "root-zone", "root-2017-08-21-signed.zone.gz")), Tlds());

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Root_zone_import_creates_one_organisation_per_tld_and_reimport_changes_nothing_and_keeps_manual_edits()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var importer = new DirectoryImporter(db, TimeProvider.System);
        var repository = new DirectoryRepository(db, TimeProvider.System);
        var batch = RootZone2017();

        var first = await importer.ImportAsync(RecordSources.RootZone, batch, complete: true, s_actor, null, default);
        first.Created.ShouldBe(batch.Count);
        (await CountAsync(db, "SELECT count(*) FROM organisations")).ShouldBe(batch.Count);
        (await CountAsync(db, "SELECT count(DISTINCT value) FROM assets WHERE kind = 'zone'")).ShouldBe(batch.Count);
        var ad = (await repository.SearchAsync(s_staff, new DirectorySearch(Text: "Andorra"), default)).Single();
        ad.Name.ShouldBe("Andorra (Principality of) (.ad)");
        var details = (await repository.GetAsync(s_staff, ad.Id, default))!;
        details.Assets.Where(a => a.Kind == AssetKind.NameServer).ShouldNotBeEmpty();
        details.Assets.ShouldAllBe(a => a.Source == RecordSources.RootZone && a.ImportedAt != null);

        // A person renames the organisation and adds a contact; then the same file is imported again.
        await repository.UpdateOrganisationAsync(ad.Id, new OrganisationInput("Andorra Telecom (registry)", OrganisationKind.CcTldRegistry,
            IcannRegion.Europe, "AD", ["ca", "es"], "Europe/Andorra", false), s_actor, default);
        await repository.AddContactAsync(ad.Id, new ContactInput("NOC", true, [ContactRole.Emergency], "noc@nic.ad.example", null, null, null, null, null),
            null, s_actor, default);
        var auditBefore = await CountAsync(db, "SELECT count(*) FROM audit_log");
        var assetsBefore = await CountAsync(db, "SELECT count(*) FROM assets");

        var second = await importer.ImportAsync(RecordSources.RootZone, RootZone2017(), complete: true, s_actor, null, default);

        second.ChangedNothing.ShouldBeTrue();
        second.Unchanged.ShouldBe(batch.Count);
        (await CountAsync(db, "SELECT count(*) FROM audit_log")).ShouldBe(auditBefore);
        (await CountAsync(db, "SELECT count(*) FROM assets")).ShouldBe(assetsBefore);
        var after = (await repository.GetAsync(s_staff, ad.Id, default))!;
        after.Organisation.Name.ShouldBe("Andorra Telecom (registry)");
        after.Organisation.TimeZone.ShouldBe("Europe/Andorra");
        after.Organisation.ManualFields.ShouldContain("name");
        after.Contacts.Single().Email.ShouldBe("noc@nic.ad.example");
        (await repository.HistoryAsync(Viewer.Person(Guid.NewGuid(), null, Roles.Administrator), ad.Id, default)).Select(h => h.Action).ShouldBe(["contact.created", "organisation.updated", "organisation.imported"]);
    }

    [Fact]
    public async Task A_newer_root_zone_updates_glue_and_removes_gone_delegations_only()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var importer = new DirectoryImporter(db, TimeProvider.System);
        await importer.ImportAsync(RecordSources.RootZone, RootZone2017(), complete: true, s_actor, null, default);
        var newer = DirectoryImportSources.FromRootZone(
            RootZoneDelegations.ReadFile(Path.Combine(RepoPaths.SharedData, "root-zone", "root-2018-03-12-nosig.zone.gz")), Tlds());

        var result = await importer.ImportAsync(RecordSources.RootZone, newer, complete: true, s_actor, null, default);

        (result.AssetsWritten + result.AssetsRemoved).ShouldBeGreaterThan(0);
        (await CountAsync(db, "SELECT count(DISTINCT value) FROM assets WHERE kind = 'zone'")).ShouldBe(newer.Count);
        (await importer.ImportAsync(RecordSources.RootZone, newer, complete: true, s_actor, null, default)).ChangedNothing.ShouldBeTrue();
    }

    /// <summary>
    /// Acceptance: the 91,500 real Conficker-B names of 2020 group under the registries of their 8 TLDs. The directory
    /// (a CSV import naming one operator for com, net and cc) merges those three; counts are computed independently.
    /// </summary>
    [Fact]
    public async Task Conficker_b_routes_to_the_registries_and_merges_tlds_of_one_operator()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var importer = new DirectoryImporter(db, TimeProvider.System);
        await importer.ImportAsync(RecordSources.RootZone, RootZone2017(), complete: true, s_actor, null, default);
        await importer.ImportAsync(RecordSources.Tlds, DirectoryImportSources.FromTldList(Tlds()), complete: true, s_actor, null, default);
        var csv = """
            organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language
            "VeriSign, Inc.",gtld-registry,north-america,US,en,America/New_York,organisation,,,,,
            "VeriSign, Inc.",,,,,,contact,emergency,Verisign NOC,noc@verisign.example,+1 703 555 0100,en
            "VeriSign, Inc.",,,,,,asset,zone,com,,,
            "VeriSign, Inc.",,,,,,asset,zone,net,,,
            "VeriSign, Inc.",,,,,,asset,zone,cc,,,
            """;
        await importer.ImportAsync(RecordSources.Csv, DirectoryCsv.Read(new StringReader(csv)), complete: false, s_actor, null, default);

        var router = new ResponsiblePartyRouter(PublicSuffixList.Load(), await new DirectoryRepository(db, TimeProvider.System).LoadRoutingSnapshotAsync(s_staff, default));
        var names = ReadLines(Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz"));
        var summary = RoutingSummary.Of(names.Select(n => router.Route(n, RoutingPurpose.Emergency)));

        var perTld = names.GroupBy(n => n[(n.LastIndexOf('.') + 1)..]).ToDictionary(g => g.Key, g => g.Count());
        perTld.Count.ShouldBe(8);
        summary.Unroutable.ShouldBe(0);
        summary.Lines.Count.ShouldBe(6);
        var verisign = summary.Lines.Single(l => l.OrganisationName == "VeriSign, Inc.");
        verisign.Tlds.ShouldBe(["cc", "com", "net"]);
        verisign.Count.ShouldBe(perTld["com"] + perTld["net"] + perTld["cc"]);
        verisign.ContactEmail.ShouldBe("noc@verisign.example");
        foreach (var tld in new[] { "biz", "cn", "info", "org", "ws" })
        {
            summary.Lines.Single(l => l.Tlds.SequenceEqual([tld])).Count.ShouldBe(perTld[tld]);
        }
    }

    [Fact]
    public async Task A_contact_changed_by_hand_keeps_its_manual_fields_when_the_source_changes()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var importer = new DirectoryImporter(db, TimeProvider.System);
        var repository = new DirectoryRepository(db, TimeProvider.System);
        static IReadOnlyList<ImportOrganisation> Csv(string phone) => DirectoryCsv.Read(new StringReader($"""
            organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language
            Registre,cctld-registry,africa,SN,fr,Africa/Dakar,organisation,,,,,
            Registre,,,,,,contact,emergency;technical,NOC,noc@nic.sn.example,{phone},fr
            """));
        await importer.ImportAsync(RecordSources.Csv, Csv("+221 33 000 00 00"), complete: false, s_actor, null, default);
        (await importer.ImportAsync(RecordSources.Csv, Csv("+221 33 000 00 00"), complete: false, s_actor, null, default)).ChangedNothing.ShouldBeTrue();
        var organisation = (await repository.SearchAsync(s_staff, new DirectorySearch("Registre"), default)).Single();
        var contact = (await repository.GetAsync(s_staff, organisation.Id, default))!.Contacts.Single();
        await repository.UpdateContactAsync(contact.Id, new ContactInput("NOC Dakar", true, [ContactRole.Emergency], "noc@nic.sn.example",
            contact.Phone, "fr", null, "24x7", new DateOnly(2026, 11, 1)), null, s_actor, default);

        var changed = await importer.ImportAsync(RecordSources.Csv, Csv("+221 33 111 11 11"), complete: false, s_actor, null, default);

        changed.ContactsWritten.ShouldBe(1);
        var after = (await repository.GetAsync(s_staff, organisation.Id, default))!.Contacts.Single();
        after.Name.ShouldBe("NOC Dakar");
        after.Phone.ShouldBe("+221330000000");
        after.WorkingHours.ShouldBe("24x7");
        after.Source.ShouldBe(RecordSources.Csv);
    }

    internal static List<string> ReadLines(string gz)
    {
        using var stream = new System.IO.Compression.GZipStream(File.OpenRead(gz), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
