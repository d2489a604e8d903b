using System.Security.Cryptography;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Records;

public class RecordVectorTests
{
    // Wire bytes are the RFC examples (RFC 4034 §3.3/§4.3/§5.4, RFC 5155 App. A, RFC 8976 App. A, RFC 7477, RFC 1876,
    // RFC 9460 App. D) encoded independently with dnspython 2.3; other rows are typical values.
    [Theory]
    [InlineData("A", @"192.0.2.1", "c0000201")]
    [InlineData("AAAA", @"2001:db8::1", "20010db8000000000000000000000001")]
    [InlineData("NS", @"ns1.example.com.", "036e7331076578616d706c6503636f6d00")]
    [InlineData("CNAME", @"www.example.com.", "03777777076578616d706c6503636f6d00")]
    [InlineData("DNAME", @"example.net.", "076578616d706c65036e657400")]
    [InlineData("PTR", @"host.example.com.", "04686f7374076578616d706c6503636f6d00")]
    [InlineData("SOA", @"a.root-servers.net. nstld.verisign-grs.com. 2017082100 1800 900 604800 86400", "01610c726f6f742d73657276657273036e657400056e73746c640c766572697369676e2d67727303636f6d00783a3af4000007080000038400093a8000015180")]
    [InlineData("MX", @"10 mail.example.com.", "000a046d61696c076578616d706c6503636f6d00")]
    [InlineData("TXT", @"""v=spf1 -all"" ""second \""quoted\"" \255""", "0b763d73706631202d616c6c117365636f6e64202271756f7465642220ff")]
    [InlineData("SPF", @"""v=spf1 ip4:192.0.2.0/24 -all""", "1c763d73706631206970343a3139322e302e322e302f3234202d616c6c")]
    [InlineData("HINFO", @"""PC"" ""Linux""", "025043054c696e7578")]
    [InlineData("RP", @"mbox.example.com. txt.example.com.", "046d626f78076578616d706c6503636f6d0003747874076578616d706c6503636f6d00")]
    [InlineData("SRV", @"0 5 5060 sipserver.example.com.", "0000000513c409736970736572766572076578616d706c6503636f6d00")]
    [InlineData("NAPTR", @"100 10 ""u"" ""E2U+sip"" ""!^.*$!sip:info@example.com!"" .", "0064000a0175074532552b7369701b215e2e2a24217369703a696e666f406578616d706c652e636f6d2100")]
    [InlineData("CAA", @"0 issue ""ca.example.net""", "0005697373756563612e6578616d706c652e6e6574")]
    [InlineData("URI", @"10 1 ""ftp://ftp1.example.com/public""", "000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963")]
    [InlineData("TLSA", @"3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "0301010c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6")]
    [InlineData("SSHFP", @"4 2 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "0402e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("DS", @"60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118")]
    [InlineData("CDS", @"60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", "ec4505012bb183af5f22588179a53b0a98631fad1a292118")]
    [InlineData("DNSKEY", @"256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==", "0100030501039e8a247418e318903b215a848acfd5f37f026bd4062db26c774c690968d5d56df8bfda91e6f36d9a279888f41333357c5e6029990d10fdf5663062a512763326980a615ddbf17a05ddfcce7e5fb3abcca05a31b0957452d4521e83870789063115bf97f6c308ccf57cdc9ce7fe10f6ed1bd0cc0660038c50dcdb0feb963c2f17")]
    [InlineData("CDNSKEY", @"257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=", "0101030803010001acffb409bcc939f831f7a1e5ec88f7a59255ec53040be432027390a4ce896d6f9086f3c5e177fbfe118163aaec7af1462c47945944c4e2c026be5e98bbcded25978272e1e3e079c5094d573f0e83c92f02b32d3513b1550b826929c80dd0f92cac966d17769fd5867b647c3f38029abdc48152eb8f207159ecc5d232c7c1537c79f4b7ac28ff11682f21681bf6d6aba555032bf6f9f036beb2aaa5b3778d6eebfba6bf9ea191be4ab0caea759e2f773a1f9029c73ecb8d5735b9321db085f1b8e2d8038fe2941992548cee0d67dd4547e11dd63af9c9fc1c5466fb684cf009d7197c2cf79e792ab501e6a8a1ca519af2cb9b5f6367e94c0d47502451357be1b5")]
    [InlineData("RRSIG", @"A 5 3 86400 20030322173103 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o=", "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00a090755ba58d1affa576f4375831b4310920e481218d18a9f164eb3d81afd3b875d3c75428631e0cf2a28d50875f70c329d7dbfafea807dc1fba1dc34c95d401f23f334ce63bfcf3f1b5b44739e5f0eded18d6b33f040a911376d173d757a9f0c1fa1798941bb0b36b2df9062790fa7f0166f2737eea907378341fb12dc0a77a")]
    [InlineData("NSEC", @"host.example.com. A MX RRSIG NSEC TYPE1234", "04686f7374076578616d706c6503636f6d000006400100000003041b000000000000000000000000000000000000000000000000000020")]
    [InlineData("NSEC3", @"1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM", "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b000722010000000290")]
    [InlineData("NSEC3PARAM", @"1 0 12 AABBCCDD", "0100000c04aabbccdd")]
    [InlineData("ZONEMD", @"2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9A9713B3C9AE5CC27777F98B8E730044C", "7848b91c0101c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c")]
    [InlineData("CSYNC", @"66 3 A NS AAAA", "000000420003000460000008")]
    [InlineData("LOC", @"42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m", "0033161389172dd070be15f000988d20")]
    [InlineData("SVCB", @"16 foo.example.org. mandatory=alpn,ipv4hint alpn=""h2,h3-19"" ipv4hint=192.0.2.1", "001003666f6f076578616d706c65036f7267000000000400010004000100090268320568332d313900040004c0000201")]
    [InlineData("HTTPS", @"1 . alpn=""h3,h2"" ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+DQBBpQAgACBd ipv6hint=2001:db8::1", "0001000001000602683302683200040008c0000201c00002020005000c0045fe0d0041a5002000205d0006001020010db8000000000000000000000001")]
    [InlineData("TSIG", @"hmac-sha256. 1700000000 300 32 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= 4660 0 0", "0b686d61632d7368613235360000006553f100012c0020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f123400000000")]
    [InlineData("OPT", @"NSID= ECS=192.0.2.0/24/0 COOKIE=0102030405060708 PADDING=2 EDE=18 ""blocked"" OPT65001=aa", "000300000008000700011800c00002000a00080102030405060708000c00020000000f00090012626c6f636b6564fde90001aa")]
    [InlineData("TYPE65534", @"\# 4 0a000001", "0a000001")]
    public void Presentation_and_wire_round_trip(string type, string presentation, string hex)
    {
        DnsMnemonics.TryParseType(type, out var recordType).ShouldBeTrue();
        var wire = Convert.FromHexString(hex);

        var parsed = RecordData.Parse(recordType, presentation);
        Convert.ToHexStringLower(parsed.ToWire()).ShouldBe(hex);

        var decoded = RecordData.FromWire(recordType, wire);
        decoded.Type.ShouldBe(recordType);
        decoded.ToWire().ShouldBe(wire);
        decoded.ShouldBe(parsed);

        var printed = decoded.ToString();
        var reparsed = RecordData.Parse(recordType, printed);
        reparsed.ToWire().ShouldBe(wire);
        reparsed.ToString().ShouldBe(printed);

        RecordData.Parse(recordType, decoded.ToGenericString()).ToWire().ShouldBe(wire);
    }

    [Fact]
    public void Unknown_types_print_in_rfc3597_form()
    {
        var data = RecordData.Parse((DnsRecordType)65534, @"\# 4 0a000001");
        data.ShouldBeOfType<UnknownRecord>();
        data.ToString().ShouldBe(@"\# 4 0a000001");
        DnsMnemonics.TypeToString(data.Type).ShouldBe("TYPE65534");
    }

    [Fact]
    public void Known_type_in_generic_form_becomes_typed()
    {
        var data = RecordData.Parse(DnsRecordType.A, @"\# 4 C0000201");
        data.ShouldBeOfType<ARecord>().Address.ToString().ShouldBe("192.0.2.1");
    }

    [Fact]
    public void Generic_length_mismatch_is_a_positioned_error()
    {
        var ex = Should.Throw<ZoneFileException>(() => RecordData.Parse(DnsRecordType.A, @"\# 5 C0000201"));
        ex.Column.ShouldBe(4);
    }

    [Fact]
    public void Rfc4034_ds_example_matches_its_dnskey()
    {
        // RFC 4034 §5.4: the DS digest is SHA-1 over the canonical owner name and the DNSKEY RDATA.
        var key = (DnskeyRecord)RecordData.Parse(DnsRecordType.DNSKEY,
            "256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
        var ds = (DsRecord)RecordData.Parse(DnsRecordType.DS, "60485 5 1 ( 2BB183AF5F22588179A53B0A\n 98631FAD1A292118 )");
        key.KeyTag.ShouldBe(ds.KeyTag);
        var owner = DnsName.Parse("dskey.example.com.");
#pragma warning disable CA5350 // digest type 1 in the RFC example is SHA-1
        var digest = SHA1.HashData([.. owner.WireBytes.ToArray(), .. key.ToWire()]);
#pragma warning restore CA5350
        digest.ShouldBe(ds.Digest.ToArray());
    }

    [Fact]
    public void Root_ksk_2017_key_tag_is_20326()
    {
        var key = (KeyRecordData)RecordData.Parse(DnsRecordType.CDNSKEY,
            "257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=");
        key.KeyTag.ShouldBe((ushort)20326);
        var digest = SHA256.HashData([0, .. key.ToWire()]);
        Convert.ToHexString(digest).ShouldBe("E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D");
    }

    [Fact]
    public void Rfc5155_next_hashed_owner_is_base32hex()
    {
        var nsec3 = (Nsec3Record)RecordData.Parse(DnsRecordType.NSEC3,
            "1 1 12 aabbccdd 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR MX DNSKEY NS SOA NSEC3PARAM RRSIG");
        nsec3.ToString().ShouldBe("1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM");
        nsec3.Flags.ShouldBe((byte)1);
        nsec3.NextHashedOwner.Length.ShouldBe(20);
    }

    [Fact]
    public void Rrsig_times_print_as_utc_timestamps()
    {
        RrsigRecord.FormatTime(0x3E7C9DD7).ShouldBe("20030322173103");
        RrsigRecord.TryParseTime("20030220173103", out var inception).ShouldBeTrue();
        inception.ShouldBe(0x3E5510D7u);
        RrsigRecord.TryParseTime("1045762263", out var seconds).ShouldBeTrue();
        seconds.ShouldBe(1045762263u);
        RrsigRecord.TryParseTime("2003022017310", out _).ShouldBeFalse();
    }

    [Fact]
    public void Loc_defaults_follow_rfc1876()
    {
        // RFC 1876 §3: omitted size is 1m, horizontal precision 10000m, vertical precision 10m.
        var loc = (LocRecord)RecordData.Parse(DnsRecordType.LOC, "42 21 54 N 71 06 18 W -24m 30m");
        loc.ToString().ShouldBe("42 21 54.000 N 71 6 18.000 W -24.00m 30.00m 10000.00m 10.00m");
        var minimal = (LocRecord)RecordData.Parse(DnsRecordType.LOC, "52 N 4 E 0m");
        minimal.ToString().ShouldBe("52 0 0.000 N 4 0 0.000 E 0.00m 1.00m 10000.00m 10.00m");
    }

    [Fact]
    public void Loc_with_unknown_version_stays_opaque()
    {
        var data = RecordData.FromWire(DnsRecordType.LOC, Convert.FromHexString("01020304"));
        data.ShouldBeOfType<UnknownRecord>().ToString().ShouldBe(@"\# 4 01020304");
    }

    [Theory]
    [InlineData(@"1 foo.example.com. key667=hello", "000103666f6f076578616d706c6503636f6d00029b000568656c6c6f")]
    [InlineData(@"1 foo.example.com. key667=""hello\210qoo""", "000103666f6f076578616d706c6503636f6d00029b000968656c6c6fd2716f6f")]
    [InlineData(@"16 foo.example.org. alpn=""f\\\\oo\\,bar,h2""", "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832")]
    [InlineData(@"16 foo.example.org. alpn=f\\\092oo\092,bar,h2", "001003666f6f076578616d706c65036f7267000001000c08665c6f6f2c626172026832")]
    [InlineData(@"1 example.com. ipv6hint=""2001:db8:122:344::192.0.2.33""", "0001076578616d706c6503636f6d000006001020010db80122034400000000c0000221")]
    [InlineData(@"0 foo.example.com.", "000003666f6f076578616d706c6503636f6d00")]
    [InlineData(@"16 foo.example.com. port=53", "001003666f6f076578616d706c6503636f6d00000300020035")]
    public void Rfc9460_appendix_d_vectors(string presentation, string hex)
    {
        var parsed = RecordData.Parse(DnsRecordType.SVCB, presentation);
        Convert.ToHexStringLower(parsed.ToWire()).ShouldBe(hex);
        var decoded = RecordData.FromWire(DnsRecordType.SVCB, Convert.FromHexString(hex));
        RecordData.Parse(DnsRecordType.SVCB, decoded.ToString()).ToWire().ShouldBe(Convert.FromHexString(hex));
    }

    [Theory]
    [InlineData(@"1 foo.example.com. key123=abc key123=def")]
    [InlineData(@"1 foo.example.com. mandatory")]
    [InlineData(@"1 foo.example.com. alpn")]
    [InlineData(@"1 foo.example.com. port")]
    [InlineData(@"1 foo.example.com. no-default-alpn=abc")]
    [InlineData(@"1 foo.example.com. mandatory=key123")]
    [InlineData(@"1 foo.example.com. mandatory=mandatory")]
    [InlineData(@"1 foo.example.com. key65535=abc")]
    public void Rfc9460_appendix_d3_failure_cases(string presentation)
    {
        Should.Throw<ZoneFileException>(() => RecordData.Parse(DnsRecordType.SVCB, presentation));
    }

    [Theory]
    [InlineData("0001000001000000")] // alpn with an empty value
    [InlineData("00010000030001 00")] // port of one octet
    [InlineData("0001000003000100")] // value runs past the RDATA
    [InlineData("000100000400010004")] // ipv4hint of one octet
    [InlineData("000100000000020000")] // mandatory listing mandatory itself
    public void Svcb_wire_rejects_invalid_params(string hex)
    {
        Should.Throw<DnsFormatException>(() => RecordData.FromWire(DnsRecordType.SVCB, Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void Svcb_wire_rejects_descending_keys()
    {
        // port=53 then alpn=h2: keys 3 then 1.
        var hex = "0001" + "00" + "000300020035" + "0001000302" + "6832";
        Should.Throw<DnsFormatException>(() => RecordData.FromWire(DnsRecordType.SVCB, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("A", "192.0.2")]
    [InlineData("A", "192.0.2.256")]
    [InlineData("AAAA", "192.0.2.1")]
    [InlineData("MX", "70000 mail.example.")]
    [InlineData("CAA", "0 is-sue \"x\"")]
    [InlineData("DS", "1 8 2 ABC")]
    [InlineData("NSEC3", "1 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3tox A")]
    [InlineData("LOC", "91 N 0 E 0m")]
    [InlineData("ZONEMD", "1 1 1 ABCD")]
    [InlineData("SOA", "a. b. 1 2 3 4")]
    [InlineData("OPT", "ECS=192.0.2.1/33/0")]
    [InlineData("OPT", "COOKIE=01")]
    [InlineData("OPT", "OPT8=0001")]
    [InlineData("OPT", "BOGUS=1")]
    public void Bad_presentation_is_rejected_with_a_position(string type, string text)
    {
        DnsMnemonics.TryParseType(type, out var recordType).ShouldBeTrue();
        var ex = Should.Throw<ZoneFileException>(() => RecordData.Parse(recordType, text));
        ex.Line.ShouldBe(1);
        ex.Column.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Canonical_form_lowercases_names_in_rdata()
    {
        var mx = RecordData.Parse(DnsRecordType.MX, "10 MAIL.Example.COM.");
        mx.ToString().ShouldBe("10 MAIL.Example.COM.");
        mx.ToCanonicalWire().ShouldBe(RecordData.Parse(DnsRecordType.MX, "10 mail.example.com.").ToWire());
        mx.ShouldBe(RecordData.Parse(DnsRecordType.MX, "10 mail.example.com."));
    }

    [Fact]
    public void Txt_escapes_round_trip()
    {
        var txt = (TxtRecord)RecordData.Parse(DnsRecordType.TXT, "\"a\\\"b\" c\\032d \"\\000\"");
        txt.Strings.Count.ShouldBe(3);
        txt.Strings[0].ShouldBe("a\"b"u8.ToArray());
        txt.Strings[1].ShouldBe("c d"u8.ToArray());
        txt.Strings[2].ShouldBe(new byte[] { 0 });
        txt.ToString().ShouldBe("\"a\\\"b\" \"c d\" \"\\000\"");
    }

    [Fact]
    public void Empty_txt_rdata_prints_in_generic_form()
    {
        var empty = RecordData.FromWire(DnsRecordType.TXT, []);
        empty.ToString().ShouldBe(@"\# 0");
        RecordData.Parse(DnsRecordType.TXT, empty.ToString()).ToWire().ShouldBeEmpty();
        Should.Throw<ZoneFileException>(() => RecordData.Parse(DnsRecordType.TXT, ""));

        var ds = RecordData.FromWire(DnsRecordType.DS, Convert.FromHexString("00010802"));
        ds.ToString().ShouldBe(@"\# 4 00010802");
        RecordData.Parse(DnsRecordType.DS, ds.ToString()).ShouldBe(ds);
        RecordData.Parse(DnsRecordType.CDS, "0 0 0 00").ToWire().ShouldBe(Convert.FromHexString("0000000000"));
    }

    [Fact]
    public void Loc_beyond_the_poles_is_malformed()
    {
        // Latitude 0x80000000 + 91 degrees.
        var hex = "00121616" + (0x80000000u + (91u * 3600 * 1000)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + "80000000" + "00989680";
        Should.Throw<DnsFormatException>(() => RecordData.FromWire(DnsRecordType.LOC, Convert.FromHexString(hex)));
    }

    [Fact]
    public void Svcb_mandatory_key_must_be_present_on_the_wire()
    {
        // mandatory=port, but no port parameter.
        Should.Throw<DnsFormatException>(() => RecordData.FromWire(DnsRecordType.SVCB, Convert.FromHexString("000100" + "000000020003")));
        RecordData.Parse(DnsRecordType.SVCB, "1 . key999").ToWire().ShouldBe(Convert.FromHexString("000100" + "03e70000"));
    }
}
