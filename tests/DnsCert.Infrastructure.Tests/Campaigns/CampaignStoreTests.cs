using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Constituency;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Tests.Constituency;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Campaigns;

public class CampaignStoreTests
{
    /// <summary>The first quarter of the real Conficker-B list of 2020 (issue 11's acceptance).</summary>
    public const int QuarterOfConfickerB = 22_750;

    private static readonly Lazy<PublicSuffixList> s_psl = new(() => PublicSuffixList.Load());
    private static readonly Guid s_handlerId = Guid.NewGuid();
    private static readonly Viewer s_staff = Viewer.Person(s_handlerId, null, Roles.IncidentHandler);
    private static readonly DirectoryActor s_actor = new(null, "test", null);

    /// <summary>One registry per Conficker-B TLD, in several languages, each with an abuse contact.</summary>
    internal static async Task ImportConfickerRegistriesAsync(NpgsqlDataSource db)
    {
        var lines = new List<string> { "organisation,kind,region,country,languages,time_zone,item,item_kind,value,email,phone,language" };
        (string Tld, string Language)[] registries = [("biz", "en"), ("cc", "fr"), ("cn", "en"), ("com", "en"), ("info", "es"), ("net", "pt"), ("org", "ar"), ("ws", "fr")];
        foreach (var (tld, language) in registries)
        {
            lines.Add($"Registry {tld},gtld-registry,north-america,US,{language},UTC,organisation,,,,,");
            lines.Add($"Registry {tld},,,,,,contact,security-abuse,Abuse desk,abuse@nic.{tld}.example,,{language}");
            lines.Add($"Registry {tld},,,,,,asset,zone,{tld},,,");
        }

        await new DirectoryImporter(db, TimeProvider.System).ImportAsync(
            RecordSources.Csv, DirectoryCsv.Read(new StringReader(string.Join('\n', lines))), complete: false, s_actor, null, default);
    }

    internal static CampaignUploads Uploads(NpgsqlDataSource db, CampaignStore store) => new(store,
        CampaignUploads.RoutingFrom(s_psl.Value, ct => new DirectoryRepository(db, TimeProvider.System).LoadRoutingSnapshotAsync(s_staff, ct)), TimeProvider.System);

    internal static CampaignStore Store(NpgsqlDataSource db) =>
        new(db, new NotificationRules(new NotificationRulesOptions()), TimeProvider.System, new CampaignOptions { PortalUrl = new Uri("https://dnscert.test/") });

    private static CampaignUploadTarget NewCampaign(string name = "Conficker B 2020", Tlp tlp = Tlp.Amber, Viewer? viewer = null) =>
        CampaignUploadTarget.Create(viewer ?? s_staff, "handler", new CampaignDraft(name, tlp, DateTimeOffset.UtcNow.AddDays(3), CampaignAction.Block, 250),
            new DateOnly(2020, 1, 1), "conficker-b.txt");

    private static List<string> Quarter() =>
        DirectoryImportTests.ReadLines(Path.Combine(RepoPaths.SharedData, "conficker", "conficker-b-2020.txt.gz")).Take(QuarterOfConfickerB).ToList();

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Acceptance: the first 22,750 real Conficker-B names become one campaign split over the registries of its 8 TLDs,
    /// with per-registry counts computed here independently (distinct names grouped by their last label), and one
    /// campaign-request directive per registry queued with the slice's size and its portal link.
    /// </summary>
    [Fact]
    public async Task A_quarter_of_conficker_b_splits_over_its_eight_registries_with_one_request_each()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await ImportConfickerRegistriesAsync(db);
        var names = Quarter();
        names.Count.ShouldBe(QuarterOfConfickerB);
        var expected = names.Select(n => n.ToLowerInvariant()).Distinct().GroupBy(n => n[(n.LastIndexOf('.') + 1)..])
            .ToDictionary(g => "Registry " + g.Key, g => g.Count());
        expected.Count.ShouldBe(8);

        var result = await Uploads(db, Store(db)).HandleAsync(NewCampaign(), new StringReader(string.Join('\n', names)), null, default);

        result.AlreadyUploaded.ShouldBeFalse();
        result.Names.ShouldBe(QuarterOfConfickerB);
        result.Unroutable.ShouldBe(0);
        result.Slices.ToDictionary(s => s.OrganisationName, s => s.Names).ShouldBe(expected, ignoreOrder: true);
        result.NewNames.ShouldBe(expected.Values.Sum());
        result.Duplicates.ShouldBe(QuarterOfConfickerB - expected.Values.Sum());
        (await CountAsync(db, "SELECT count(*) FROM campaign_names WHERE status = 'requested' AND request_id IS NOT NULL")).ShouldBe(expected.Values.Sum());

        await using var command = db.CreateCommand("SELECT organisation_id, contact_role, item::text FROM notification_directives WHERE kind = 'campaign-request'");
        await using var reader = await command.ExecuteReaderAsync();
        var directives = new List<(Guid Organisation, string Role, Dictionary<string, string> Item)>();
        while (await reader.ReadAsync())
        {
            directives.Add((reader.GetGuid(0), reader.GetString(1), JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2))!));
        }

        directives.Count.ShouldBe(8);
        directives.ShouldAllBe(d => d.Role == "abuse" && d.Item["link"].StartsWith("https://dnscert.test/campaigns/requests/", StringComparison.Ordinal));
        directives.Select(d => d.Item["link"]).Distinct().Count().ShouldBe(8);
        directives.ToDictionary(d => result.Slices.Single(s => s.OrganisationId == d.Organisation).OrganisationName, d => int.Parse(d.Item["names"], System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(expected, ignoreOrder: true);

        var view = (await Store(db).GetAsync(s_staff, result.CampaignId, default))!;
        view.Registries.Count.ShouldBe(8);
        view.Registries.ShouldAllBe(r => r.Requested == r.Total && r.Verified == 0);
        view.Registries.Single(r => r.OrganisationName == "Registry org").Language.ShouldBe("ar");
    }

    [Fact]
    public async Task The_same_upload_twice_is_the_same_campaign_and_a_new_day_adds_only_new_names()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await ImportConfickerRegistriesAsync(db);
        var uploads = Uploads(db, Store(db));
        const string Day1 = "a1.com\nb1.org\na1.com\n";
        var first = await uploads.HandleAsync(NewCampaign(), new StringReader(Day1), null, default);
        var again = await uploads.HandleAsync(NewCampaign(), new StringReader(Day1.Replace("\n", "\r\n", StringComparison.Ordinal)), null, default);

        again.AlreadyUploaded.ShouldBeTrue();
        again.CampaignId.ShouldBe(first.CampaignId);
        again.UploadId.ShouldBe(first.UploadId);
        again.Slices.Select(s => s.RequestId).ShouldBe(first.Slices.Select(s => s.RequestId), ignoreOrder: true);
        (await CountAsync(db, "SELECT count(*) FROM campaigns")).ShouldBe(1);
        (await CountAsync(db, "SELECT count(*) FROM campaign_names")).ShouldBe(2);
        (await CountAsync(db, "SELECT count(*) FROM notification_directives")).ShouldBe(2);

        var day2 = CampaignUploadTarget.AddTo(s_staff, "handler", first.CampaignId, new DateOnly(2020, 1, 2));
        var second = await uploads.HandleAsync(day2, new StringReader("a1.com\nc2.com\n"), null, default);
        second.NewNames.ShouldBe(1);
        second.Duplicates.ShouldBe(1);
        second.Slices.Single().Names.ShouldBe(1);
        (await uploads.HandleAsync(day2, new StringReader("a1.com\nc2.com\n"), null, default)).AlreadyUploaded.ShouldBeTrue();
        (await CountAsync(db, "SELECT count(*) FROM campaign_names")).ShouldBe(3);
        (await CountAsync(db, "SELECT count(*) FROM campaign_requests")).ShouldBe(3);
        (await CountAsync(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'campaign.%'")).ShouldBe(2);
    }

    [Fact]
    public async Task Names_under_tlds_without_an_operator_are_listed_as_unroutable()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await ImportConfickerRegistriesAsync(db);
        var result = await Uploads(db, Store(db)).HandleAsync(NewCampaign(), new StringReader("x.com\ny.de\nz.co.uk\n"), null, default);
        result.Unroutable.ShouldBe(2);
        result.UnroutableTlds.ShouldBe(["de", "uk"]);
        result.Slices.Single().Names.ShouldBe(1);
        var view = (await Store(db).GetAsync(s_staff, result.CampaignId, default))!;
        view.Unroutable.ShouldBe(2);
        view.UnroutableTlds.ShouldBe(["de", "uk"]);
    }

    [Fact]
    public async Task Refused_uploads_write_nothing()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await ImportConfickerRegistriesAsync(db);
        var uploads = Uploads(db, Store(db));
        await Should.ThrowAsync<CampaignUploadRejectedException>(() => uploads.HandleAsync(NewCampaign(), new StringReader("ok.com\nbad..com\n"), null, default));
        await Should.ThrowAsync<CampaignUploadRejectedException>(() => uploads.HandleAsync(NewCampaign(), new StringReader("ok.com\nfoo.notatld\n"), null, default));
        var e = await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(
            NewCampaign(), new StringReader(string.Join('\n', Enumerable.Range(0, 11).Select(i => $"n{i}.com"))), null, default, maxLines: 10));
        e.Reason.ShouldContain("more than 10 lines");
        await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(
            NewCampaign() with { NewCampaign = new CampaignDraft("x", Tlp.Amber, DateTimeOffset.UtcNow.AddDays(-1), CampaignAction.Block) },
            new StringReader("ok.com"), null, default));
        await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(
            CampaignUploadTarget.AddTo(s_staff, "handler", Guid.NewGuid(), new DateOnly(2020, 1, 1)), new StringReader("ok.com"), null, default));

        foreach (var table in new[] { "campaigns", "campaign_uploads", "campaign_requests", "campaign_names", "notification_directives" })
        {
            (await CountAsync(db, $"SELECT count(*) FROM {table}")).ShouldBe(0, table);
        }
    }

    [Fact]
    public async Task Campaigns_are_read_through_the_visibility_predicate()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await ImportConfickerRegistriesAsync(db);
        var store = Store(db);
        var uploads = Uploads(db, store);
        var amber = await uploads.HandleAsync(NewCampaign("amber"), new StringReader("a.com"), null, default);
        var red = await uploads.HandleAsync(NewCampaign("red", Tlp.Red), new StringReader("b.com"), null, default);
        var constituent = Viewer.Person(Guid.NewGuid(), Guid.NewGuid(), Roles.Constituent);
        var administrator = Viewer.Person(Guid.NewGuid(), null, Roles.Administrator);

        (await store.ListAsync(s_staff, default)).Select(c => c.Name).ShouldBe(["red", "amber"]);
        (await store.ListAsync(administrator, default)).Select(c => c.Name).ShouldBe(["amber"]);
        (await store.GetAsync(administrator, red.CampaignId, default)).ShouldBeNull();
        (await store.ListAsync(constituent, default)).ShouldBeEmpty();
        (await store.GetAsync(constituent, amber.CampaignId, default)).ShouldBeNull();
        await Should.ThrowAsync<ValidationException>(() => uploads.HandleAsync(
            CampaignUploadTarget.AddTo(constituent, "someone", amber.CampaignId, new DateOnly(2020, 1, 2)), new StringReader("c.com"), null, default));
    }
}
