using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.Lab;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert lab registry</c>: the lab's registries answering campaign coordination requests (issue 11) the way a real
/// registry does. It reads the requests delivered to a Maildir, opens each request's link (the slice as CSV),
/// acknowledges, acts on its lab TLD zone (block and suspend take the delegation out: NXDOMAIN; sinkhole delegates to
/// the agreed sinkhole name servers) through the real servers, and reports every name as done on the same link. For
/// tests it can lie (report names done without touching the zone) and ignore registries (their mail stays unread).
/// </summary>
internal static partial class LabRegistryCommand
{
    /// <summary>File in the Maildir's root listing the request links already answered (several contacts get the same request).</summary>
    public const string AnsweredFile = ".dnscert-registry-answered";

    public static Command Create()
    {
        var maildir = new Option<string>("--maildir") { Required = true, Description = "Maildir the registries' mail is delivered to (new/ is read, answered mail moves to cur/)" };
        var ignore = new Option<string[]>("--ignore") { Description = "TLD whose registry never answers (repeatable): its requests stay unread", AllowMultipleArgumentsPerToken = true };
        var lies = new Option<string?>("--lies") { Description = "File of names (one a line) reported done without any change to the zone" };
        var insecure = new Option<bool>("--insecure") { Description = "Accept any TLS certificate on the request links (a lab server's own certificate)" };
        var watch = new Option<double>("--watch") { Description = "Keep reading new mail every this many seconds (default: answer what is there, then exit)" };
        var command = new Command("registry", "Lab registry simulator: answer campaign requests from a Maildir by changing the lab's TLD zones.");
        command.Options.Add(maildir);
        command.Options.Add(ignore);
        command.Options.Add(lies);
        command.Options.Add(insecure);
        command.Options.Add(watch);
        command.SetAction(async (p, ct) =>
        {
            try
            {
                var lab = LabUniverse.Open(LabCommands.Dir(p));
                var lied = p.GetValue(lies) is { } file
                    ? (await File.ReadAllLinesAsync(file, ct)).Select(Key).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
                    : [];
                var ignored = (p.GetValue(ignore) ?? []).Select(t => t.Trim().TrimStart('.').ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
                using var handler = new HttpClientHandler();
                if (p.GetValue(insecure))
                {
                    handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
                }

                using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
                var simulator = new Simulator(lab, p.GetValue(maildir)!, ignored, lied, http);
                do
                {
                    await simulator.AnswerAsync(ct);
                    if (p.GetValue(watch) > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(p.GetValue(watch)), ct);
                    }
                }
                while (p.GetValue(watch) > 0 && !ct.IsCancellationRequested);

                return 0;
            }
            catch (LabException e)
            {
                await Console.Error.WriteLineAsync("dnscert: lab: " + e.Message);
                return 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync("dnscert: registry: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static string Key(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    /// <summary>What a request mail asks: the link to the slice and the action (with the sinkhole servers or registrar).</summary>
    public sealed record RequestMail(string File, Uri Link, string Action, IReadOnlyList<string> Detail);

    /// <summary>Reads a coordination request (null: not one): the link and the "Action requested: block" line, in any language.</summary>
    public static RequestMail? Read(string file, byte[] raw)
    {
        string? text;
        try
        {
            text = MailEntity.Parse(raw).PlainText();
        }
        catch (MalformedMailException)
        {
            return null;
        }

        if (text is null || RequestLink().Match(text) is not { Success: true } link || ActionLine().Match(text) is not { Success: true } action)
        {
            return null;
        }

        var detail = action.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new RequestMail(file, new Uri(link.Value), action.Groups[1].Value, detail);
    }

    [GeneratedRegex(@"https?://\S+/campaigns/requests/[A-Za-z0-9_\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex RequestLink();

    // The template's "Action requested: {{action}} {{detail}}" line; the label is translated, the action code is not.
    [GeneratedRegex(@"^[^:\r\n]*:\s*(block|suspend|sinkhole|transfer)\s*(?:\(([^)\r\n]*)\))?\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ActionLine();

    private sealed class Simulator(LabUniverse lab, string maildir, IReadOnlySet<string> ignored, IReadOnlySet<string> lied, HttpClient http)
    {
        public async Task AnswerAsync(CancellationToken ct)
        {
            var answeredFile = Path.Combine(maildir, AnsweredFile);
            var answered = File.Exists(answeredFile) ? (await File.ReadAllLinesAsync(answeredFile, ct)).ToHashSet(StringComparer.Ordinal) : [];
            var work = new List<(RequestMail Mail, List<string> Names)>();
            var fresh = Path.Combine(maildir, "new");
            foreach (var file in Directory.Exists(fresh) ? Directory.EnumerateFiles(fresh).Order(StringComparer.Ordinal).ToList() : [])
            {
                if (Read(file, await File.ReadAllBytesAsync(file, ct)) is not { } mail)
                {
                    continue; // Not a coordination request: another team's business.
                }

                if (answered.Contains(mail.Link.AbsoluteUri) || work.Any(w => w.Mail.Link == mail.Link))
                {
                    MarkRead(file); // The same request to another contact of the registry.
                    continue;
                }

                var names = await SliceAsync(mail.Link, ct);
                if (names.Any(n => ignored.Contains(n[(n.LastIndexOf('.') + 1)..])))
                {
                    Console.WriteLine($"ignored {Tlds(names)} names {names.Count}");
                    continue;
                }

                // Received: acknowledged first, as a registry's ticket system would.
                await ReportAsync(mail.Link, names, "acknowledged", ct);
                work.Add((mail, names));
            }

            if (work.Count == 0)
            {
                return;
            }

            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (mail, names) in work)
            {
                var change = mail.Action switch
                {
                    "block" or "suspend" => RegisteredNames.Removed,
                    "sinkhole" => RegisteredNames.SinkholePrefix + string.Join(' ', mail.Detail),
                    _ => null, // A transfer to another registrar leaves the DNS as it is.
                };
                foreach (var name in names.Where(n => change is not null && !lied.Contains(n) && lab.IsRegistered(n)))
                {
                    changes[name] = change;
                }
            }

            if (changes.Count > 0)
            {
                await lab.ChangeRegistrationsAsync(changes, ct);
            }

            foreach (var (mail, names) in work)
            {
                await ReportAsync(mail.Link, names, "done", ct);
                await File.AppendAllTextAsync(answeredFile, mail.Link.AbsoluteUri + "\n", ct);
                MarkRead(mail.File);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"answered {Tlds(names)} {mail.Action} names {names.Count} changed {names.Count(changes.ContainsKey)} lied {names.Count(lied.Contains)}"));
            }
        }

        private static string Tlds(List<string> names) =>
            string.Join(",", names.Select(n => n[(n.LastIndexOf('.') + 1)..]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

        private async Task<List<string>> SliceAsync(Uri link, CancellationToken ct)
        {
            var csv = await http.GetStringAsync(link, ct);
            return [.. csv.Split('\n').Skip(1).Select(l => Key(l.Split(',')[0])).Where(n => n.Length > 0)];
        }

        private async Task ReportAsync(Uri link, List<string> names, string outcome, CancellationToken ct)
        {
            var csv = new StringBuilder("name,outcome\n");
            foreach (var name in names)
            {
                csv.Append(name).Append(',').Append(outcome).Append('\n');
            }

            using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
            using var response = await http.PostAsync(link, content, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{outcome} for {link}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }

        private void MarkRead(string file)
        {
            var cur = Path.Combine(maildir, "cur");
            Directory.CreateDirectory(cur);
            File.Move(file, Path.Combine(cur, Path.GetFileName(file) + ":2,S"), overwrite: true);
        }
    }
}
