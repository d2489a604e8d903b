using System.Text;
using DnsCert.Core.Accounts;
using DnsCert.Core.Campaigns;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Campaigns;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.Infrastructure.Tests.Notifications;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Campaigns;

/// <summary>
/// Replies by mail: the request mail carries the registry's slice as a CSV attachment, inside the team's OpenPGP
/// signature (checked with gpg), through a real SMTP server (aiosmtpd); the registry's reply with the CSV filled in is
/// recorded by the mail gateway, all rows or none.
/// </summary>
public sealed class CampaignMailTests : IAsyncLifetime
{
    private const string Passphrase = "team key passphrase";
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);
    private readonly GnuPgHome _gpg = new();
    private SmtpSink _sink = null!;
    private NpgsqlDataSource _db = null!;
    private string _teamKeyPath = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSink.StartAsync();
        _db = await MigratedDatabase.CreateAsync();
        var team = await _gpg.CreateKeyAsync("DNS-CERT Team <team@dnscert.test>", Passphrase, encryptionSubkey: false);
        _teamKeyPath = Path.Combine(_gpg.Path, "team-secret.asc");
        await File.WriteAllTextAsync(_teamKeyPath, await _gpg.ExportSecretAsync(team, Passphrase));
    }

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        await _db.DisposeAsync();
        _gpg.Dispose();
    }

    private async Task<Guid> OrganisationAsync(string name)
    {
        await using var command = _db.CreateCommand("SELECT id FROM organisations WHERE name = $1");
        command.Parameters.AddWithValue(name);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<string, string>> StatusesAsync(Guid campaign)
    {
        await using var command = _db.CreateCommand("SELECT name, status || coalesce(' ' || reported_outcome, '') FROM campaign_names WHERE campaign_id = $1");
        command.Parameters.AddWithValue(campaign);
        var statuses = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses[reader.GetString(0)] = reader.GetString(1);
        }

        return statuses;
    }

    private static byte[] Reply(string from, string subject, string csv) => Encoding.UTF8.GetBytes($"""
        From: Registry NOC <{from}>
        To: team@dnscert.test
        Subject: {subject}
        Message-ID: <{Guid.NewGuid():N}@registry.test>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        Done, see the file.
        --b1
        Content-Type: application/vnd.ms-excel; name="slice.csv"
        Content-Disposition: attachment; filename="slice.csv"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.UTF8.GetBytes(csv))}
        --b1--

        """.Replace("\n", "\r\n", StringComparison.Ordinal));

    [Fact]
    public async Task The_request_mail_carries_the_signed_slice_and_a_reply_with_it_filled_in_records_the_outcomes()
    {
        await CampaignStoreTests.ImportConfickerRegistriesAsync(_db);
        var store = CampaignStoreTests.Store(_db);
        var created = await CampaignStoreTests.Uploads(_db, store).HandleAsync(
            CampaignUploadTarget.Create(s_staff, "duty", new CampaignDraft("mail loop", Tlp.Amber, DateTimeOffset.UtcNow.AddDays(1), CampaignAction.Suspend),
                new DateOnly(2020, 1, 1)),
            new StringReader("c.com\na.com\nb.com\ne.org\n"), null, default);
        var com = await OrganisationAsync("Registry com");

        // Only the .com registry has an abuse contact here: one mail.
        var options = Options.Create(new NotificationOptions
        {
            Enabled = true,
            FromAddress = "team@dnscert.test",
            TeamKeyPath = _teamKeyPath,
            TeamKeyPassphrase = Passphrase,
            Smtp = new SmtpOptions { Host = _sink.Host, Port = _sink.Port, StartTls = StartTlsPolicy.Never, ConnectTimeoutSeconds = 5, CommandTimeoutSeconds = 10 },
        });
        var directory = new TestRecipientDirectory().Add(com, "abuse", new Recipient("abuse@nic.com.test", "", ["en"], null));
        var planner = new DirectivePlanner(_db, directory, new MessageFactory(options, new TeamKey(options)), options, TimeProvider.System,
            NullLogger<DirectivePlanner>.Instance);
        (await planner.PlanDueAsync(default)).ShouldBe(1);
        await using (var sender = new OutboxSender(_db, options, TimeProvider.System, null, NullLogger<OutboxSender>.Instance))
        {
            (await sender.DrainAsync(default)).ShouldBe(1);
        }

        var mail = MailEntity.Parse(_sink.Messages().ShouldHaveSingleItem());
        mail.MediaType.ShouldBe("multipart/signed");
        var signed = mail.Parts();
        signed[0].MediaType.ShouldBe("multipart/mixed");
        var mixed = signed[0].Parts();
        mixed.Count.ShouldBe(2);
        mixed[0].MediaType.ShouldBe("multipart/alternative");
        mixed[1].MediaType.ShouldBe("text/csv");
        var requestId = created.Slices.Single(s => s.OrganisationId == com).RequestId;
        mixed[1].Parameter("Content-Disposition", "filename").ShouldBe(CampaignStore.Reference(requestId) + ".csv");
        Encoding.UTF8.GetString(mixed[1].DecodedBody()).ShouldBe("name,outcome,detail\r\na.com,,\r\nb.com,,\r\nc.com,,\r\n");

        // gpg checks the team's signature over the text and the attachment together.
        var data = Path.Combine(_gpg.Path, "signed.eml");
        var signature = Path.Combine(_gpg.Path, "signed.asc");
        await File.WriteAllBytesAsync(data, signed[0].Raw);
        await File.WriteAllBytesAsync(signature, signed[1].Body.ToArray());
        var verify = await _gpg.RunAsync("--status-fd", "1", "--verify", signature, data);
        verify.ExitCode.ShouldBe(0, verify.StandardError);
        verify.StandardOutput.ShouldContain("[GNUPG:] GOODSIG");

        var subject = "Re: " + mail.DecodedHeader("Subject");
        var intake = new MailIntake(_db, directory, TimeProvider.System, NullLogger<MailIntake>.Instance, new CampaignRequestStore(_db, TimeProvider.System));

        // A row naming another registry's name refuses the whole file: nothing recorded, the reason kept.
        var refused = await intake.AcceptAsync(Reply("abuse@nic.com.test", subject, "name,outcome,detail\na.com,suspended,\ne.org,suspended,\n"), default);
        refused.Disposition.ShouldBe("reply");
        refused.Problem.ShouldBe("campaign outcomes refused, nothing was recorded: outcomes: not in this request: e.org.; nothing was recorded");
        (await StatusesAsync(created.CampaignId)).Values.Where(v => v != "requested").ShouldBeEmpty();

        var bad = await intake.AcceptAsync(Reply("abuse@nic.com.test", subject, "name,outcome\na.com,maybe\n"), default);
        bad.Problem!.ShouldContain("line 2: 'maybe' is not an outcome");

        // The slice as sent, filled in: recorded.
        var accepted = await intake.AcceptAsync(Reply("abuse@nic.com.test", subject,
            "name,outcome,detail\r\na.com,serverHold,\r\nb.com,refused,court order\r\nc.com,,\r\n"), default);
        accepted.Problem.ShouldBeNull();
        var statuses = await StatusesAsync(created.CampaignId);
        statuses["a.com."].ShouldBe("actioned actioned");
        statuses["b.com."].ShouldBe("acknowledged refused: court order");
        statuses["c.com."].ShouldBe("requested");
        statuses["e.org."].ShouldBe("requested");

        // A stranger quoting the tag records nothing.
        var stranger = await intake.AcceptAsync(Reply("mallory@evil.test", subject, "name,outcome\nc.com,actioned\n"), default);
        stranger.Disposition.ShouldBe("report");
        (await StatusesAsync(created.CampaignId))["c.com."].ShouldBe("requested");
    }
}
