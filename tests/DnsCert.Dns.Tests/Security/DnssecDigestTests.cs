using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Security;

public class DnssecDigestTests
{
    [Fact]
    public void Rfc4034_ds_example()
    {
        var key = (DnskeyRecord)RecordData.Parse(DnsRecordType.DNSKEY,
            "256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
        var ds = DnssecDigests.ComputeDs(DnsName.Parse("DSKEY.example.COM."), key, DnssecDigests.Sha1);
        ds.ToString().ShouldBe("60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
    }

    [Fact]
    public void Root_trust_anchors_match_the_2017_root_zone_keys()
    {
        // IANA root-anchors for KSK-2010 and KSK-2017, computed from the DNSKEY RRset in the signed 2017 root zone.
        var dir = Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone";
        var keys = ZoneFileReader.ReadFile(Path.Combine(dir, "root-2017-08-21-signed.zone.gz"))
            .Where(r => r.Type == DnsRecordType.DNSKEY)
            .Select(r => (DnskeyRecord)r.Data)
            .Where(k => k.Flags == 257)
            .ToList();
        var anchors = keys.Select(k => DnssecDigests.ComputeDs(DnsName.Root, k, DnssecDigests.Sha256).ToString()).Order().ToList();
        anchors.ShouldBe([
            "19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5",
            "20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
        ]);
    }

    [Theory]
    [InlineData("example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom")]
    [InlineData("a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl")]
    [InlineData("NS1.Example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr")]
    public void Rfc5155_appendix_a_hashes(string name, string label)
    {
        DnssecDigests.ComputeNsec3Label(DnsName.Parse(name), 12, Convert.FromHexString("AABBCCDD")).ShouldBe(label);
    }

    [Fact]
    public void Unsupported_parameters_are_refused()
    {
        var key = new DnskeyRecord(257, 3, 8, [1, 2, 3]);
        Should.Throw<ArgumentException>(() => DnssecDigests.ComputeDs(DnsName.Root, key, 3));
        Should.Throw<ArgumentException>(() => DnssecDigests.ComputeNsec3Hash(DnsName.Root, 0, [], algorithm: 2));
        Should.Throw<ArgumentException>(() => DnssecDigests.ComputeNsec3Hash(DnsName.Root, 0, new byte[256]));
    }
}
