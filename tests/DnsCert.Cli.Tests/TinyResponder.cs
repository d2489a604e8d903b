using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Records;

namespace DnsCert.Cli.Tests;

/// <summary>
/// A tiny in-process authoritative responder on 127.0.0.1 (UDP and TCP on one port): answers every question for
/// www.example. A with 192.0.2.1, anything else with NXDOMAIN, echoes DO and answers NSID with "tiny-ns1".
/// With <c>silent</c> it receives and never answers. It remembers the queries it saw.
/// </summary>
internal sealed class TinyResponder : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _silent;
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    public TinyResponder(bool silent = false)
    {
        _silent = silent;
        // One port for both transports: take a free TCP port, then bind UDP to it (retry if UDP is taken).
        for (var attempt = 0; ; attempt++)
        {
            _tcp = new TcpListener(IPAddress.Loopback, 0);
            _tcp.Start();
            Port = ((IPEndPoint)_tcp.LocalEndpoint).Port;
            try
            {
                _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, Port));
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                _tcp.Stop();
            }
        }

        _udpLoop = Task.Run(UdpLoopAsync);
        _tcpLoop = Task.Run(TcpLoopAsync);
    }

    public int Port { get; }

    public string Server => "127.0.0.1#" + Port;

    public List<DnsMessage> Queries { get; } = [];

    private async Task UdpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Answer(received.Buffer) is { } response)
            {
                await _udp.SendAsync(response, received.RemoteEndPoint, _stop.Token);
            }
        }
    }

    private async Task TcpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var length = new byte[2];
                await stream.ReadExactlyAsync(length, _stop.Token);
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                await stream.ReadExactlyAsync(query, _stop.Token);
                if (Answer(query) is { } response)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)response.Length);
                    await stream.WriteAsync(length, _stop.Token);
                    await stream.WriteAsync(response, _stop.Token);
                }
            }
        }
    }

    private byte[]? Answer(byte[] bytes)
    {
        var query = DnsMessage.Decode(bytes);
        lock (Queries)
        {
            Queries.Add(query);
        }

        if (_silent)
        {
            return null;
        }

        var question = query.Questions[0];
        var response = new DnsMessage
        {
            Id = query.Id,
            IsResponse = true,
            IsAuthoritative = true,
            RecursionDesired = query.RecursionDesired,
            Questions = { question },
        };
        if (question.Name.ToString() == "www.example." && question.Type == DnsRecordType.A)
        {
            response.Answers.Add(new ResourceRecord(question.Name, DnsClass.IN, 3600, new ARecord(IPAddress.Parse("192.0.2.1"))));
        }
        else
        {
            response.ResponseCode = DnsResponseCode.NXDomain;
        }

        if (query.Edns is { } edns)
        {
            response.Edns = new EdnsInfo { UdpPayloadSize = 1232, DnssecOk = edns.DnssecOk };
            if (edns.GetOption<NsidOption>() is not null)
            {
                response.Edns.Options.Add(new NsidOption("tiny-ns1"u8.ToArray()));
            }
        }

        return response.Encode();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
