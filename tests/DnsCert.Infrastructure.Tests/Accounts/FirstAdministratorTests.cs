using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Accounts;

namespace DnsCert.Infrastructure.Tests.Accounts;

public class FirstAdministratorTests
{
    [Fact]
    public async Task The_first_run_creates_an_administrator_whose_password_is_stored_only_as_a_hash()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var handler = new CreateFirstAdministratorHandler(new UserRepository(db), TimeProvider.System);

        var result = await handler.HandleAsync(new CreateFirstAdministratorCommand("admin", "ops@dns-cert.example"), default);

        result.Created.ShouldBeTrue();
        result.Password!.Length.ShouldBe(PasswordGenerator.DefaultLength);
        var stored = await new UserRepository(db).FindByUserNameAsync("ADMIN", default);
        stored.ShouldNotBeNull();
        stored.Roles.ShouldBe([Roles.Administrator]);
        stored.Email.ShouldBe("ops@dns-cert.example");
        stored.MustChangePassword.ShouldBeTrue();
        stored.PasswordHash.ShouldNotBeNull().ShouldNotContain(result.Password);
        PasswordHasher.Verify(result.Password, stored.PasswordHash).ShouldBeTrue();
        await using var audit = db.CreateCommand("SELECT action || ' ' || target_id || ' ' || actor FROM audit_log");
        ((string)(await audit.ExecuteScalarAsync())!).ShouldBe($"user.created {stored.Id} system");
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_reveals_no_password()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var handler = new CreateFirstAdministratorHandler(new UserRepository(db), TimeProvider.System);
        var first = await handler.HandleAsync(new CreateFirstAdministratorCommand("admin", null), default);

        var second = await handler.HandleAsync(new CreateFirstAdministratorCommand("someone-else", null), default);

        second.ShouldBe(new CreateFirstAdministratorResult(false, "admin", null));
        await using var count = db.CreateCommand("SELECT count(*) FROM users");
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(1);
        var stored = await new UserRepository(db).FindByUserNameAsync("admin", default);
        PasswordHasher.Verify(first.Password!, stored!.PasswordHash!).ShouldBeTrue();
    }

    [Fact]
    public async Task Concurrent_runs_create_exactly_one_administrator()
    {
        await using var db = await MigratedDatabase.CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => Task.Run(() =>
            new CreateFirstAdministratorHandler(new UserRepository(db), TimeProvider.System)
                .HandleAsync(new CreateFirstAdministratorCommand($"admin{i}", null), default))));

        results.Count(r => r.Created).ShouldBe(1);
        results.Select(r => r.UserName).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_bad_user_name_writes_nothing()
    {
        await using var db = await MigratedDatabase.CreateAsync();
        var handler = new CreateFirstAdministratorHandler(new UserRepository(db), TimeProvider.System);

        await Should.ThrowAsync<Core.ValidationException>(() => handler.HandleAsync(new CreateFirstAdministratorCommand("bad name", null), default));

        await using var count = db.CreateCommand("SELECT count(*) FROM users");
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0);
    }
}
