using System.Net;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Transport;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Transport;

public class ZoneTransferClientTests
{
    private static readonly DnsName s_zone = DnsName.Parse("example.");

    private static ResourceRecord R(string line) =>
        ZoneFileReader.Read(new StringReader("$TTL 300\n$ORIGIN example.\n" + line)).Single();

    private static byte[] Message(DnsMessage query, bool first, params ResourceRecord[] answers)
    {
        var response = new DnsMessage { Id = query.Id, IsResponse = true, IsAuthoritative = true };
        if (first)
        {
            response.Questions.Add(query.Questions[0]);
        }

        foreach (var answer in answers)
        {
            response.Answers.Add(answer);
        }

        return response.Encode();
    }

    private static DnsClientOptions Options => new() { Timeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Axfr_streams_records_across_messagesAsync()
    {
        var soa = R("@ SOA ns hostmaster 5 1 1 1 1");
        var body = Enumerable.Range(1, 300).Select(i => R($"h{i} A 192.0.2.{i % 250}")).ToArray();
        await using var server = new TestDnsServer((q, protocol) =>
        {
            protocol.ShouldBe(DnsTransportProtocol.Tcp);
            q.Questions[0].Type.ShouldBe(DnsRecordType.AXFR);
            return
            [
                new ServerReply(Message(q, true, [soa, .. body[..100]])),
                new ServerReply(Message(q, false, body[100..250])),
                new ServerReply(Message(q, false, [.. body[250..], soa])),
            ];
        });
        var client = new ZoneTransferClient(server.EndPoint, Options);
        var records = new List<ResourceRecord>();
        await foreach (var record in client.AxfrAsync(s_zone))
        {
            records.Add(record);
        }

        records.Count.ShouldBe(302);
        records[0].ShouldBe(soa);
        records[^1].ShouldBe(soa);
        records.Skip(1).Take(300).ShouldBe(body);
    }

    [Fact]
    public async Task Axfr_messages_keep_their_bytes_as_evidenceAsync()
    {
        var soa = R("@ SOA ns hostmaster 5 1 1 1 1");
        byte[][] sent = [];
        await using var server = new TestDnsServer((q, _) =>
        {
            sent = [Message(q, true, soa, R("a A 192.0.2.1")), Message(q, false, R("b A 192.0.2.2"), soa)];
            return sent.Select(m => new ServerReply(m));
        });
        var client = new ZoneTransferClient(server.EndPoint, Options);
        var messages = new List<ZoneTransferMessage>();
        await foreach (var message in client.AxfrMessagesAsync(s_zone))
        {
            messages.Add(message);
        }

        messages.Count.ShouldBe(2);
        messages[0].Bytes.ToArray().ShouldBe(sent[0]);
        messages[1].Bytes.ToArray().ShouldBe(sent[1]);
        messages[1].Elapsed.ShouldBeGreaterThanOrEqualTo(messages[0].Elapsed);
    }

    [Fact]
    public async Task Axfr_refusal_reports_the_rcodeAsync()
    {
        await using var server = new TestDnsServer((q, _) =>
        {
            var refused = TestDnsServer.ResponseTo(q);
            refused.ResponseCode = DnsResponseCode.NotAuth;
            return [new ServerReply(refused.Encode())];
        });
        var client = new ZoneTransferClient(server.EndPoint, Options);
        var ex = await Should.ThrowAsync<ZoneTransferException>(async () =>
        {
            await foreach (var unused in client.AxfrAsync(s_zone))
            {
                unused.ShouldNotBeNull();
            }
        });
        ex.ResponseCode.ShouldBe(DnsResponseCode.NotAuth);
    }

    [Fact]
    public async Task Axfr_cut_short_is_an_errorAsync()
    {
        var soa = R("@ SOA ns hostmaster 5 1 1 1 1");
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Message(q, true, soa, R("a A 192.0.2.1")))]);
        var client = new ZoneTransferClient(server.EndPoint, new DnsClientOptions { Timeout = TimeSpan.FromMilliseconds(400) });
        await Should.ThrowAsync<DnsTransportException>(async () =>
        {
            await foreach (var unused in client.AxfrAsync(s_zone))
            {
                unused.ShouldNotBeNull();
            }
        });
    }

    [Fact]
    public async Task Ixfr_incremental_reply_is_split_into_deltasAsync()
    {
        // RFC 1995 §7 example shape: serial 1 -> 2 -> 3.
        var soa1 = R("@ SOA ns hostmaster 1 1 1 1 1");
        var soa2 = R("@ SOA ns hostmaster 2 1 1 1 1");
        var soa3 = R("@ SOA ns hostmaster 3 1 1 1 1");
        DnsMessage? seen = null;
        await using var server = new TestDnsServer((q, _) =>
        {
            seen = q;
            return
            [
                new ServerReply(Message(q, true, soa3, soa1, R("nezu A 133.69.136.5"), soa2, R("jain-bb A 133.69.136.4"))),
                new ServerReply(Message(q, false, soa2, R("jain-bb A 133.69.136.4"), soa3, R("jain-bb A 133.69.136.3"), soa3)),
            ];
        });
        var client = new ZoneTransferClient(server.EndPoint, Options);
        var result = await client.IxfrAsync(s_zone, 1);

        seen!.Questions[0].Type.ShouldBe(DnsRecordType.IXFR);
        seen.Authorities.Single().Data.ShouldBeOfType<SoaRecord>().Serial.ShouldBe(1u);
        result.IsIncremental.ShouldBeTrue();
        result.CurrentSoa.Serial.ShouldBe(3u);
        result.Deltas.Count.ShouldBe(2);
        result.Deltas[0].OldSerial.ShouldBe(1u);
        result.Deltas[0].NewSerial.ShouldBe(2u);
        result.Deltas[0].Deleted.Single().Name.ToString().ShouldBe("nezu.example.");
        result.Deltas[0].Added.Single().Name.ToString().ShouldBe("jain-bb.example.");
        result.Deltas[1].Added.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("133.69.136.3"));
        result.ResponseMessages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Ixfr_single_soa_means_up_to_dateAsync()
    {
        var soa = R("@ SOA ns hostmaster 7 1 1 1 1");
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Message(q, true, soa))]);
        var result = await new ZoneTransferClient(server.EndPoint, Options).IxfrAsync(s_zone, 7);
        result.IsUpToDate.ShouldBeTrue();
        result.Deltas.ShouldBeEmpty();
    }

    [Fact]
    public async Task Ixfr_may_fall_back_to_a_full_zoneAsync()
    {
        var soa = R("@ SOA ns hostmaster 9 1 1 1 1");
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Message(q, true, soa, R("a A 192.0.2.1"), R("b A 192.0.2.2"), soa))]);
        var result = await new ZoneTransferClient(server.EndPoint, Options).IxfrAsync(s_zone, 3);
        result.IsIncremental.ShouldBeFalse();
        result.FullZone.Count.ShouldBe(3);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, false, false)]
    public async Task Tsig_protected_axfr_needs_a_signed_chain_ending_signedAsync(bool signFirst, bool signLast, bool succeeds)
    {
        var key = new TsigKey(DnsName.Parse("xfr."), [7, 7, 7, 7, 7, 7, 7, 7]);
        var soa = R("@ SOA ns hostmaster 5 1 1 1 1");
        await using var server = new TestDnsServer((q, _) =>
        {
            var requestMac = ((TsigRecord)q.Tsig!.Data).Mac.ToArray();
            var m1 = Message(q, true, soa, R("a A 192.0.2.1"));
            var m2 = Message(q, false, R("b A 192.0.2.2"));
            var m3 = Message(q, false, R("c A 192.0.2.3"), soa);
            var (s1, mac1) = signFirst ? TsigSigner.Sign(m1, key, DateTimeOffset.UtcNow, requestMac) : (m1, []);
            var s3 = signLast ? TsigSigner.SignSubsequent(m3, key, DateTimeOffset.UtcNow, mac1, [m2]).Message : m3;
            return [new ServerReply(s1), new ServerReply(m2), new ServerReply(s3)];
        });
        var client = new ZoneTransferClient(server.EndPoint, new DnsClientOptions { TsigKey = key, Timeout = TimeSpan.FromSeconds(2) });
        var records = new List<ResourceRecord>();
        async Task RunAsync()
        {
            await foreach (var record in client.AxfrAsync(s_zone))
            {
                records.Add(record);
            }
        }

        if (succeeds)
        {
            await RunAsync();
            records.Count.ShouldBe(5);
        }
        else
        {
            (await Should.ThrowAsync<ZoneTransferException>(RunAsync)).Message.ShouldContain(signFirst ? "not signed" : "TSIG");
        }
    }
}
