using DnsCert.Core.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using Microsoft.Extensions.Options;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>Section <c>Notifications</c>. Secrets (SMTP password, key passphrase, webhook secret) come from the environment.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Off by default: a server without SMTP settings queues nothing and sends nothing.</summary>
    public bool Enabled { get; set; }

    public string FromAddress { get; set; } = "";

    public string FromName { get; set; } = "DNS-CERT";

    /// <summary>The right-hand side of our Message-IDs; defaults to the from-address's domain.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>The team's armoured OpenPGP secret key. Without it mail goes out unsigned (a warning at start).</summary>
    public string? TeamKeyPath { get; set; }

    /// <summary>Set it through <c>DNSCERT_Notifications__TeamKeyPassphrase</c>, never in a file.</summary>
    public string? TeamKeyPassphrase { get; set; }

    /// <summary>HMAC-SHA256 key for webhooks (<c>DNSCERT_Notifications__WebhookSecret</c>), at least 32 characters.</summary>
    public string? WebhookSecret { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public NotificationRulesOptions Rules { get; set; } = new();

    public string EffectiveMessageIdDomain => string.IsNullOrWhiteSpace(MessageIdDomain) ? FromAddress.Split('@')[^1] : MessageIdDomain;
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    public StartTlsPolicy StartTls { get; set; } = StartTlsPolicy.WhenOffered;

    public string? UserName { get; set; }

    /// <summary>Set it through <c>DNSCERT_Notifications__Smtp__Password</c>.</summary>
    public string? Password { get; set; }

    public string HeloName { get; set; } = "localhost";

    public int ConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>RFC 5321 §4.5.3.2 suggests 2–10 minutes per command; 5 minutes is the common middle.</summary>
    public int CommandTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// SHA-256 (hex) of a self-signed relay certificate to trust in place of the system's roots; empty: normal
    /// validation.
    /// </summary>
    public string? PinnedCertificateSha256 { get; set; }

    public SmtpEndpoint ToEndpoint() => new(Host, Port, StartTls, HeloName,
        TimeSpan.FromSeconds(ConnectTimeoutSeconds), TimeSpan.FromSeconds(CommandTimeoutSeconds), UserName, Password,
        string.IsNullOrWhiteSpace(PinnedCertificateSha256) ? null : Pinned(PinnedCertificateSha256));

    private static System.Net.Security.RemoteCertificateValidationCallback Pinned(string sha256) =>
        (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None
            || (certificate is not null && string.Equals(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), sha256.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
}

public sealed class OutboxOptions
{
    /// <summary>Parallel senders per server process, each with its own SMTP connection.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>After this many failed attempts a message is a dead letter and the duty officer is alerted.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Back-off after the first failure; doubled each time (with jitter), capped at <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 60;

    public double RetryMaxSeconds { get; set; } = 6 * 3600;

    /// <summary>How often an idle sender looks for due messages.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>How long to wait before reconnecting when the SMTP server cannot be reached.</summary>
    public double OutageRetrySeconds { get; set; } = 5;

    /// <summary>How often directives whose window closed are planned into messages.</summary>
    public double PlanSeconds { get; set; } = 5;
}

public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!MailAddresses.IsValid(options.FromAddress))
        {
            failures.Add("Notifications:FromAddress: give the team's address (team@example.org)");
        }

        if (string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            failures.Add("Notifications:Smtp:Host: is required");
        }

        if (options.Smtp.Port is < 1 or > 65535)
        {
            failures.Add("Notifications:Smtp:Port: must be 1–65535");
        }

        if (options.Smtp.ConnectTimeoutSeconds < 1 || options.Smtp.CommandTimeoutSeconds < 1)
        {
            failures.Add("Notifications:Smtp: timeouts must be at least 1 second");
        }

        if (!string.IsNullOrEmpty(options.Smtp.UserName) && options.Smtp.StartTls != StartTlsPolicy.Required)
        {
            failures.Add("Notifications:Smtp:StartTls: must be Required when credentials are set (no password in clear)");
        }

        if (!string.IsNullOrEmpty(options.Smtp.UserName) && string.IsNullOrEmpty(options.Smtp.Password))
        {
            failures.Add("Notifications:Smtp:Password: set DNSCERT_Notifications__Smtp__Password");
        }

        if (!string.IsNullOrWhiteSpace(options.TeamKeyPath))
        {
            if (!File.Exists(options.TeamKeyPath))
            {
                failures.Add($"Notifications:TeamKeyPath: no file at {options.TeamKeyPath}");
            }
            else
            {
                // Unlock it now: a wrong passphrase must stop the start, not the first send hours later.
                try
                {
                    using var key = File.OpenRead(options.TeamKeyPath);
                    OpenPgpSigner.Load(key, options.TeamKeyPassphrase ?? "");
                }
                catch (OpenPgpKeyException e)
                {
                    failures.Add("Notifications:TeamKeyPassphrase: " + e.Message);
                }
            }
        }

        if (options.WebhookSecret is { } secret && secret.Length < 32)
        {
            failures.Add("Notifications:WebhookSecret: at least 32 characters");
        }

        if (options.Outbox.Workers is < 1 or > 64 || options.Outbox.MaxAttempts < 1 || options.Outbox.RetryBaseSeconds <= 0
            || options.Outbox.PollSeconds <= 0 || options.Outbox.OutageRetrySeconds <= 0 || options.Outbox.PlanSeconds <= 0)
        {
            failures.Add("Notifications:Outbox: Workers 1–64, MaxAttempts ≥ 1, positive intervals");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class MailAddresses
{
    /// <summary>A plain check of an RFC 5321 mailbox: one "@", no spaces or angle brackets, a dot-free local part allowed.</summary>
    public static bool IsValid(string? address) =>
        !string.IsNullOrWhiteSpace(address) && address.Length <= 254 && address.Count(c => c == '@') == 1
        && address.IndexOf('@') is > 0 && !address.EndsWith('@') && !address.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or ',' or '"');
}
