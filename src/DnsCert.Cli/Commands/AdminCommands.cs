using System.CommandLine;
using DnsCert.Core.Accounts;
using DnsCert.Infrastructure.Accounts;
using Spectre.Console;

namespace DnsCert.Cli.Commands;

/// <summary><c>dnscert admin init</c>: the first administrator of a fresh installation.</summary>
internal static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Administration of users and the installation.");
        admin.Options.Add(CliDatabase.Option);

        var userName = new Option<string>("--user") { Description = "User name of the first administrator.", DefaultValueFactory = _ => "admin" };
        var email = new Option<string?>("--email") { Description = "Mail address of the first administrator." };
        var init = new Command("init", "Create the first administrator and print its generated password once; does nothing when one exists.");
        init.Options.Add(userName);
        init.Options.Add(email);
        init.SetAction((parseResult, ct) => CliDatabase.RunAsync(async () =>
        {
            await using var dataSource = CliDatabase.Open(parseResult);
            var handler = new CreateFirstAdministratorHandler(new UserRepository(dataSource), TimeProvider.System);
            var result = await handler.HandleAsync(
                new CreateFirstAdministratorCommand(parseResult.GetValue(userName)!, parseResult.GetValue(email)), ct);
            if (result.Created)
            {
                AnsiConsole.MarkupLine("Created the first administrator. The password is shown [bold]only this once[/]:");
                Console.WriteLine($"  user:     {result.UserName}");
                Console.WriteLine($"  password: {result.Password}");
            }
            else
            {
                Console.WriteLine($"An administrator already exists ({result.UserName}); nothing changed.");
            }

            return 0;
        }));
        admin.Subcommands.Add(init);
        return admin;
    }
}
