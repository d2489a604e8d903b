using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Tests.Security;

public class TsigTests
{
    // Key, query and response were signed by dnspython 2.3 (an independent implementation) at fixed times
    // 1700000000 and 1700000005. dnspython compresses the TSIG owner name; the MAC covers the canonical form.
    private static readonly TsigKey s_key = new(DnsName.Parse("test-key.example."),
        Convert.FromBase64String("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));

    private const string QueryHex =
        "12340100000100000000000103777777076578616d706c65000001000108746573742d6b6579c01000fa00ff00000000003d0b686d61632d73"
        + "68613235360000006553f100012c0020e09e5b79b51452b469bea162239526a40184b1ab0993a603fc13a1fb3ad472b2123400000000";

    private const string QueryMac = "e09e5b79b51452b469bea162239526a40184b1ab0993a603fc13a1fb3ad472b2";

    private const string ResponseHex =
        "12348100000100010000000103777777076578616d706c650000010001c00c000100010000003c0004c000020108746573742d6b6579c010"
        + "00fa00ff00000000003d0b686d61632d7368613235360000006553f105012c0020215d84c5b098a592396c64aae3e49abf0e7466f5078ab2"
        + "829dc4a80274ecf493123400000000";

    private static readonly DateTimeOffset s_signedAt = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    [Fact]
    public void Signing_reproduces_the_independent_mac()
    {
        var unsigned = DnsMessage.CreateQuery(DnsName.Parse("www.example."), DnsRecordType.A, id: 0x1234, recursionDesired: true).Encode();
        var (signed, mac) = TsigSigner.Sign(unsigned, s_key, s_signedAt);
        Convert.ToHexStringLower(mac).ShouldBe(QueryMac);
        var decoded = DnsMessage.Decode(signed);
        decoded.Tsig.ShouldNotBeNull().Data.ShouldBeOfType<TsigRecord>().OriginalId.ShouldBe((ushort)0x1234);
        decoded.Additionals.ShouldBeEmpty();
        TsigSigner.Verify(signed, s_key, s_signedAt).ShouldBe(TsigStatus.Valid);
    }

    [Fact]
    public void Independent_query_and_chained_response_verify()
    {
        TsigSigner.Verify(Convert.FromHexString(QueryHex), s_key, s_signedAt.AddSeconds(10)).ShouldBe(TsigStatus.Valid);
        TsigSigner.Verify(Convert.FromHexString(ResponseHex), s_key, s_signedAt, Convert.FromHexString(QueryMac))
            .ShouldBe(TsigStatus.Valid);

        // Without the request MAC the response digest differs.
        TsigSigner.Verify(Convert.FromHexString(ResponseHex), s_key, s_signedAt).ShouldBe(TsigStatus.BadSignature);
    }

    [Fact]
    public void Response_signing_chains_the_request_mac()
    {
        var response = DnsMessage.Decode(Convert.FromHexString(ResponseHex));
        response.Tsig = null;
        var (_, mac) = TsigSigner.Sign(response.Encode(), s_key, s_signedAt.AddSeconds(5), Convert.FromHexString(QueryMac));
        Convert.ToHexStringLower(mac).ShouldBe("215d84c5b098a592396c64aae3e49abf0e7466f5078ab2829dc4a80274ecf493");
    }

    [Fact]
    public void Tampering_time_and_key_problems_are_detected()
    {
        var bytes = Convert.FromHexString(QueryHex);
        var tampered = (byte[])bytes.Clone();
        tampered[14] ^= 0x20; // 'w' -> 'W' in the question: case matters to the MAC
        TsigSigner.Verify(tampered, s_key, s_signedAt).ShouldBe(TsigStatus.BadSignature);

        TsigSigner.Verify(bytes, s_key, s_signedAt.AddSeconds(301)).ShouldBe(TsigStatus.BadTime);
        TsigSigner.Verify(bytes, s_key, s_signedAt.AddSeconds(-300)).ShouldBe(TsigStatus.Valid);

        var otherKey = new TsigKey(DnsName.Parse("other-key.example."), Convert.FromBase64String("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        TsigSigner.Verify(bytes, otherKey, s_signedAt).ShouldBe(TsigStatus.BadKey);
        var wrongSecret = new TsigKey(DnsName.Parse("test-key.example."), [1, 2, 3]);
        TsigSigner.Verify(bytes, wrongSecret, s_signedAt).ShouldBe(TsigStatus.BadSignature);

        var unsigned = DnsMessage.CreateQuery(DnsName.Parse("www.example."), DnsRecordType.A).Encode();
        TsigSigner.Verify(unsigned, s_key, s_signedAt).ShouldBe(TsigStatus.NotSigned);
        TsigSigner.Verify(bytes.AsSpan(0, 20), s_key, s_signedAt).ShouldBe(TsigStatus.Malformed);
    }

    [Fact]
    public void Truncated_macs_follow_rfc8945_limits()
    {
        var unsigned = DnsMessage.CreateQuery(DnsName.Parse("www.example."), DnsRecordType.A, id: 9).Encode();
        var (signed, _) = TsigSigner.Sign(unsigned, s_key, s_signedAt);
        var message = DnsMessage.Decode(signed);
        var tsig = (TsigRecord)message.Tsig!.Data;

        ResourceRecord WithMac(int length) => new(message.Tsig.Name, DnsClass.ANY, 0,
            new TsigRecord(tsig.Algorithm, tsig.TimeSigned, tsig.Fudge, tsig.Mac[..length].ToArray(), tsig.OriginalId, 0, []));

        message.Tsig = WithMac(16);
        TsigSigner.Verify(message.Encode(), s_key, s_signedAt).ShouldBe(TsigStatus.Valid);
        message.Tsig = WithMac(15);
        TsigSigner.Verify(message.Encode(), s_key, s_signedAt).ShouldBe(TsigStatus.BadTruncation);
    }

    [Fact]
    public void Unsupported_algorithms_are_refused()
    {
        Should.Throw<ArgumentException>(() => new TsigKey(DnsName.Parse("k."), [1], DnsName.Parse("hmac-md5.sig-alg.reg.int.")));
    }
}
