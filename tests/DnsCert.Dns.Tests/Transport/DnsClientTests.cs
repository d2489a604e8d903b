using System.Net;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;
using DnsCert.Dns.Transport;

namespace DnsCert.Dns.Tests.Transport;

public class DnsClientTests
{
    private static readonly DnsName s_name = DnsName.Parse("www.example.");

    private static byte[] Answer(DnsMessage query, string address = "192.0.2.1", bool truncated = false)
    {
        var response = TestDnsServer.ResponseTo(query);
        response.IsTruncated = truncated;
        if (!truncated)
        {
            response.Answers.Add(new ResourceRecord(query.Questions[0].Name, DnsClass.IN, 60, new ARecord(IPAddress.Parse(address))));
        }

        return response.Encode();
    }

    private static DnsClientOptions Fast(int retries = 2) => new() { Timeout = TimeSpan.FromMilliseconds(300), Retries = retries };

    [Fact]
    public async Task Udp_answer_is_accepted_with_evidenceAsync()
    {
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Answer(q))]);
        await using var client = new DnsClient(server.EndPoint, Fast());
        var exchange = await client.QueryAsync(s_name, DnsRecordType.A);

        exchange.Protocol.ShouldBe(DnsTransportProtocol.Udp);
        exchange.Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("192.0.2.1"));
        exchange.Attempts.Count.ShouldBe(1);
        DnsMessage.Decode(exchange.QueryBytes.Span).Id.ShouldBe(exchange.Response.Id);
        DnsMessage.Decode(exchange.QueryBytes.Span).Edns!.UdpPayloadSize.ShouldBe(EdnsInfo.DefaultUdpPayloadSize);
        DnsMessage.Decode(exchange.ResponseBytes.Span).Answers.Count.ShouldBe(1);
        exchange.RoundTripTime.ShouldBeGreaterThan(TimeSpan.Zero);
        exchange.Final.LocalEndPoint!.Port.ShouldBeGreaterThanOrEqualTo(1024);
    }

    [Fact]
    public async Task Edns_flags_and_nsid_are_sent_and_readAsync()
    {
        EdnsInfo? seen = null;
        await using var server = new TestDnsServer((q, _) =>
        {
            seen = q.Edns;
            var response = DnsMessage.Decode(Answer(q));
            response.Edns = new EdnsInfo { Options = { new NsidOption("ns1.lab"u8.ToArray()) } };
            return [new ServerReply(response.Encode())];
        });
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { DnssecOk = true, RequestNsid = true, UdpPayloadSize = 1400 });
        var exchange = await client.QueryAsync(s_name, DnsRecordType.A);

        seen.ShouldNotBeNull().DnssecOk.ShouldBeTrue();
        seen.UdpPayloadSize.ShouldBe((ushort)1400);
        seen.GetOption<NsidOption>().ShouldNotBeNull().Identifier.Length.ShouldBe(0);
        exchange.Response.Edns!.GetOption<NsidOption>()!.Identifier.ToArray().ShouldBe("ns1.lab"u8.ToArray());
    }

    [Fact]
    public async Task Ids_and_source_ports_are_randomisedAsync()
    {
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Answer(q))]);
        // One attempt per query and time to spare: a 300 ms retry on a loaded machine would add a ninth source.
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { Timeout = TimeSpan.FromSeconds(10), Retries = 0 });
        for (var i = 0; i < 8; i++)
        {
            await client.QueryAsync(s_name, DnsRecordType.A);
        }

        var sources = server.UdpSources.ToArray();
        sources.Length.ShouldBe(8);

        // Eight draws from ~64k values each: a repeat has probability below 0.1%.
        sources.Select(s => s.From.Port).Distinct().Count().ShouldBeGreaterThanOrEqualTo(7);
        sources.Select(s => s.Id).Distinct().Count().ShouldBeGreaterThanOrEqualTo(7);
    }

    [Fact]
    public async Task Truncated_udp_answer_is_retried_over_tcpAsync()
    {
        await using var server = new TestDnsServer((q, protocol) =>
            [new ServerReply(protocol == DnsTransportProtocol.Udp ? Answer(q, truncated: true) : Answer(q, "192.0.2.99"))]);
        await using var client = new DnsClient(server.EndPoint, Fast());
        var exchange = await client.QueryAsync(s_name, DnsRecordType.A);

        exchange.Protocol.ShouldBe(DnsTransportProtocol.Tcp);
        exchange.Attempts.Select(a => a.Outcome).ShouldBe([DnsAttemptOutcome.Truncated, DnsAttemptOutcome.Answered]);
        exchange.Response.IsTruncated.ShouldBeFalse();
        exchange.Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("192.0.2.99"));
        server.UdpQueries.ShouldBe(1);
        server.TcpQueries.ShouldBe(1);
    }

    [Fact]
    public async Task Lost_datagrams_are_retried_with_new_idsAsync()
    {
        var seen = 0;
        await using var server = new TestDnsServer((q, _) => Interlocked.Increment(ref seen) <= 2 ? [] : [new ServerReply(Answer(q))]);
        await using var client = new DnsClient(server.EndPoint, Fast(retries: 2));
        var exchange = await client.QueryAsync(s_name, DnsRecordType.A);

        exchange.Attempts.Select(a => a.Outcome).ShouldBe([DnsAttemptOutcome.TimedOut, DnsAttemptOutcome.TimedOut, DnsAttemptOutcome.Answered]);
        exchange.Attempts.Take(2).ShouldAllBe(a => a.Elapsed >= TimeSpan.FromMilliseconds(250));
        server.UdpSources.Select(s => s.Id).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public async Task Silence_ends_in_a_timeout_listing_every_attemptAsync()
    {
        await using var server = new TestDnsServer((_, _) => []);
        await using var client = new DnsClient(server.EndPoint, Fast(retries: 1));
        var ex = await Should.ThrowAsync<DnsTimeoutException>(() => client.QueryAsync(s_name, DnsRecordType.A));
        ex.Attempts.Count.ShouldBe(2);
        ex.Attempts.ShouldAllBe(a => a.Outcome == DnsAttemptOutcome.TimedOut && a.QueryBytes.Length > 12);
        server.UdpQueries.ShouldBe(2);
    }

    [Fact]
    public async Task Mismatched_responses_are_ignoredAsync()
    {
        await using var server = new TestDnsServer((q, _) =>
        {
            var wrongId = DnsMessage.Decode(Answer(q, "198.51.100.1"));
            wrongId.Id ^= 0x5555;
            var wrongQuestion = TestDnsServer.ResponseTo(q);
            wrongQuestion.Questions[0] = new DnsQuestion(DnsName.Parse("evil.example."), DnsRecordType.A);
            wrongQuestion.Answers.Add(new ResourceRecord(DnsName.Parse("evil.example."), DnsClass.IN, 60, new ARecord(IPAddress.Parse("198.51.100.2"))));
            var notResponse = DnsMessage.Decode(Answer(q, "198.51.100.3"));
            notResponse.IsResponse = false;
            return
            [
                new ServerReply(wrongId.Encode()),
                new ServerReply(wrongQuestion.Encode()),
                new ServerReply(notResponse.Encode()),
                new ServerReply(Answer(q, "198.51.100.4"), FromOtherPort: true),
                new ServerReply([0x12]),
                new ServerReply(Answer(q, "192.0.2.7")),
            ];
        });
        await using var client = new DnsClient(server.EndPoint, Fast());
        var exchange = await client.QueryAsync(s_name, DnsRecordType.A);

        exchange.Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("192.0.2.7"));
        exchange.Attempts.Count.ShouldBe(1);
        exchange.Final.IgnoredPackets.ShouldBe(5);
        exchange.Final.LastIgnoredBytes.ToArray().ShouldBe(new byte[] { 0x12 });
    }

    [Fact]
    public async Task Tcp_queries_are_pipelined_on_one_connectionAsync()
    {
        const int Count = 5;
        await using var server = new TestDnsServer(
            (q, _) => [new ServerReply(Answer(q, $"192.0.2.{q.Questions[0].Name.GetLabel(0)[1] - '0' + 10}"))], tcpBatch: Count);
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(5) });

        // The server replies only after all five queries arrived, in reverse order: this passes only if the queries
        // were written without waiting for answers and the responses are matched by ID.
        var tasks = Enumerable.Range(0, Count)
            .Select(i => client.QueryAsync(DnsName.Parse($"q{i}.example."), DnsRecordType.A))
            .ToArray();
        var exchanges = await Task.WhenAll(tasks);

        for (var i = 0; i < Count; i++)
        {
            exchanges[i].Protocol.ShouldBe(DnsTransportProtocol.Tcp);
            exchanges[i].Response.Questions[0].Name.ToString().ShouldBe($"q{i}.example.");
            exchanges[i].Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse($"192.0.2.{i + 10}"));
        }

        server.TcpConnections.ShouldBe(1);
        server.TcpQueries.ShouldBe(Count);
        exchanges.Select(e => e.Response.Id).Distinct().Count().ShouldBe(Count);
    }

    [Fact]
    public async Task Tcp_connection_is_reused_across_queriesAsync()
    {
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Answer(q))]);
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(2) });
        await client.QueryAsync(s_name, DnsRecordType.A);
        await client.QueryAsync(s_name, DnsRecordType.A);
        server.TcpConnections.ShouldBe(1);
    }

    [Fact]
    public async Task Closed_tcp_connection_is_replaced_transparentlyAsync()
    {
        await using var server = new TestDnsServer((q, _) => [new ServerReply(Answer(q))], closeTcpAfterReply: true);
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(2) });
        for (var i = 0; i < 3; i++)
        {
            (await client.QueryAsync(s_name, DnsRecordType.A)).Response.Answers.Count.ShouldBe(1);
        }

        server.TcpConnections.ShouldBe(3);
    }

    [Fact]
    public async Task Malformed_tcp_answer_is_reported_as_a_format_errorAsync()
    {
        byte[] sent = [];
        await using var server = new TestDnsServer((q, _) =>
        {
            sent = Answer(q)[..^2];
            return [new ServerReply(sent)];
        });
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(2) });
        var ex = await Should.ThrowAsync<DnsResponseFormatException>(() => client.QueryAsync(s_name, DnsRecordType.A));
        ex.ResponseBytes.ToArray().ShouldBe(sent);
        ex.InnerException.ShouldBeOfType<DnsResponseFormatException>().InnerException.ShouldBeOfType<DnsFormatException>();
        ex.Attempts.Single().Outcome.ShouldBe(DnsAttemptOutcome.Malformed);
        ex.Attempts.Single().ResponseBytes.ToArray().ShouldBe(sent);
    }

    [Fact]
    public async Task Refused_tcp_connection_is_a_transport_error_not_a_timeoutAsync()
    {
        IPEndPoint closed;
        await using (var server = new TestDnsServer((_, _) => []))
        {
            closed = server.EndPoint;
        }

        await using var client = new DnsClient(closed, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(2) });
        var ex = await Should.ThrowAsync<DnsTransportException>(() => client.QueryAsync(s_name, DnsRecordType.A));
        ex.ShouldNotBeOfType<DnsTimeoutException>();
        ex.Attempts.Single().Outcome.ShouldBe(DnsAttemptOutcome.NetworkError);
    }

    [Fact]
    public async Task Tcp_timeout_is_reportedAsync()
    {
        await using var server = new TestDnsServer((_, _) => []);
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { UseTcpOnly = true, Timeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Should.ThrowAsync<DnsTimeoutException>(() => client.QueryAsync(s_name, DnsRecordType.A));
        ex.Attempts.Single().Protocol.ShouldBe(DnsTransportProtocol.Tcp);
    }

    [Fact]
    public async Task Cancellation_is_honouredAsync()
    {
        await using var server = new TestDnsServer((_, _) => []);
        await using var client = new DnsClient(server.EndPoint, new DnsClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Should.ThrowAsync<OperationCanceledException>(() => client.QueryAsync(s_name, DnsRecordType.A, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Tsig_signs_queries_and_discards_unsigned_answersAsync()
    {
        var key = new TsigKey(DnsName.Parse("transfer-key."), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        var queryStatus = TsigStatus.NotSigned;
        await using var server = new TestDnsServer((q, protocol) =>
        {
            var forged = Answer(q, "198.51.100.66");
            if (q.Tsig?.Data is not TsigRecord tsig)
            {
                return [new ServerReply(forged)];
            }

            var requestMac = tsig.Mac.ToArray();
            queryStatus = TsigSigner.Verify(q.Encode(), key, DateTimeOffset.UtcNow);
            var wrongChain = TsigSigner.Sign(forged, key, DateTimeOffset.UtcNow).Message;
            var genuine = TsigSigner.Sign(Answer(q, "192.0.2.53"), key, DateTimeOffset.UtcNow, requestMac).Message;
            return [new ServerReply(forged), new ServerReply(wrongChain), new ServerReply(genuine)];
        });
        await using var client = new DnsClient(server.EndPoint, Fast());
        await using var signingClient = new DnsClient(server.EndPoint, new DnsClientOptions { TsigKey = key, Timeout = TimeSpan.FromSeconds(2) });

        var exchange = await signingClient.QueryAsync(s_name, DnsRecordType.A);
        queryStatus.ShouldBe(TsigStatus.Valid);
        exchange.Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("192.0.2.53"));
        exchange.Final.IgnoredPackets.ShouldBe(2);
        DnsMessage.Decode(exchange.QueryBytes.Span).Tsig.ShouldNotBeNull();

        // Without a key the first (forged) datagram is simply accepted: the filter is what made the difference.
        var plain = await client.QueryAsync(s_name, DnsRecordType.A);
        plain.Response.Answers.Single().Data.ShouldBeOfType<ARecord>().Address.ShouldBe(IPAddress.Parse("198.51.100.66"));
    }
}
