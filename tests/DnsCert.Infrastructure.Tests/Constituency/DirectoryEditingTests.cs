using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Constituency;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Constituency;
using DnsCert.TestSupport;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Constituency;

public class DirectoryEditingTests
{
    private static readonly DirectoryActor s_actor = new(null, "test", null);
    private static readonly Viewer s_staff = Viewer.Person(Guid.NewGuid(), null, Roles.DutyOfficer);

    private static ContactInput Noc(string email = "noc@example.org", string? key = null) =>
        new("NOC", true, [ContactRole.Emergency], email, "+223 20 22 00 00", "fr", key, "24x7", new DateOnly(2026, 1, 5));

    private static async Task<(NpgsqlDataSource Db, DirectoryService Service, DirectoryRepository Repository, Guid Org)> SetUpAsync()
    {
        var db = await MigratedDatabase.CreateAsync();
        var repository = new DirectoryRepository(db, TimeProvider.System);
        var service = new DirectoryService(repository, new OpenPgpKeyReader());
        var org = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Agence des Noms", OrganisationKind.CcTldRegistry,
            IcannRegion.Africa, "ML", ["fr"], "Africa/Bamako", true), s_actor, default);
        return (db, service, repository, org);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string table)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_real_openpgp_key_is_parsed_and_its_fingerprint_and_expiry_tracked()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        var key = await GpgKey.CreateAsync("NOC <noc@example.org>", "rsa2048", "1y");

        var outcome = await service.SaveContactAsync(s_staff, org, null, Noc(key: key.Armoured), s_actor, default);

        var contact = (await repository.GetContactAsync(s_staff, outcome.ContactId!.Value, default))!;
        contact.OpenPgpFingerprint.ShouldBe(key.Fingerprint);
        contact.OpenPgpExpiresAt.ShouldBe(key.ExpiresAt);
        var found = await new ContactDirectory(db).FindContactsAsync(org, ContactRole.Emergency, default);
        found.Single().OpenPgpFingerprint.ShouldBe(key.Fingerprint);
        found.Single().Language.ShouldBe("fr");
    }

    /// <summary>
    /// gpg's default key (Ed25519 primary, Cv25519 encryption subkey), which Portable.BouncyCastle 1.8.10 cannot read, is
    /// parsed by our packet reader exactly as gpg lists it, and stored; mail to it is signed, not encrypted.
    /// </summary>
    [Fact]
    public async Task A_gpg_default_ed25519_cv25519_key_is_read_and_stored_and_its_mail_is_signed_not_encrypted()
    {
        using var home = new GnuPgHome();
        await GnuPgHome.Check(home.RunAsync("--passphrase", "", "--quick-gen-key", "Sec <sec@example.org>", "future-default", "default", "2y"));
        var listing = (await GnuPgHome.Check(home.RunAsync("--with-colons", "--list-keys", "sec@example.org"))).StandardOutput.Split('\n');
        var pub = listing.First(l => l.StartsWith("pub:", StringComparison.Ordinal)).Split(':');
        pub[3].ShouldBe("22", "gpg's future-default primary key is EdDSA");
        listing.ShouldContain(l => l.StartsWith("sub:", StringComparison.Ordinal) && l.Split(':')[3] == "18", "with an ECDH (Cv25519) subkey");
        var fingerprint = listing.First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var armoured = await home.ExportPublicAsync(fingerprint);
        var reader = new OpenPgpKeyReader();

        var info = reader.Read(armoured);

        info.Fingerprint.ShouldBe(fingerprint);
        info.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(long.Parse(pub[5], System.Globalization.CultureInfo.InvariantCulture)));
        info.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(long.Parse(pub[6], System.Globalization.CultureInfo.InvariantCulture)));
        info.UserIds.ShouldBe(["Sec <sec@example.org>"]);
        reader.CanEncryptTo(armoured).ShouldBeFalse();

        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        var saved = await service.SaveContactAsync(s_staff, org, null, Noc("sec@example.org", armoured), s_actor, default);
        var contact = (await repository.GetContactAsync(s_staff, saved.ContactId!.Value, default))!;
        contact.OpenPgpFingerprint.ShouldBe(fingerprint);
        contact.OpenPgpExpiresAt.ShouldBe(info.ExpiresAt);
        // The notification pipeline gets no key to encrypt to (so it signs and sends instead of failing).
        var recipients = await new ConstituencyRecipientDirectory(new ContactDirectory(db), db).FindRecipientsAsync(org, "emergency", default);
        recipients.Single().OpenPgpPublicKey.ShouldBeNull();
    }

    [Fact]
    public async Task A_sign_only_ed25519_key_is_read_and_an_rsa_key_with_an_encryption_subkey_can_be_encrypted_to()
    {
        var ed25519 = await GpgKey.CreateAsync("Sign <sign@example.org>");
        var reader = new OpenPgpKeyReader();
        var info = reader.Read(ed25519.Armoured);
        info.Fingerprint.ShouldBe(ed25519.Fingerprint);
        info.ExpiresAt.ShouldBe(ed25519.ExpiresAt);
        reader.CanEncryptTo(ed25519.Armoured).ShouldBeFalse();

        using var home = new GnuPgHome();
        var rsa = await home.CreateKeyAsync("Rsa <rsa@example.org>", "", encryptionSubkey: true);
        reader.CanEncryptTo(await home.ExportPublicAsync(rsa)).ShouldBeTrue();
        Should.Throw<ValidationException>(() => OpenPgpPacketReader.Read("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ==\n-----END PGP PUBLIC KEY BLOCK-----"))
            .Field.ShouldBe("openPgpKey");
    }

    [Fact]
    public async Task A_bad_time_zone_saves_nothing()
    {
        var (db, service, _, org) = await SetUpAsync();
        await using var _ = db;
        var e = await Should.ThrowAsync<ValidationException>(() => service.UpdateOrganisationAsync(s_staff, org,
            new OrganisationInput("Renamed", OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr"], "Africa/Timbuktu_Nowhere", true), s_actor, default));
        e.Field.ShouldBe("timeZone");
        (await new DirectoryRepository(db, TimeProvider.System).GetAsync(s_staff, org, default))!.Organisation.Name.ShouldBe("Agence des Noms");
    }

    [Fact]
    public async Task A_duplicate_asset_claim_is_a_field_error_and_approval_makes_a_manual_asset()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        var constituent = Viewer.Person(Guid.NewGuid(), org, Roles.Constituent);
        var claim = await service.ClaimAssetAsync(constituent, org, AssetKind.Zone, "ML.", s_actor, default);

        var e = await Should.ThrowAsync<ValidationException>(() => service.ClaimAssetAsync(constituent, org, AssetKind.Zone, "ml", s_actor, default));
        e.Field.ShouldBe("value");
        (await CountAsync(db, "asset_claims")).ShouldBe(1);

        await Should.ThrowAsync<UnauthorizedAccessException>(() => service.DecideClaimAsync(constituent, claim, true, s_actor, default));
        await service.DecideClaimAsync(s_staff, claim, true, s_actor, default);
        var details = (await repository.GetAsync(s_staff, org, default))!;
        details.Assets.Single().ShouldSatisfyAllConditions(a => a.Value.ShouldBe("ml"), a => a.Source.ShouldBe(RecordSources.Manual));
        details.Claims.Single().Status.ShouldBe(ClaimStatus.Approved);
        (await Should.ThrowAsync<ValidationException>(() => service.ClaimAssetAsync(constituent, org, AssetKind.Zone, "ml", s_actor, default))).Field.ShouldBe("value");
    }

    [Fact]
    public async Task A_constituent_edits_its_own_contacts_and_24x7_changes_wait_for_staff()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        var other = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Other", OrganisationKind.Registrar, IcannRegion.Europe, null, [], "UTC", false), s_actor, default);
        var constituent = Viewer.Person(Guid.NewGuid(), org, Roles.Constituent);
        var tech = new ContactInput("Tech", false, [ContactRole.Technical], "tech@example.org", null, null, null, null, null);

        (await service.SaveContactAsync(constituent, org, null, tech, s_actor, default)).Pending.ShouldBeFalse();
        await Should.ThrowAsync<UnauthorizedAccessException>(() => service.SaveContactAsync(constituent, other, null, tech, s_actor, default));
        var held = await service.SaveContactAsync(constituent, org, null, Noc(), s_actor, default);
        held.Pending.ShouldBeTrue();
        (await new ContactDirectory(db).FindContactsAsync(org, ContactRole.Emergency, default)).ShouldBeEmpty();

        await service.DecideContactChangeAsync(s_staff, held.PendingChangeId!.Value, approve: true, s_actor, default);

        (await new ContactDirectory(db).FindContactsAsync(org, ContactRole.Emergency, default)).Single().Email.ShouldBe("noc@example.org");
        (await repository.GetAsync(s_staff, org, default))!.PendingChanges.ShouldBeEmpty();
    }

    [Fact]
    public async Task Constituents_see_their_own_contacts_only_through_the_visibility_predicate()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        await service.SaveContactAsync(s_staff, org, null, Noc(), s_actor, default);

        (await repository.GetAsync(Viewer.Person(Guid.NewGuid(), org, Roles.Constituent), org, default))!.Contacts.Count.ShouldBe(1);
        var stranger = (await repository.GetAsync(Viewer.Person(Guid.NewGuid(), Guid.NewGuid(), Roles.Constituent), org, default))!;
        stranger.Contacts.ShouldBeEmpty();
        stranger.Organisation.Name.ShouldBe("Agence des Noms");
        (await repository.GetAsync(Viewer.Public, org, default)).ShouldBeNull();
    }

    [Fact]
    public async Task Relationships_name_the_back_end_operator_and_accredited_registrars()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        var backEnd = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Back End Ltd", OrganisationKind.RegistryBackEndOperator, IcannRegion.Europe, "IE", ["en"], "Europe/Dublin", false), s_actor, default);
        var registrar = await service.CreateOrganisationAsync(s_staff, new OrganisationInput("Registrar SA", OrganisationKind.Registrar, IcannRegion.Africa, "SN", ["fr"], "Africa/Dakar", true), s_actor, default);

        await repository.SetBackEndOperatorAsync(org, backEnd, s_actor, default);
        await repository.AddAccreditationAsync(org, registrar, s_actor, default);
        await repository.AddAccreditationAsync(org, registrar, s_actor, default);

        var details = (await repository.GetAsync(s_staff, org, default))!;
        details.BackEndOperatorName.ShouldBe("Back End Ltd");
        details.AccreditedRegistrars.ShouldBe([new RelatedOrganisation(registrar, "Registrar SA")]);
        (await Should.ThrowAsync<ValidationException>(() => repository.SetBackEndOperatorAsync(org, org, s_actor, default))).Field.ShouldBe("backEndOperator");
        (await Should.ThrowAsync<ValidationException>(() => repository.AddAccreditationAsync(org, Guid.NewGuid(), s_actor, default))).Field.ShouldBe("registrar");
    }

    [Fact]
    public async Task Relationship_edits_are_validated_per_field_audited_and_feed_routing()
    {
        var (db, service, repository, registry) = await SetUpAsync();
        await using var _ = db;
        OrganisationInput Input(string name, OrganisationKind kind) => new(name, kind, IcannRegion.Europe, "IE", ["en"], "Europe/Dublin", false);
        var backEnd = await service.CreateOrganisationAsync(s_staff, Input("Back End Ltd", OrganisationKind.RegistryBackEndOperator), s_actor, default);
        var registrar = await service.CreateOrganisationAsync(s_staff, Input("Registrar SA", OrganisationKind.Registrar), s_actor, default);
        var constituent = Viewer.Person(Guid.NewGuid(), registry, Roles.Constituent);
        await repository.AddAssetAsync(registry, AssetKind.Zone, "ml", s_actor, default);

        async Task<string> Field(Func<Task> edit) => (await Should.ThrowAsync<ValidationException>(edit)).Field;
        (await Field(() => service.SetBackEndOperatorAsync(s_staff, registry, registrar, s_actor, default))).ShouldBe("backEndOperator");
        (await Field(() => service.SetBackEndOperatorAsync(s_staff, registry, Guid.NewGuid(), s_actor, default))).ShouldBe("backEndOperator");
        (await Field(() => service.SetBackEndOperatorAsync(s_staff, backEnd, registry, s_actor, default))).ShouldBe("backEndOperator");
        (await Field(() => service.AddAccreditationAsync(s_staff, registry, backEnd, s_actor, default))).ShouldBe("registrar");
        (await Field(() => service.RemoveAccreditationAsync(s_staff, registry, registrar, s_actor, default))).ShouldBe("registrar");
        await Should.ThrowAsync<UnauthorizedAccessException>(() => service.SetBackEndOperatorAsync(constituent, registry, backEnd, s_actor, default));
        await Should.ThrowAsync<UnauthorizedAccessException>(() => service.AddAccreditationAsync(constituent, registry, registrar, s_actor, default));
        (await repository.GetAsync(s_staff, registry, default))!.Organisation.BackEndOperatorId.ShouldBeNull();

        await service.SetBackEndOperatorAsync(s_staff, registry, backEnd, s_actor, default);
        await service.AddAccreditationAsync(s_staff, registry, registrar, s_actor, default);

        (await repository.GetAsync(s_staff, backEnd, default))!.BackEndFor.ShouldBe([new RelatedOrganisation(registry, "Agence des Noms")]);
        (await repository.GetAsync(s_staff, registrar, default))!.AccreditedBy.ShouldBe([new RelatedOrganisation(registry, "Agence des Noms")]);
        var snapshot = await repository.LoadRoutingSnapshotAsync(s_staff, default);
        snapshot.Organisations[registry].BackEndOperatorId.ShouldBe(backEnd);

        await service.RemoveAccreditationAsync(s_staff, registry, registrar, s_actor, default);
        await service.SetBackEndOperatorAsync(s_staff, registry, null, s_actor, default);
        var after = (await repository.GetAsync(s_staff, registry, default))!;
        after.AccreditedRegistrars.ShouldBeEmpty();
        after.BackEndOperatorName.ShouldBeNull();
        (await repository.HistoryAsync(s_staff, registry, default)).Select(h => h.Action).Take(4).ShouldBe([
            "organisation.back-end-operator", "organisation.registrar-unaccredited", "organisation.registrar-accredited", "organisation.back-end-operator"]);
    }

    [Fact]
    public async Task Facts_and_vetting_are_saved_in_one_transaction_so_a_failing_vetting_leaves_nothing_saved()
    {
        var (db, service, repository, org) = await SetUpAsync();
        await using var _ = db;
        // Force the second part (the vetting update) to fail inside the database, after the facts were written.
        await using (var trap = db.CreateCommand("""
            CREATE FUNCTION refuse_vetting() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'vetting refused by the test'; END $$;
            CREATE TRIGGER refuse_vetting BEFORE UPDATE OF vetting ON organisations FOR EACH ROW EXECUTE FUNCTION refuse_vetting();
            """))
        {
            await trap.ExecuteNonQueryAsync();
        }

        var renamed = new OrganisationInput("Renamed Agency", OrganisationKind.CcTldRegistry, IcannRegion.Africa, "ML", ["fr", "en"], "Africa/Bamako", true);
        await Should.ThrowAsync<PostgresException>(() =>
            service.SaveOrganisationAsync(s_staff, org, renamed, VettingLevel.Vetted, "AfricaCERT", s_actor, default));

        var after = (await repository.GetAsync(s_staff, org, default))!.Organisation;
        after.Name.ShouldBe("Agence des Noms");
        after.Languages.ShouldBe(["fr"]);
        after.ManualFields.ShouldBeEmpty();
        after.Vetting.ShouldBe(VettingLevel.Unvetted);
        (await repository.HistoryAsync(s_staff, org, default)).Select(h => h.Action).ShouldBe(["organisation.created"]);

        // Without a vetting change only the facts are written (the trap stays silent), in the same single call.
        await service.SaveOrganisationAsync(s_staff, org, renamed, VettingLevel.Unvetted, null, s_actor, default);
        (await repository.GetAsync(s_staff, org, default))!.Organisation.Name.ShouldBe("Renamed Agency");
    }

    [Fact]
    public async Task Reach_test_answers_through_the_token_and_reports_who_never_answered()
    {
        var (db, service, _, org) = await SetUpAsync();
        await using var _ = db;
        await service.SaveContactAsync(s_staff, org, null, Noc(), s_actor, default);
        await service.SaveContactAsync(s_staff, org, null, Noc("backup@example.org") with { Name = "Backup", LastVerified = null }, s_actor, default);
        var mailer = new RecordingReachMailerForTests();
        var reach = new ReachTestService(new ReachTestStore(db), mailer, TimeProvider.System);

        var campaign = await reach.StartAsync("Quarterly", [org], new Uri("https://dnscert.example/"), s_actor, default);

        mailer.Sent.Count.ShouldBe(2);
        var token = mailer.Sent[0].AnswerLink.AbsolutePath.Split('/')[^1];
        (await reach.AnswerAsync(token, default))!.Email.ShouldBe(mailer.Sent[0].Email);
        (await reach.AnswerAsync("forged", default)).ShouldBeNull();
        await using (var command = db.CreateCommand("SELECT count(*) FROM reach_recipients WHERE token_hash = convert_to($1, 'UTF8')"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = token });
            ((long)(await command.ExecuteScalarAsync())!).ShouldBe(0);
        }

        var report = (await reach.ReportAsync(s_staff, campaign, default))!;
        report.Rate.ShouldBe(0.5);
        report.NeverAnswered.Single().Email.ShouldBe(mailer.Sent[1].Email);
        report.RateOverTime.Count.ShouldBe(2);
        report.Stale.Select(s => s.Email).ShouldContain("backup@example.org");
    }

    /// <summary>Test double for sending only (the outbox is issue 8); the answer path is real.</summary>
    private sealed class RecordingReachMailerForTests : IReachMailer
    {
        public List<ReachMessage> Sent { get; } = [];

        public Task SendAsync(ReachMessage message, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
