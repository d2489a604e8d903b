using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Constituency;

/// <summary>Export and reach start have no cap: more organisations than the search page's limit (5,000) all come through.</summary>
public class DirectoryScaleTests
{
    private const int Organisations = 5_321;

    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);

    /// <summary>Generated in two set-based statements (seconds, not minutes): one registry and one 24x7 contact each.</summary>
    private static async Task<NpgsqlDataSource> GeneratedAsync()
    {
        var db = await MigratedDatabase.CreateAsync();
        await using var organisations = db.CreateCommand($"""
            INSERT INTO organisations (id, name, kind, region, languages, created_at)
            SELECT gen_random_uuid(), 'Generated ' || lpad(i::text, 5, '0'), 'cctld-registry', 'europe', ARRAY['fr'], now()
            FROM generate_series(1, {Organisations}) i
            """);
        await organisations.ExecuteNonQueryAsync();
        await using var contacts = db.CreateCommand("""
            INSERT INTO contacts (id, organisation_id, name, roles, email, recipient_organisations, created_at, updated_at)
            SELECT gen_random_uuid(), o.id, 'NOC', '{emergency}', 'noc-' || replace(o.name, ' ', '-') || '@example.org', ARRAY[o.id], now(), now()
            FROM organisations o
            """);
        await contacts.ExecuteNonQueryAsync();
        return db;
    }

    [Fact]
    public async Task Export_streams_every_organisation_in_name_order_with_its_contacts()
    {
        await using var db = await GeneratedAsync();
        var repository = new DirectoryRepository(db, TimeProvider.System);

        var names = new List<string>();
        var contacts = 0;
        await foreach (var details in repository.ExportAsync(s_staff, default))
        {
            names.Add(details.Organisation.Name);
            contacts += details.Contacts.Count;
            details.Contacts.ShouldAllBe(c => c.OrganisationId == details.Organisation.Id);
        }

        names.Count.ShouldBe(Organisations);
        names.ShouldBe([.. Enumerable.Range(1, Organisations).Select(i => $"Generated {i:D5}")]);
        contacts.ShouldBe(Organisations);

        // The same export as a constituent: every (TLP:GREEN) organisation, only its own (TLP:AMBER) contact.
        var own = (await repository.SearchAsync(s_staff, new DirectorySearch(Text: "Generated 04711"), default)).Single().Id;
        var seen = 0;
        await foreach (var details in repository.ExportAsync(Viewer.Person(Guid.NewGuid(), own, Roles.Constituent), default))
        {
            seen++;
            details.Contacts.Count.ShouldBe(details.Organisation.Id == own ? 1 : 0);
        }

        seen.ShouldBe(Organisations);
    }

    [Fact]
    public async Task A_reach_test_to_a_kind_addresses_every_organisation_of_it()
    {
        await using var db = await GeneratedAsync();
        var repository = new DirectoryRepository(db, TimeProvider.System);
        var ids = new List<Guid>();
        await foreach (var id in repository.OrganisationIdsAsync(s_staff, OrganisationKind.CcTldRegistry, default))
        {
            ids.Add(id);
        }

        ids.Count.ShouldBe(Organisations);
        var mailer = new CountingMailer();
        var reach = new ReachTestService(new ReachTestStore(db), mailer, TimeProvider.System);

        var campaign = await reach.StartAsync("Everyone", ids, new Uri("https://dnscert.example/"), new DirectoryActor(null, "test", null), default);

        mailer.Count.ShouldBe(Organisations);
        var report = (await reach.ReportAsync(s_staff, campaign, default))!;
        report.Campaign.Recipients.ShouldBe(Organisations);
        report.Recipients.Select(r => r.OrganisationId).Distinct().Count().ShouldBe(Organisations);
        (await repository.OrganisationIdsAsync(s_staff, OrganisationKind.Registrar, default).CountAsync()).ShouldBe(0);
    }

    private sealed class CountingMailer : IReachMailer
    {
        public int Count { get; private set; }

        public Task SendAsync(ReachMessage message, CancellationToken cancellationToken)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
