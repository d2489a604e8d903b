using System.CommandLine;
using DnsCert.Cli.Commands;

var root = new RootCommand("DnsCert: operations platform of a DNS security coordination center.");
root.Subcommands.Add(DatabaseCommands.Create());
root.Subcommands.Add(AdminCommands.Create());
root.Subcommands.Add(AuditCommands.Create());
root.Subcommands.Add(LabCommands.Create());
root.Subcommands.Add(MailgateCommand.Create());
root.Subcommands.Add(QueryCommand.Create());
root.Subcommands.Add(ZoneCommands.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
root.Subcommands.Add(MonitorCommands.Create());
root.Subcommands.Add(DirectoryCommands.Create());
root.Subcommands.Add(RouteCommand.Create());
root.Subcommands.Add(DutyCommands.Create());
root.Subcommands.Add(CampaignCommands.Create());
return await root.Parse(args, QueryCommand.ParserConfiguration).InvokeAsync();
