using System.Text.Json;
using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Campaigns;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Campaigns;

/// <summary>The loop back from the registries: outcomes per name by the portal token, then DNS checks judged against them.</summary>
public class CampaignReportTests
{
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);

    private static async Task<string> TokenOfAsync(NpgsqlDataSource db, string organisationName)
    {
        await using var command = db.CreateCommand("""
            SELECT d.item::text FROM notification_directives d JOIN organisations o ON o.id = d.organisation_id
            WHERE d.kind = 'campaign-request' AND o.name = $1
            """);
        command.Parameters.AddWithValue(organisationName);
        var item = JsonSerializer.Deserialize<Dictionary<string, string>>((string)(await command.ExecuteScalarAsync())!)!;
        return item["link"][(item["link"].LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task A_registry_reports_by_its_link_and_the_dns_check_verifies_or_contradicts_only_what_was_reported()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        await CampaignStoreTests.ImportConfickerRegistriesAsync(db);
        var store = CampaignStoreTests.Store(db);
        var created = await CampaignStoreTests.Uploads(db, store).HandleAsync(
            CampaignUploadTarget.Create(s_staff, "duty", new CampaignDraft("loop", Tlp.Amber, DateTimeOffset.UtcNow.AddDays(1), CampaignAction.Block), new DateOnly(2020, 1, 1)),
            new StringReader("a.com\nb.com\nc.com\nd.com\ne.org\n"), null, default);
        var requests = new CampaignRequestStore(db, TimeProvider.System);

        var token = await TokenOfAsync(db, "Registry com");
        var request = (await requests.FindByTokenAsync(token, default))!;
        request.OrganisationName.ShouldBe("Registry com");
        request.Names.Select(n => n.Name).ShouldBe(["a.com.", "b.com.", "c.com.", "d.com."]);
        (await requests.FindByTokenAsync(token[..^2] + "xx", default)).ShouldBeNull();

        // A name of another registry's slice refuses the whole report.
        var refused = await Should.ThrowAsync<ValidationException>(() => requests.ReportAsync(request.RequestId,
            [new("a.com", NameOutcome.Actioned), new("e.org", NameOutcome.Actioned)], "registry", default));
        refused.Reason.ShouldContain("not in this request: e.org.");
        (await requests.FindByTokenAsync(token, default))!.Names.ShouldAllBe(n => n.Status == NameStatus.Requested);

        (await requests.ReportAsync(request.RequestId, [new("A.com.", NameOutcome.Actioned), new("b.com", NameOutcome.Actioned),
            new("c.com", NameOutcome.Actioned), new("d.com", NameOutcome.Refused, "registered to a bank")], "registry", default)).ShouldBe(4);

        // The DNS: a and b out of the zone, c still delegated (the registry said otherwise), d delegated (refused, so
        // not judged), e (nothing reported) out of the zone.
        var work = (await requests.NamesToVerifyAsync(s_staff, created.CampaignId, default))!;
        work.Names.Count.ShouldBe(5);
        var dns = new Dictionary<string, DnsState>
        {
            ["a.com."] = DnsState.NxDomain,
            ["b.com."] = DnsState.Held,
            ["c.com."] = DnsState.Delegated,
            ["d.com."] = DnsState.Delegated,
            ["e.org."] = DnsState.NxDomain,
        };
        await requests.RecordChecksAsync(created.CampaignId, [.. work.Names.Select(n =>
            new CheckedName(n.Name, dns[n.Name], "test", CampaignVerifier.Judge(n.Status, work.Action, dns[n.Name])))], default);

        var after = (await requests.GetAsync(s_staff, request.RequestId, default))!;
        after.Names.Select(n => n.Status).ShouldBe([NameStatus.Verified, NameStatus.Verified, NameStatus.Contradicted, NameStatus.Acknowledged]);
        after.Names[3].ReportedOutcome.ShouldBe("refused: registered to a bank");
        after.Names[2].DnsState.ShouldBe("delegated");

        var view = (await store.GetAsync(s_staff, created.CampaignId, default))!;
        // Laggards first: org has done nothing, com is mostly verified.
        view.Registries.Select(r => r.OrganisationName).ShouldBe(["Registry org", "Registry com"]);
        var com = view.Registries[1];
        (com.Verified, com.Contradicted, com.Acknowledged, com.Requested).ShouldBe((2L, 1L, 1L, 0L));
        view.Registries[0].Requested.ShouldBe(1);

        (await requests.GetAsync(Viewer.Person(Guid.NewGuid(), Guid.NewGuid(), Roles.Constituent), request.RequestId, default)).ShouldBeNull();
        (await requests.NamesToVerifyAsync(Viewer.Person(Guid.NewGuid(), Guid.NewGuid(), Roles.Constituent), created.CampaignId, default)).ShouldBeNull();
    }
}
