using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Messages;

namespace DnsCert.Lab.Faults;

/// <summary>
/// The lab's FAULT RESPONDER: a small purpose-built DNS forwarder that plays a broken server where real server
/// software cannot be made to misbehave on demand. It takes over one server address and forwards to the real daemon's
/// backend address, breaking the exchange the way the fault says: tcp-broken (no TCP listener), edns-formerr (FORMERR
/// to every query with OPT), truncation-no-tcp (TC on every UDP answer, no TCP), slow-server (answers held back).
/// In <see cref="AddedRtt"/> mode it is no fault but the lab's added round trip (<c>lab rtt</c>): every answer held
/// back, and a TCP connection's first query once more (the handshake's round trip).
/// </summary>
public sealed class FaultResponder
{
    /// <summary>The mode of <c>lab rtt</c>: a relay that adds a round trip to a healthy server.</summary>
    public const string AddedRtt = "added-rtt";

    private readonly IPEndPoint _listen;
    private readonly IPEndPoint _backend;
    private readonly string _mode;
    private readonly TimeSpan _delay;

    /// <param name="listen">The server address taken over.</param>
    /// <param name="backend">The real daemon's backend address.</param>
    /// <param name="mode">The fault played.</param>
    /// <param name="delayMilliseconds">slow-server only: how long each answer is held (default 1,500 ms).</param>
    public FaultResponder(string listen, string backend, string mode, int? delayMilliseconds = null)
    {
        _listen = new IPEndPoint(IPAddress.Parse(listen), 53);
        _backend = new IPEndPoint(IPAddress.Parse(backend), 53);
        _mode = mode;
        _delay = TimeSpan.FromMilliseconds(delayMilliseconds ?? FaultCatalogue.SlowServerDelayMilliseconds);
        if (mode != AddedRtt && FaultCatalogue.Get(mode).Takeover != AddressTakeover.Responder)
        {
            throw new LabException($"the fault responder does not play '{mode}'");
        }
    }

    private bool ServesTcp => _mode is FaultCatalogue.EdnsFormerr or FaultCatalogue.SlowServer or AddedRtt;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(_listen);
        TcpListener? tcp = null;
        if (ServesTcp)
        {
            tcp = new TcpListener(_listen);
            tcp.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Start();
        }

        try
        {
            var tasks = new List<Task> { UdpLoopAsync(udp, cancellationToken) };
            if (tcp is not null)
            {
                tasks.Add(TcpLoopAsync(tcp, cancellationToken));
            }

            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            tcp?.Stop();
        }
    }

    private async Task UdpLoopAsync(UdpClient udp, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await udp.ReceiveAsync(cancellationToken);
            _ = Task.Run(async () =>
            {
                var answer = await AnswerAsync(request.Buffer, tcp: false, cancellationToken);
                if (answer is not null)
                {
                    await udp.SendAsync(answer, request.RemoteEndPoint, cancellationToken);
                }
            }, cancellationToken);
        }
    }

    private async Task TcpLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    try
                    {
                        if (_mode == AddedRtt)
                        {
                            // SYN, SYN-ACK: a real path's round trip before the first query can leave.
                            await Task.Delay(_delay, cancellationToken);
                        }

                        while (true)
                        {
                            var query = await ReadFramedAsync(stream, cancellationToken);
                            var answer = await AnswerAsync(query, tcp: true, cancellationToken);
                            if (answer is null)
                            {
                                return;
                            }

                            await WriteFramedAsync(stream, answer, cancellationToken);
                        }
                    }
                    catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
                    {
                        // The client went away.
                    }
                }
            }, cancellationToken);
        }
    }

    private async Task<byte[]?> AnswerAsync(byte[] query, bool tcp, CancellationToken cancellationToken)
    {
        DnsMessage request;
        try
        {
            request = DnsMessage.Decode(query);
        }
        catch (DnsFormatException)
        {
            return null;
        }

        switch (_mode)
        {
            case FaultCatalogue.EdnsFormerr when request.Edns is not null:
                return Reply(request, DnsResponseCode.FormErr, truncated: false);
            case FaultCatalogue.TruncationNoTcp:
                return Reply(request, DnsResponseCode.NoError, truncated: true);
            case FaultCatalogue.SlowServer or AddedRtt:
                await Task.Delay(_delay, cancellationToken);
                break;
            default:
                break;
        }

        return tcp ? await ForwardTcpAsync(query, cancellationToken) : await ForwardUdpAsync(query, cancellationToken);
    }

    private static byte[] Reply(DnsMessage request, DnsResponseCode code, bool truncated)
    {
        var reply = new DnsMessage
        {
            Id = request.Id,
            IsResponse = true,
            OpCode = request.OpCode,
            RecursionDesired = request.RecursionDesired,
            IsAuthoritative = truncated,
            IsTruncated = truncated,
            ResponseCode = code,
        };
        foreach (var question in request.Questions)
        {
            reply.Questions.Add(question);
        }

        return reply.Encode();
    }

    private async Task<byte[]?> ForwardUdpAsync(byte[] query, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        udp.Connect(_backend);
        await udp.SendAsync(query, cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            return (await udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<byte[]?> ForwardTcpAsync(byte[] query, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(_backend, cancellationToken);
        var stream = client.GetStream();
        await WriteFramedAsync(stream, query, cancellationToken);
        return await ReadFramedAsync(stream, cancellationToken);
    }

    private static async Task<byte[]> ReadFramedAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var length = new byte[2];
        await stream.ReadExactlyAsync(length, cancellationToken);
        var data = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
        await stream.ReadExactlyAsync(data, cancellationToken);
        return data;
    }

    private static async Task WriteFramedAsync(NetworkStream stream, byte[] data, CancellationToken cancellationToken)
    {
        var framed = new byte[data.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)data.Length);
        data.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken);
    }
}
