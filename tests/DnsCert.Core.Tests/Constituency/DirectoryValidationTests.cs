using DnsCert.Core.Constituency;

namespace DnsCert.Core.Tests.Constituency;

public class DirectoryValidationTests
{
    [Theory]
    [InlineData("noc@example.org")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    public void Good_emails_pass(string email) => DirectoryValidation.Email(email).ShouldBe(email);

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a@b")]
    [InlineData("two@@example.org")]
    [InlineData("Name <noc@example.org>")]
    [InlineData("space in@example.org")]
    public void Bad_emails_name_the_field(string email)
    {
        var e = Should.Throw<ValidationException>(() => DirectoryValidation.Email(email));
        e.Field.ShouldBe("email");
    }

    [Theory]
    [InlineData("+41 22 555 01 00", "+41225550100")]
    [InlineData("+1 (202) 555-0147", "+12025550147")]
    [InlineData("  ", null)]
    public void Phones_are_stored_as_e164(string input, string? stored) => DirectoryValidation.Phone(input).ShouldBe(stored);

    [Theory]
    [InlineData("0041225550100")]
    [InlineData("+000 555 100 10")]
    [InlineData("+1234567890123456")]
    [InlineData("+41 22 abc")]
    public void Bad_phones_are_refused(string phone) =>
        Should.Throw<ValidationException>(() => DirectoryValidation.Phone(phone)).Field.ShouldBe("phone");

    [Theory]
    [InlineData("Africa/Bamako")]
    [InlineData("America/La_Paz")]
    [InlineData("UTC")]
    public void Iana_time_zones_pass(string zone) => DirectoryValidation.TimeZone(zone).ShouldBe(zone);

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Central European Standard Time")]
    [InlineData("+02:00")]
    public void Other_time_zones_are_refused(string zone) =>
        Should.Throw<ValidationException>(() => DirectoryValidation.TimeZone(zone)).Field.ShouldBe("timeZone");

    [Theory]
    [InlineData(AssetKind.Zone, "Example.COM.", "example.com")]
    [InlineData(AssetKind.IpPrefix, "192.0.2.0/24", "192.0.2.0/24")]
    [InlineData(AssetKind.AsNumber, "as64500", "AS64500")]
    [InlineData(AssetKind.AsNumber, "64500", "AS64500")]
    public void Asset_values_are_normalised(AssetKind kind, string value, string normal) =>
        DirectoryValidation.AssetValue(kind, value).ShouldBe(normal);

    [Theory]
    [InlineData(AssetKind.Zone, "exa mple.com")]
    [InlineData(AssetKind.IpPrefix, "192.0.2.0/33")]
    [InlineData(AssetKind.AsNumber, "ASX")]
    public void Bad_asset_values_are_refused(AssetKind kind, string value) =>
        Should.Throw<ValidationException>(() => DirectoryValidation.AssetValue(kind, value)).Field.ShouldBe("value");

    [Theory]
    [InlineData(OrganisationKind.CcTldRegistry, "cctld-registry")]
    [InlineData(OrganisationKind.GTldRegistry, "gtld-registry")]
    [InlineData(OrganisationKind.RegistryBackEndOperator, "registry-back-end-operator")]
    [InlineData(OrganisationKind.DnsSoftwareVendor, "dns-software-vendor")]
    public void Codes_round_trip(OrganisationKind kind, string code)
    {
        kind.ToCode().ShouldBe(code);
        Codes.Parse<OrganisationKind>(code, "kind").ShouldBe(kind);
    }

    [Fact]
    public void Contact_validation_reports_the_first_bad_field_and_reads_the_key_last()
    {
        var keys = new CountingKeys();
        var input = new ContactInput("NOC", true, [ContactRole.Emergency], "noc@example.org", "+000 1", null, "-----BEGIN PGP", null, null);
        Should.Throw<ValidationException>(() => DirectoryValidation.Contact(input, keys, out _)).Field.ShouldBe("phone");
        keys.Calls.ShouldBe(0);
        Should.Throw<ValidationException>(() => DirectoryValidation.Contact(input with { Roles = [] }, keys, out _)).Field.ShouldBe("roles");
    }

    private sealed class CountingKeys : IOpenPgpKeyReader
    {
        public int Calls { get; private set; }

        public OpenPgpKeyInfo Read(string armoured)
        {
            Calls++;
            throw new ValidationException("openPgpKey", "not a key");
        }

        public bool CanEncryptTo(string? armoured) => false;
    }
}
