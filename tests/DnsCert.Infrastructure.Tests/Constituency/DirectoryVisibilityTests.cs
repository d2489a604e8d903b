using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Constituency;

/// <summary>
/// Joined reads of the directory — search counts and text, relationships, history, reach reports — apply the one
/// visibility predicate to every table they show or count, not only to the organisation.
/// </summary>
public class DirectoryVisibilityTests
{
    private static readonly DirectoryActor s_actor = new(null, "test", null);
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);

    private sealed record World(NpgsqlDataSource Db, DirectoryRepository Repository, DirectoryService Service, Guid Registry, Guid Other,
        Guid VisibleContact, Guid HiddenContact) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private static ContactInput Contact(string name, string email) =>
        new(name, false, [ContactRole.Emergency], email, null, "en", null, null, null);

    /// <summary>A registry with one ordinary contact and one TLP:RED contact, one ordinary and one TLP:AMBER asset.</summary>
    private static async Task<World> SetUpAsync()
    {
        var db = await MigratedDatabase.CreateAsync();
        var repository = new DirectoryRepository(db, TimeProvider.System);
        var service = new DirectoryService(repository, new OpenPgpKeyReader());
        var registry = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Hidden Things Registry", OrganisationKind.CcTldRegistry,
            IcannRegion.Europe, "FR", ["fr"], "Europe/Paris", false), s_actor, default);
        var other = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Other Org", OrganisationKind.Registrar,
            IcannRegion.Europe, "FR", ["fr"], "Europe/Paris", false), s_actor, default);
        var visible = (await service.SaveContactAsync(s_staff, registry, null, Contact("Ordinary", "ordinary@registry.test"), s_actor, default)).ContactId!.Value;
        var hidden = (await service.SaveContactAsync(s_staff, registry, null, Contact("Secret Person", "secret@registry.test"), s_actor, default)).ContactId!.Value;
        await service.AddAssetAsync(s_staff, registry, AssetKind.Zone, "open.test.", s_actor, default);
        await service.AddAssetAsync(s_staff, registry, AssetKind.Zone, "hushhush.test.", s_actor, default);
        await using (var restrict = db.CreateCommand("UPDATE contacts SET tlp = 4, recipient_organisations = '{}' WHERE id = $1"))
        {
            restrict.Parameters.Add(new NpgsqlParameter { Value = hidden });
            await restrict.ExecuteNonQueryAsync();
        }

        await using (var restrict = db.CreateCommand("UPDATE assets SET tlp = 2, recipient_organisations = '{}' WHERE value LIKE 'hushhush%'"))
        {
            await restrict.ExecuteNonQueryAsync();
        }

        return new World(db, repository, service, registry, other, visible, hidden);
    }

    [Fact]
    public async Task Search_counts_and_text_see_only_visible_contacts_and_assets()
    {
        await using var w = await SetUpAsync();
        var own = Viewer.Person(Guid.NewGuid(), w.Registry, Roles.Constituent);
        var stranger = Viewer.Person(Guid.NewGuid(), w.Other, Roles.Constituent);

        async Task<OrganisationSummary?> Find(Viewer viewer, string text) =>
            (await w.Repository.SearchAsync(viewer, new DirectorySearch(Text: text), default)).SingleOrDefault(o => o.Id == w.Registry);

        // Staff (AMBER) see both assets; nobody but a named recipient sees the TLP:RED contact.
        (await Find(s_staff, "hidden things"))!.ShouldSatisfyAllConditions(o => o.Assets.ShouldBe(2), o => o.Contacts.ShouldBe(1));
        (await Find(own, "hidden things"))!.ShouldSatisfyAllConditions(o => o.Assets.ShouldBe(1), o => o.Contacts.ShouldBe(1));
        (await Find(stranger, "hidden things"))!.ShouldSatisfyAllConditions(o => o.Assets.ShouldBe(1), o => o.Contacts.ShouldBe(0));

        (await Find(s_staff, "hushhush")).ShouldNotBeNull();
        (await Find(stranger, "hushhush")).ShouldBeNull("a text match on a hidden asset would reveal it");
        (await Find(own, "open.test")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Relationships_do_not_name_an_organisation_the_viewer_may_not_see()
    {
        await using var w = await SetUpAsync();
        var backEnd = await w.Service.CreateOrganisationAsync(s_staff, new OrganisationInput("Quiet Back End", OrganisationKind.RegistryBackEndOperator,
            IcannRegion.Europe, "IE", ["en"], "Europe/Dublin", false), s_actor, default);
        await w.Repository.SetBackEndOperatorAsync(w.Registry, backEnd, s_actor, default);
        await w.Repository.AddAccreditationAsync(w.Registry, backEnd, s_actor, default);
        await using (var restrict = w.Db.CreateCommand("UPDATE organisations SET tlp = 2 WHERE id = $1"))
        {
            restrict.Parameters.Add(new NpgsqlParameter { Value = backEnd });
            await restrict.ExecuteNonQueryAsync();
        }

        var staffView = (await w.Repository.GetAsync(s_staff, w.Registry, default))!;
        staffView.BackEndOperatorName.ShouldBe("Quiet Back End");
        staffView.AccreditedRegistrars.Count.ShouldBe(1);
        var constituentView = (await w.Repository.GetAsync(Viewer.Person(Guid.NewGuid(), w.Registry, Roles.Constituent), w.Registry, default))!;
        constituentView.BackEndOperatorName.ShouldBeNull();
        constituentView.AccreditedRegistrars.ShouldBeEmpty();
    }

    [Fact]
    public async Task History_shows_contact_entries_only_to_whom_may_see_the_contact()
    {
        await using var w = await SetUpAsync();
        var own = Viewer.Person(Guid.NewGuid(), w.Registry, Roles.Constituent);
        var stranger = Viewer.Person(Guid.NewGuid(), w.Other, Roles.Constituent);
        await w.Service.SaveContactAsync(own, w.Registry, null, Contact("Requested", "requested@registry.test"), s_actor, default);

        static IEnumerable<string?> Emails(IReadOnlyList<DirectoryHistoryEntry> history) =>
            history.Where(h => h.Action.StartsWith("contact.", StringComparison.Ordinal)).Select(h => h.Details.GetValueOrDefault("email"));

        var staffHistory = await w.Repository.HistoryAsync(s_staff, w.Registry, default);
        Emails(staffHistory).ShouldBe(["requested@registry.test", "ordinary@registry.test"], ignoreOrder: true);
        staffHistory.ShouldContain(h => h.Action == "organisation.created");
        Emails(await w.Repository.HistoryAsync(own, w.Registry, default)).ShouldBe(["requested@registry.test", "ordinary@registry.test"], ignoreOrder: true);
        var strangerHistory = await w.Repository.HistoryAsync(stranger, w.Registry, default);
        Emails(strangerHistory).ShouldBeEmpty();
        strangerHistory.ShouldContain(h => h.Action == "organisation.created");
        (await w.Repository.HistoryAsync(Viewer.Public, w.Registry, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Reach_reports_list_and_count_only_visible_contacts()
    {
        await using var w = await SetUpAsync();
        var store = new ReachTestStore(w.Db);
        var reach = new ReachTestService(store, new NoMail(), TimeProvider.System);
        var campaign = await reach.StartAsync("Visibility", [w.Registry], new Uri("https://dnscert.example/"), s_actor, default);
        var creator = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);

        var report = (await reach.ReportAsync(s_staff, campaign, default))!;
        report.Recipients.Select(r => r.Email).ShouldBe(["ordinary@registry.test"]);
        report.Campaign.Recipients.ShouldBe(1);
        report.Stale.Select(s => s.Email).ShouldBe(["ordinary@registry.test"]);
        (await store.ListAsync(creator, default)).Single().Recipients.ShouldBe(1);

        // The named recipient of the TLP:RED contact sees it, in the list and in the count.
        var named = Guid.NewGuid();
        await using (var share = w.Db.CreateCommand("UPDATE contacts SET recipient_users = ARRAY[$1] WHERE id = $2"))
        {
            share.Parameters.Add(new NpgsqlParameter { Value = named });
            share.Parameters.Add(new NpgsqlParameter { Value = w.HiddenContact });
            await share.ExecuteNonQueryAsync();
        }

        var namedReport = (await reach.ReportAsync(Viewer.Person(named, null, Roles.DutyOfficer), campaign, default))!;
        namedReport.Campaign.Recipients.ShouldBe(2);
        namedReport.Recipients.Select(r => r.Email).ShouldBe(["ordinary@registry.test", "secret@registry.test"], ignoreOrder: true);
    }

    private sealed class NoMail : IReachMailer
    {
        public Task SendAsync(ReachMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
