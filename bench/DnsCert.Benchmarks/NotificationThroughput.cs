using System.Diagnostics;
using System.Globalization;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;

namespace DnsCert.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/DnsCert.Benchmarks -- notifications [count]</c>: messages per second
/// rendered, rendered + signed (RSA-2048 team key made by gpg in a throw-away home), and rendered + signed + handed
/// to a local SMTP server (aiosmtpd writing a Maildir, tests/DnsCert.TestSupport/smtp_sink.py), one connection.
/// </summary>
public static class NotificationThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "DnsCert.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var home = Directory.CreateTempSubdirectory("bench-gnupg-").FullName;
        var maildir = Directory.CreateTempSubdirectory("bench-maildir-").FullName;
        await RunProcessAsync("gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "pw", "--quick-gen-key", "Bench <bench@dnscert.test>", "rsa2048", "sign", "never");
        var secret = await RunProcessAsync("gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "pw", "--armor", "--export-secret-keys", "bench@dnscert.test");
        using var keyStream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(secret));
        var signer = OpenPgpSigner.Load(keyStream, "pw");

        var port = 20000 + Random.Shared.Next(20000);
        using var sink = Process.Start(new ProcessStartInfo("/usr/bin/python3",
            [Path.Combine(root, "tests", "DnsCert.TestSupport", "smtp_sink.py"), "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), maildir])
        { RedirectStandardOutput = true })!;
        await sink.StandardOutput.ReadLineAsync();

        var items = Enumerable.Range(0, 5).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["zone"] = $"zone{i}.test.",
            ["check"] = "dnssec-signature-expiry",
            ["severity"] = "critical",
            ["detail"] = "RRSIG expires in 3 h",
            ["observed"] = "2026-11-21 08:00 UTC",
        }).ToList();
        var recipient = new Recipient("noc@operator.test", "NOC", ["fr"], null);
        var now = DateTimeOffset.UtcNow;

        Mark();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            NotificationRenderer.Render(NotificationKind.Finding, Tlp.Amber, "fr", i, items);
        }

        Report("rendered", count, clock.Elapsed);
        var composer = new MessageComposer(signer);
        clock.Restart();
        for (var i = 0; i < count; i++)
        {
            composer.Compose(new MailEnvelope("team@dnscert.test", "DNS-CERT", recipient, $"b{i}@dnscert.test", i, now),
                NotificationRenderer.Render(NotificationKind.Finding, Tlp.Amber, "fr", i, items));
        }

        Report("rendered + signed", count, clock.Elapsed);
        await using (var smtp = await SmtpClient.ConnectAsync(new SmtpEndpoint("127.0.0.1", port, StartTlsPolicy.Never, "bench",
                         TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)), default))
        {
            Mark();
            clock.Restart();
            for (var i = 0; i < count; i++)
            {
                var message = composer.Compose(new MailEnvelope("team@dnscert.test", "DNS-CERT", recipient, $"s{i}@dnscert.test", i, now),
                    NotificationRenderer.Render(NotificationKind.Finding, Tlp.Amber, "fr", i, items));
                await smtp.SendAsync("team@dnscert.test", ["noc@operator.test"], message, null, default);
            }

            Report("rendered + signed + sent", count, clock.Elapsed);
            await smtp.QuitAsync(default);
        }

        sink.Kill();
        Directory.Delete(home, true);
        Directory.Delete(maildir, true);
        return 0;
    }

    private static TimeSpan s_cpu;

    private static void Mark() => s_cpu = Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Wall time and this process's CPU time: the machine is shared, so CPU per message is the steadier figure.</summary>
    private static void Report(string what, int count, TimeSpan elapsed)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var used = cpu - s_cpu;
        s_cpu = cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-28} {count,6} messages {elapsed.TotalSeconds,8:0.00} s wall {count / elapsed.TotalSeconds,8:0} msg/s   CPU {used.TotalMilliseconds * 1000 / count,8:0} µs/msg"));
    }

    private static async Task<string> RunProcessAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException(file + " failed: " + await process.StandardError.ReadToEndAsync());
    }
}
