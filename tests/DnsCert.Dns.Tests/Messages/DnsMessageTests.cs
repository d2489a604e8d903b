using System.Net;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Tests.Messages;

public class DnsMessageTests
{
    [Fact]
    public void Query_encodes_to_the_expected_bytes()
    {
        var query = DnsMessage.CreateQuery(DnsName.Parse("example.com."), DnsRecordType.A, id: 0x1234, recursionDesired: true);
        Convert.ToHexStringLower(query.Encode()).ShouldBe(
            "1234" + "0100" + "0001000000000000" + "076578616d706c6503636f6d00" + "0001" + "0001");
    }

    [Fact]
    public void Header_flags_round_trip_individually()
    {
        var message = new DnsMessage
        {
            Id = 0xBEEF,
            IsResponse = true,
            OpCode = DnsOpCode.Notify,
            IsAuthoritative = true,
            IsTruncated = true,
            RecursionDesired = true,
            RecursionAvailable = true,
            ZBit = true,
            AuthenticData = true,
            CheckingDisabled = true,
            ResponseCode = DnsResponseCode.Refused,
        };
        var bytes = message.Encode();
        Convert.ToHexStringLower(bytes.AsSpan(0, 4)).ShouldBe("beef" + "a7f5");
        var decoded = DnsMessage.Decode(bytes);
        decoded.Id.ShouldBe((ushort)0xBEEF);
        decoded.IsResponse.ShouldBeTrue();
        decoded.OpCode.ShouldBe(DnsOpCode.Notify);
        decoded.IsAuthoritative.ShouldBeTrue();
        decoded.IsTruncated.ShouldBeTrue();
        decoded.RecursionDesired.ShouldBeTrue();
        decoded.RecursionAvailable.ShouldBeTrue();
        decoded.ZBit.ShouldBeTrue();
        decoded.AuthenticData.ShouldBeTrue();
        decoded.CheckingDisabled.ShouldBeTrue();
        decoded.ResponseCode.ShouldBe(DnsResponseCode.Refused);
    }

    [Fact]
    public void Response_with_all_sections_round_trips_and_compresses()
    {
        var origin = DnsName.Parse("example.com.");
        var message = new DnsMessage { Id = 7, IsResponse = true, IsAuthoritative = true };
        message.Questions.Add(new DnsQuestion(DnsName.Parse("www.example.com."), DnsRecordType.A));
        message.Answers.Add(new ResourceRecord(DnsName.Parse("www.example.com."), DnsClass.IN, 300, new CnameRecord(DnsName.Parse("web.example.com."))));
        message.Answers.Add(new ResourceRecord(DnsName.Parse("web.example.com."), DnsClass.IN, 300, new ARecord(IPAddress.Parse("192.0.2.7"))));
        message.Authorities.Add(new ResourceRecord(origin, DnsClass.IN, 3600, new NsRecord(DnsName.Parse("ns1.example.com."))));
        message.Additionals.Add(new ResourceRecord(DnsName.Parse("ns1.example.com."), DnsClass.IN, 3600, new AaaaRecord(IPAddress.Parse("2001:db8::53"))));

        var bytes = message.Encode();
        var uncompressedNames = 17 + (17 * 2) + 17 + 17 + 13 + 17 + 17;
        bytes.Length.ShouldBeLessThan(12 + uncompressedNames + 4 + (3 * 10) + 2 + 4 + 2 + 16);

        var decoded = DnsMessage.Decode(bytes);
        decoded.Questions.Single().ShouldBe(message.Questions[0]);
        decoded.Answers.ShouldBe(message.Answers);
        decoded.Authorities.ShouldBe(message.Authorities);
        decoded.Additionals.ShouldBe(message.Additionals);
        decoded.Encode().ShouldBe(bytes);
    }

    [Fact]
    public void Edns_options_round_trip()
    {
        var query = DnsMessage.CreateQuery(DnsName.Parse("example."), DnsRecordType.SOA, id: 1, edns: new EdnsInfo
        {
            UdpPayloadSize = 1232,
            DnssecOk = true,
            Options =
            {
                new NsidOption([]),
                new ClientSubnetOption(IPAddress.Parse("192.0.2.77"), 24),
                new CookieOption([1, 2, 3, 4, 5, 6, 7, 8]),
                new PaddingOption(5),
                new ExtendedErrorOption(18, "prohibited"),
                new UnknownEdnsOption(65001, [0xAA]),
            },
        });
        var bytes = query.Encode();

        // OPT: root owner, TYPE 41, CLASS = payload size, TTL with DO, then options.
        var opt = Convert.ToHexStringLower(bytes.AsSpan(12 + 9 + 4));
        opt.ShouldStartWith("00" + "0029" + "04d0" + "00008000");
        opt.ShouldContain("0003" + "0000");
        opt.ShouldContain("0008" + "0007" + "0001" + "18" + "00" + "c00002");
        opt.ShouldContain("000a" + "0008" + "0102030405060708");
        opt.ShouldContain("000c" + "0005" + "0000000000");
        opt.ShouldContain("000f" + "000c" + "0012" + "70726f68696269746564");

        var decoded = DnsMessage.Decode(bytes);
        var edns = decoded.Edns.ShouldNotBeNull();
        edns.UdpPayloadSize.ShouldBe((ushort)1232);
        edns.DnssecOk.ShouldBeTrue();
        edns.Options.Count.ShouldBe(6);
        edns.GetOption<ClientSubnetOption>()!.Address.ShouldBe(IPAddress.Parse("192.0.2.0"));
        edns.GetOption<ClientSubnetOption>()!.SourcePrefixLength.ShouldBe((byte)24);
        edns.GetOption<CookieOption>()!.ServerCookie.Length.ShouldBe(0);
        edns.GetOption<PaddingOption>()!.Length.ShouldBe(5);
        edns.GetOption<ExtendedErrorOption>()!.ExtraText.ShouldBe("prohibited");
        edns.GetOption<UnknownEdnsOption>()!.Code.ShouldBe((ushort)65001);
        decoded.Additionals.ShouldBeEmpty();
        decoded.Encode().ShouldBe(bytes);
    }

    [Fact]
    public void Extended_rcode_combines_header_and_opt_bits()
    {
        var message = new DnsMessage { IsResponse = true, ResponseCode = DnsResponseCode.BadCookie, Edns = new EdnsInfo() };
        var bytes = message.Encode();
        (bytes[3] & 0xF).ShouldBe(23 & 0xF);
        DnsMessage.Decode(bytes).ResponseCode.ShouldBe(DnsResponseCode.BadCookie);
        Should.Throw<InvalidOperationException>(() => new DnsMessage { ResponseCode = DnsResponseCode.BadVers }.Encode());
    }

    [Fact]
    public void Two_opt_records_are_a_format_error()
    {
        var message = new DnsMessage { Edns = new EdnsInfo() };
        var bytes = message.Encode().ToList();
        bytes[11] = 2;
        bytes.AddRange(bytes.Skip(12).ToArray());
        Should.Throw<DnsFormatException>(() => DnsMessage.Decode(bytes.ToArray())).Reason.ShouldContain("OPT");
    }

    [Theory]
    [InlineData("00")]
    [InlineData("000100000001000000000000")] // QDCOUNT 1 but no question
    [InlineData("00010000000000000000000000")] // trailing octet
    [InlineData("000100000000000100000000" + "00" + "0001" + "0001" + "00000000" + "0005" + "c0000201")] // RDLENGTH past the end
    [InlineData("000100000000000100000000" + "00" + "0001" + "0001" + "00000000" + "0005" + "c000020100")] // A RDATA of 5 octets
    [InlineData("000100000000000100000000" + "00" + "0029" + "0200" + "00000000" + "0000")] // OPT in answers
    [InlineData("000100000000000000000001" + "00" + "0029" + "0200" + "00000000" + "0006" + "000800020001")] // ECS too short
    public void Malformed_messages_throw_format_exceptions(string hex)
    {
        Should.Throw<DnsFormatException>(() => DnsMessage.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Pointer_owners_share_one_decoded_name()
    {
        var message = new DnsMessage { IsResponse = true };
        message.Questions.Add(new DnsQuestion(DnsName.Parse("example.com."), DnsRecordType.NS));
        for (var i = 0; i < 3; i++)
        {
            message.Answers.Add(new ResourceRecord(DnsName.Parse("example.com."), DnsClass.IN, 60, new NsRecord(DnsName.Parse($"ns{i}.example.com."))));
        }

        var decoded = DnsMessage.Decode(message.Encode());
        decoded.Answers[0].Name.ShouldBeSameAs(decoded.Questions[0].Name);
        decoded.Answers[2].Name.ShouldBeSameAs(decoded.Questions[0].Name);
        decoded.Answers.Select(a => ((NsRecord)a.Data).Target.ToString()).ShouldBe(["ns0.example.com.", "ns1.example.com.", "ns2.example.com."]);
    }

    [Fact]
    public void Opt_owner_must_be_the_root()
    {
        // Question www.example. at 12; OPT in additional whose owner points at the question name.
        var hex = "0001" + "0000" + "0001000000000001" + "03777777076578616d706c6500" + "00010001"
            + "c00c" + "0029" + "1000" + "00000000" + "0000";
        Should.Throw<DnsFormatException>(() => DnsMessage.Decode(Convert.FromHexString(hex))).Reason.ShouldContain("root");

        // Pointing at the terminal zero octet of the question name is the root, so it is accepted.
        var viaPointer = "0001" + "0000" + "0001000000000001" + "03777777076578616d706c6500" + "00010001"
            + "c018" + "0029" + "1000" + "00008000" + "0000";
        var message = DnsMessage.Decode(Convert.FromHexString(viaPointer));
        message.Edns!.UdpPayloadSize.ShouldBe((ushort)4096);
        message.Edns.DnssecOk.ShouldBeTrue();
    }

    [Fact]
    public void Rdata_names_may_point_outside_the_rdata()
    {
        // Question example.com. at 12; answer CNAME www -> pointer to 12.
        var hex = "0001" + "8000" + "0001000100000000" + "076578616d706c6503636f6d00" + "00050001"
            + "c00c" + "0005" + "0001" + "00000e10" + "0006" + "03777777c00c";
        var message = DnsMessage.Decode(Convert.FromHexString(hex));
        message.Answers[0].Data.ShouldBeOfType<CnameRecord>().Target.ToString().ShouldBe("www.example.com.");
    }

    [Fact]
    public void Printing_is_dig_like()
    {
        var query = DnsMessage.CreateQuery(DnsName.Parse("example."), DnsRecordType.NS, id: 5, recursionDesired: true);
        var text = query.ToString();
        text.ShouldContain("id: 5");
        text.ShouldContain("flags: rd");
        text.ShouldContain(";example.\tIN\tNS");
    }
}
