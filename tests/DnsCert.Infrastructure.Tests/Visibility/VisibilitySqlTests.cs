using DnsCert.Core.Accounts;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Visibility;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Visibility;

/// <summary>The SQL form of the predicate must select exactly the rows the in-memory form allows, for every viewer.</summary>
public class VisibilitySqlTests
{
    private static readonly Guid[] s_orgs = [.. Enumerable.Range(1, 4).Select(i => new Guid($"00000000-0000-0000-0000-0000000000a{i}"))];
    private static readonly Guid[] s_users = [.. Enumerable.Range(1, 4).Select(i => new Guid($"00000000-0000-0000-0000-00000000000{i}"))];

    private static List<(int Id, VisibilityTarget Target)> RandomRecords(int count, int seed)
    {
        var random = new Random(seed);
        Guid[] Subset(Guid[] from) => [.. from.Where(_ => random.Next(3) == 0)];
        return [.. Enumerable.Range(1, count).Select(id => (id, new VisibilityTarget(
            (Tlp)random.Next(5),
            Subset(s_orgs),
            Subset(s_users),
            random.Next(3) == 0 ? s_users[random.Next(s_users.Length)] : null)))];
    }

    private static IEnumerable<Viewer> AllViewers()
    {
        yield return Viewer.Public;
        foreach (var role in Roles.All.Append("no-role"))
        {
            foreach (Guid? org in s_orgs.Cast<Guid?>().Append(null))
            {
                foreach (var user in s_users)
                {
                    yield return role == "no-role" ? Viewer.Person(user, org) : Viewer.Person(user, org, role);
                }
            }
        }

        yield return Viewer.Person(s_users[0], s_orgs[0], Roles.Constituent, Roles.Analyst);
    }

    [Fact]
    public async Task Sql_and_memory_agree_for_every_viewer_over_random_records()
    {
        var records = RandomRecords(600, seed: 20261121);
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await using (var create = db.CreateCommand(
            "CREATE TABLE items (id int PRIMARY KEY, tlp smallint NOT NULL, recipient_organisations uuid[] NOT NULL, recipient_users uuid[] NOT NULL, created_by uuid)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var writer = await (await db.OpenConnectionAsync()).BeginBinaryImportAsync(
            "COPY items (id, tlp, recipient_organisations, recipient_users, created_by) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, t) in records)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(id);
                await writer.WriteAsync((short)t.Tlp);
                await writer.WriteAsync(t.RecipientOrganisations.ToArray());
                await writer.WriteAsync(t.RecipientUsers.ToArray());
                if (t.CreatedBy is { } c)
                {
                    await writer.WriteAsync(c);
                }
                else
                {
                    await writer.WriteNullAsync();
                }
            }

            await writer.CompleteAsync();
        }

        var viewers = AllViewers().ToList();
        var checkedViewers = 0;
        await using var connection = await db.OpenConnectionAsync();
        foreach (var viewer in viewers)
        {
            var filter = VisibilityPolicy.For(viewer);
            await using var query = new NpgsqlCommand { Connection = connection };
            query.CommandText = "SELECT id FROM items WHERE " + VisibilitySql.Condition(filter, query) + " ORDER BY id";
            var fromSql = new List<int>();
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    fromSql.Add(reader.GetInt32(0));
                }
            }

            var fromMemory = records.Where(r => filter.Allows(r.Target)).Select(r => r.Id).ToList();
            fromSql.ShouldBe(fromMemory, $"viewer {viewer.UserId} [{string.Join(",", viewer.Roles)}] org {viewer.OrganisationId}");

            // A joined query applies the one predicate to both tables through their aliases (as the directory's search
            // counts an organisation's visible contacts): each parent with the number of its visible children.
            await using var joined = new NpgsqlCommand { Connection = connection };
            var parent = VisibilitySql.Condition(filter, joined, alias: "p");
            var child = VisibilitySql.Condition(filter, joined, alias: "c");
            joined.CommandText = $"SELECT p.id, (SELECT count(*) FROM items c WHERE c.id % 10 = p.id % 10 AND c.id <> p.id AND {child})::int FROM items p WHERE {parent} ORDER BY p.id";
            var joinedSql = new List<(int, int)>();
            await using (var reader = await joined.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    joinedSql.Add((reader.GetInt32(0), reader.GetInt32(1)));
                }
            }

            joinedSql.ShouldBe([.. records.Where(r => filter.Allows(r.Target))
                .Select(r => (r.Id, records.Count(c => c.Id % 10 == r.Id % 10 && c.Id != r.Id && filter.Allows(c.Target))))]);
            checkedViewers++;
        }

        checkedViewers.ShouldBe(viewers.Count);
        viewers.Count.ShouldBeGreaterThan(150);
    }

    [Fact]
    public void A_filter_that_grants_nothing_renders_false()
    {
        using var command = new NpgsqlCommand();

        VisibilitySql.Condition(new VisibilityFilter(null, null, null, null), command).ShouldBe("(FALSE)");
        command.Parameters.Count.ShouldBe(0);
    }

    [Fact]
    public void Column_names_that_are_not_plain_identifiers_are_refused()
    {
        using var command = new NpgsqlCommand();

        Should.Throw<ArgumentException>(() =>
            VisibilitySql.Condition(VisibilityPolicy.For(Viewer.Public), command, new VisibilityColumns(Tlp: "tlp; DROP TABLE x")));
    }

    [Fact]
    public void An_alias_qualifies_the_columns_and_names_the_parameters()
    {
        using var command = new NpgsqlCommand();
        var filter = VisibilityPolicy.For(Viewer.Person(s_users[0], s_orgs[0], Roles.Constituent));

        var contacts = VisibilitySql.Condition(filter, command, alias: "c");
        var assets = VisibilitySql.Condition(filter, command, alias: "a");
        VisibilitySql.Condition(filter, command, alias: "a");

        contacts.ShouldBe("(c.tlp <= @vis_c_anyone OR (c.tlp <= @vis_c_own AND @vis_c_org = ANY(c.recipient_organisations)) OR @vis_c_user = ANY(c.recipient_users) OR c.created_by IS NOT DISTINCT FROM @vis_c_user)");
        assets.ShouldStartWith("(a.tlp <= @vis_a_anyone OR");
        command.Parameters.Count.ShouldBe(8, "four per alias, reused when the same alias is asked twice");
        Should.Throw<ArgumentException>(() => VisibilitySql.Condition(filter, command, alias: "c; DROP"));
    }
}
