using System.Buffers.Binary;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Tests.Security;

public class TsigStreamTests
{
    // A two-message AXFR signed by dnspython 2.3 at 1700000000 (query), ...01 and ...02 (responses).
    private static readonly TsigKey s_key = new(DnsName.Parse("xfr-key."), Convert.FromBase64String("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));

    private const string Query =
        "432100000001000000000001076578616d706c650000fc0001077866722d6b65790000fa00ff00000000003d0b686d61632d73686132353600"
        + "00006553f100012c0020376c6bd79d27b0dcf985a26009a29a9431114131581c0c1b3e1c9d2286a84fe3432100000000";

    private const string First =
        "432180000001000200000001076578616d706c650000fc0001c00c000600010000012c0026026e73c00c0a686f73746d6173746572c00c0000"
        + "0005000000010000000100000001000000010161c00c000100010000012c0004c0000201077866722d6b65790000fa00ff00000000003d0b68"
        + "6d61632d7368613235360000006553f101012c002043327e38aa7b9900bc049602ca34d5d6d1c215e526dc1b0c30b3a223fa5c4b8743210000"
        + "0000";

    private const string Second =
        "4321800000000002000000010162076578616d706c6500000100010000012c0004c0000202c00e000600010000012c0026026e73c00e0a686f"
        + "73746d6173746572c00e0000000500000001000000010000000100000001077866722d6b65790000fa00ff00000000003d0b686d61632d7368"
        + "613235360000006553f102012c002084e0127285c324dbe799820380660fd1c5b7b4ca9ab60bc7e30a69e994ec7d7d432100000000";

    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1700000002);

    private static TsigStatus Add(TsigStreamVerifier verifier, byte[] message) => verifier.Add(message, DnsMessage.Decode(message), s_now);

    private static byte[] MacOf(string hex) => ((TsigRecord)DnsMessage.Decode(Convert.FromHexString(hex)).Tsig!.Data).Mac.ToArray();

    [Fact]
    public void Independent_multi_message_transfer_verifies()
    {
        var verifier = new TsigStreamVerifier(s_key, MacOf(Query));
        Add(verifier, Convert.FromHexString(First)).ShouldBe(TsigStatus.Valid);
        Add(verifier, Convert.FromHexString(Second)).ShouldBe(TsigStatus.Valid);
        verifier.CanEnd.ShouldBeTrue();
    }

    [Fact]
    public void Subsequent_signing_reproduces_the_independent_mac()
    {
        var second = Convert.FromHexString(Second);
        var message = DnsMessage.Decode(second);
        var unsigned = second[..message.TsigOffset];
        BinaryPrimitives.WriteUInt16BigEndian(unsigned.AsSpan(10), 0);
        var (_, mac) = TsigSigner.SignSubsequent(unsigned, s_key, s_now, MacOf(First));
        mac.ShouldBe(MacOf(Second));
    }

    [Fact]
    public void Unsigned_messages_in_between_are_covered_by_the_next_signature()
    {
        var (m1, mac1) = Response(1, signed: true, prior: [1, 2, 3], first: true);
        var (m2, _) = Response(2, signed: false, prior: mac1);
        var (m3, _) = Response(3, signed: true, prior: mac1, unsignedBefore: [m2]);

        var verifier = new TsigStreamVerifier(s_key, [1, 2, 3]);
        Add(verifier, m1).ShouldBe(TsigStatus.Valid);
        Add(verifier, m2).ShouldBe(TsigStatus.NotSigned);
        verifier.CanEnd.ShouldBeFalse();
        Add(verifier, m3).ShouldBe(TsigStatus.Valid);
        verifier.CanEnd.ShouldBeTrue();

        var tampered = (byte[])m2.Clone();
        tampered[^1] ^= 1;
        var again = new TsigStreamVerifier(s_key, [1, 2, 3]);
        Add(again, m1).ShouldBe(TsigStatus.Valid);
        Add(again, tampered).ShouldBe(TsigStatus.NotSigned);
        Add(again, m3).ShouldBe(TsigStatus.BadSignature);
    }

    [Fact]
    public void First_message_must_be_signed_and_chained_to_the_request()
    {
        var (m1, _) = Response(1, signed: true, prior: [9, 9, 9], first: true);
        Add(new TsigStreamVerifier(s_key, [1, 2, 3]), m1).ShouldBe(TsigStatus.BadSignature);
        var (plain, _) = Response(1, signed: false, prior: []);
        Add(new TsigStreamVerifier(s_key, [1, 2, 3]), plain).ShouldBe(TsigStatus.NotSigned);
    }

    [Fact]
    public void At_most_99_unsigned_messages_in_a_row()
    {
        var (m1, mac1) = Response(1, signed: true, prior: [1], first: true);
        var verifier = new TsigStreamVerifier(s_key, [1]);
        Add(verifier, m1).ShouldBe(TsigStatus.Valid);
        for (var i = 0; i < TsigStreamVerifier.MaxUnsignedMessages; i++)
        {
            Add(verifier, Response(2, signed: false, prior: mac1).Message).ShouldBe(TsigStatus.NotSigned);
        }

        Add(verifier, Response(2, signed: false, prior: mac1).Message).ShouldBe(TsigStatus.BadSignature);
    }

    internal static (byte[] Message, byte[] Mac) Response(int n, bool signed, byte[] prior, bool first = false, List<byte[]>? unsignedBefore = null)
    {
        var message = new DnsMessage { Id = 77, IsResponse = true };
        message.Answers.Add(new ResourceRecord(DnsName.Parse($"h{n}.example."), DnsClass.IN, 60, RecordData.Parse(DnsRecordType.A, $"192.0.2.{n}")));
        var bytes = message.Encode();
        if (!signed)
        {
            return (bytes, []);
        }

        return first
            ? TsigSigner.Sign(bytes, s_key, s_now, prior)
            : TsigSigner.SignSubsequent(bytes, s_key, s_now, prior, unsignedBefore);
    }
}
