using DnsCert.TestSupport;

namespace DnsCert.E2E;

/// <summary>
/// <see cref="ConsoleServer"/> whose notification outbox sends through a real SMTP server (aiosmtpd storing into a
/// Maildir), configured through the environment exactly as an operator would (DNSCERT_Notifications__…).
/// </summary>
public class MailingConsoleServer : ConsoleServer
{
    public SmtpSink Mail { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Mail = await SmtpSink.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Mail is not null)
        {
            await Mail.DisposeAsync();
        }
    }

    protected override void Configure(Dictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["DNSCERT_Notifications__Enabled"] = "true";
        environment["DNSCERT_Notifications__FromAddress"] = "duty@dnscert.test";
        environment["DNSCERT_Notifications__Smtp__Host"] = Mail.Host;
        environment["DNSCERT_Notifications__Smtp__Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["DNSCERT_Notifications__Smtp__StartTls"] = "Never";
        environment["DNSCERT_Notifications__Outbox__PollSeconds"] = "0.5";
    }
}
