using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.Infrastructure.Notifications;
using DnsCert.Infrastructure.Notifications.Mail;
using DnsCert.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Constituency;

/// <summary>The constituency directory behind the notification pipeline, and reach tests through the real outbox.</summary>
public sealed class ConstituencyWiringTests : IAsyncLifetime
{
    private static readonly DirectoryActor s_actor = new(null, "test", null);
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);
    private NpgsqlDataSource _db = null!;
    private DirectoryService _service = null!;
    private Guid _org;

    public async Task InitializeAsync()
    {
        _db = await MigratedDatabase.CreateAsync();
        _service = new DirectoryService(new DirectoryRepository(_db, TimeProvider.System), new OpenPgpKeyReader());
        _org = await _service.CreateOrganisationAsync(s_staff, new OrganisationInput("Agence des Noms", OrganisationKind.CcTldRegistry,
            IcannRegion.Africa, "ML", ["fr", "ar"], "Africa/Bamako", true), s_actor, default);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private ConstituencyRecipientDirectory Directory => new(new ContactDirectory(_db), _db);

    private Task<ContactEditOutcome> AddContactAsync(string name, string email, string? language, params ContactRole[] roles) =>
        _service.SaveContactAsync(s_staff, _org, null, new ContactInput(name, false, roles, email, null, language, null, null, null), s_actor, default);

    [Theory]
    [InlineData("emergency", "noc@agence.test")]
    [InlineData("24x7", "noc@agence.test")]
    [InlineData("On-Call", "noc@agence.test")]
    [InlineData("security", "cert@agence.test")]
    [InlineData("abuse", "cert@agence.test")]
    [InlineData("technical", "hostmaster@agence.test")]
    public async Task Notification_role_words_reach_the_contacts_holding_the_directory_role(string word, string expected)
    {
        await AddContactAsync("NOC", "noc@agence.test", "es", ContactRole.Emergency);
        await AddContactAsync("CERT", "cert@agence.test", null, ContactRole.SecurityAbuse);
        await AddContactAsync("Hostmaster", "hostmaster@agence.test", "fr", ContactRole.Technical);

        var recipients = await Directory.FindRecipientsAsync(_org, word, default);

        recipients.ShouldHaveSingleItem().Address.ShouldBe(expected);
        (await Directory.FindRecipientsAsync(_org, "press", default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Languages_are_the_contacts_own_then_the_organisations_preferences()
    {
        await AddContactAsync("NOC", "noc@agence.test", "es", ContactRole.Emergency);
        await AddContactAsync("CERT", "cert@agence.test", null, ContactRole.Emergency);

        var recipients = await Directory.FindRecipientsAsync(_org, "emergency", default);

        recipients.Single(r => r.Address == "noc@agence.test").Languages.ShouldBe(["es", "fr", "ar"]);
        recipients.Single(r => r.Address == "cert@agence.test").Languages.ShouldBe(["fr", "ar"]);
        recipients.Single(r => r.Address == "noc@agence.test").DisplayName.ShouldBe("NOC");
    }

    [Fact]
    public async Task An_unknown_role_is_a_clear_error_naming_the_field()
    {
        var e = await Should.ThrowAsync<ValidationException>(() => Directory.FindRecipientsAsync(_org, "janitor", default));
        e.Field.ShouldBe("contactRole");
        e.Reason.ShouldContain("'janitor' is not a contact role");
        e.Reason.ShouldContain("abuse");
    }

    [Fact]
    public async Task The_openpgp_key_is_found_by_address_whatever_its_case()
    {
        var key = await GpgKey.CreateAsync("NOC <Noc@Agence.test>", "rsa2048", "1y");
        await _service.SaveContactAsync(s_staff, _org, null,
            new ContactInput("NOC", true, [ContactRole.Emergency], "Noc@Agence.test", null, "fr", key.Armoured, null, null), s_actor, default);

        (await Directory.FindOpenPgpKeyByAddressAsync("noc@agence.TEST", default)).ShouldNotBeNull().ShouldContain("BEGIN PGP PUBLIC KEY BLOCK");
        (await Directory.FindRecipientsAsync(_org, "24x7", default)).Single().OpenPgpPublicKey.ShouldNotBeNull();
        (await Directory.FindOpenPgpKeyByAddressAsync("other@agence.test", default)).ShouldBeNull();
    }

    [Fact]
    public async Task A_reach_test_goes_through_the_outbox_to_a_real_smtp_server_in_each_recipients_language()
    {
        await using var sink = await SmtpSink.StartAsync();
        await AddContactAsync("NOC", "noc@agence.test", "es", ContactRole.Emergency);
        await AddContactAsync("Permanence", "permanence@agence.test", null, ContactRole.Emergency);
        var options = Options.Create(new NotificationOptions
        {
            Enabled = true,
            FromAddress = "team@dnscert.test",
            Smtp = new SmtpOptions { Host = sink.Host, Port = sink.Port, StartTls = StartTlsPolicy.Never, ConnectTimeoutSeconds = 5, CommandTimeoutSeconds = 10 },
        });
        var mailer = new OutboxReachMailer(_db, new MessageFactory(options, new TeamKey(options)), Directory, TimeProvider.System);
        var reach = new ReachTestService(new ReachTestStore(_db), mailer, TimeProvider.System);

        var campaign = await reach.StartAsync("Q4 reach", [_org], new Uri("https://dnscert.test/"), s_actor, default);
        await using (var sender = new OutboxSender(_db, options, TimeProvider.System, null, NullLogger<OutboxSender>.Instance))
        {
            (await sender.DrainAsync(default)).ShouldBe(2);
        }

        var mails = sink.Messages().Select(MailEntity.Parse).ToDictionary(m => m.Header("To")!.Split('<')[^1].TrimEnd('>'));
        mails.Count.ShouldBe(2);
        mails["noc@agence.test"].DecodedHeader("Subject")!.ShouldStartWith("[TLP:GREEN] Prueba de contacto Q4 reach");
        mails["permanence@agence.test"].DecodedHeader("Subject")!.ShouldStartWith("[TLP:GREEN] Test de joignabilité Q4 reach");
        var text = mails["permanence@agence.test"].PlainText()!;
        text.ShouldContain("Agence des Noms");
        var link = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("https://dnscert.test/reach/answer/", StringComparison.Ordinal));

        (await reach.AnswerAsync(link.Split('/')[^1], default))!.Email.ShouldBe("permanence@agence.test");
        var report = (await reach.ReportAsync(Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer), campaign, default))!;
        report.Rate.ShouldBe(0.5);
        report.NeverAnswered.Single().Email.ShouldBe("noc@agence.test");
        var statuses = (await new DeliveryTracking(_db).ListAsync(_org, null, 10, default)).ToDictionary(d => d.Recipient, d => d.Status);
        statuses["permanence@agence.test"].ShouldBe("answered");
        statuses["noc@agence.test"].ShouldBe("sent");
    }

    [Fact]
    public async Task A_reply_keeping_the_ticket_tag_answers_the_reach_test()
    {
        await AddContactAsync("NOC", "noc@agence.test", "fr", ContactRole.Emergency);
        await AddContactAsync("Permanence", "permanence@agence.test", null, ContactRole.Emergency);
        var options = Options.Create(new NotificationOptions { Enabled = true, FromAddress = "team@dnscert.test" });
        var mailer = new OutboxReachMailer(_db, new MessageFactory(options, new TeamKey(options)), Directory, TimeProvider.System);
        var reach = new ReachTestService(new ReachTestStore(_db), mailer, TimeProvider.System);
        var campaign = await reach.StartAsync("By reply", [_org], new Uri("https://dnscert.test/"), s_actor, default);
        var noc = (await new DeliveryTracking(_db).ListAsync(_org, null, 10, default)).Single(d => d.Recipient == "noc@agence.test");
        // Only a message that went out can be answered (the intake refuses replies to queued or failed ones); the
        // sending itself is covered by the outbox tests, so here the outbox's final status is set directly.
        await using (var sent = _db.CreateCommand("UPDATE notification_messages SET status = 'sent' WHERE recipient = 'noc@agence.test'"))
        {
            (await sent.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var reply = $"From: NOC <noc@agence.test>\r\nTo: team@dnscert.test\r\nSubject: Re: {Core.Notifications.NotificationRenderer.Tag(noc.Ticket)} " +
            "Test de joignabilite\r\nMessage-ID: <reply-1@agence.test>\r\n\r\nNous sommes la.\r\n";
        var intake = new MailIntake(_db, Directory, TimeProvider.System, NullLogger<MailIntake>.Instance);
        (await intake.AcceptAsync(System.Text.Encoding.UTF8.GetBytes(reply), default)).Disposition.ShouldBe("reply");

        var report = (await reach.ReportAsync(Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer), campaign, default))!;
        report.Campaign.Answered.ShouldBe(1);
        report.NeverAnswered.Single().Email.ShouldBe("permanence@agence.test");
    }

    [Fact]
    public async Task Sending_a_reach_message_twice_queues_it_once()
    {
        var options = Options.Create(new NotificationOptions { Enabled = true, FromAddress = "team@dnscert.test" });
        var mailer = new OutboxReachMailer(_db, new MessageFactory(options, new TeamKey(options)), Directory, TimeProvider.System);
        var message = new ReachMessage(Guid.NewGuid(), "Q4", Guid.NewGuid(), _org, "Agence des Noms", "NOC", "noc@agence.test", "fr",
            new Uri("https://dnscert.test/reach/answer/abc"));

        await mailer.SendAsync(message, default);
        await mailer.SendAsync(message, default);

        await using var command = _db.CreateCommand("SELECT count(*), min(kind), min(language) FROM notification_messages WHERE organisation_id = $1");
        command.Parameters.Add(new() { Value = _org });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).ShouldBe(1);
        reader.GetString(1).ShouldBe("reach-test");
        reader.GetString(2).ShouldBe("fr");
    }
}
