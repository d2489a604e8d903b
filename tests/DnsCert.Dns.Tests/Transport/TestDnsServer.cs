using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Transport;

namespace DnsCert.Dns.Tests.Transport;

/// <summary>One reply the test server sends for a query.</summary>
internal sealed record ServerReply(byte[] Bytes, TimeSpan Delay = default, bool FromOtherPort = false);

/// <summary>
/// In-process DNS responder on 127.0.0.1 with UDP and TCP on the same random port. The handler decides, per query,
/// what to send back (nothing, wrong IDs, truncated answers...), which lets tests drive every client code path.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly Socket _otherUdp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly Func<DnsMessage, DnsTransportProtocol, IEnumerable<ServerReply>> _handler;
    private int _udpQueries;
    private int _tcpQueries;
    private int _tcpConnections;

    public TestDnsServer(Func<DnsMessage, DnsTransportProtocol, IEnumerable<ServerReply>> handler, int tcpBatch = 1,
        bool closeTcpAfterReply = false)
    {
        _handler = handler;
        TcpBatch = tcpBatch;
        CloseTcpAfterReply = closeTcpAfterReply;
        for (var attempt = 0; ; attempt++)
        {
            _udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)_udp.LocalEndPoint!).Port;
            try
            {
                _tcp = new TcpListener(IPAddress.Loopback, port);
                _tcp.Start();
                EndPoint = new IPEndPoint(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                _udp.Dispose();
            }
        }

        _otherUdp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _otherUdp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _tasks.Add(Task.Run(UdpLoopAsync));
        _tasks.Add(Task.Run(AcceptLoopAsync));
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>On TCP, wait for this many queries on a connection and then answer them in reverse order.</summary>
    public int TcpBatch { get; }

    /// <summary>Close each TCP connection after answering, like a server with a zero idle timeout.</summary>
    public bool CloseTcpAfterReply { get; }

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    public ConcurrentQueue<(IPEndPoint From, ushort Id)> UdpSources { get; } = new();

    /// <summary>A response echoing the query's ID and question.</summary>
    public static DnsMessage ResponseTo(DnsMessage query)
    {
        var response = new DnsMessage { Id = query.Id, IsResponse = true, IsAuthoritative = true, OpCode = query.OpCode };
        foreach (var q in query.Questions)
        {
            response.Questions.Add(q);
        }

        return response;
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65535];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _udpQueries);
            var query = DnsMessage.Decode(buffer.AsSpan(0, received.ReceivedBytes));
            var client = (IPEndPoint)received.RemoteEndPoint;
            UdpSources.Enqueue((client, query.Id));
            foreach (var reply in _handler(query, DnsTransportProtocol.Udp))
            {
                if (reply.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(reply.Delay);
                }

                await (reply.FromOtherPort ? _otherUdp : _udp).SendToAsync(reply.Bytes, SocketFlags.None, client);
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _tcpConnections);
            lock (_tasks)
            {
                _tasks.Add(Task.Run(() => ServeTcpAsync(client)));
            }
        }
    }

    private async Task ServeTcpAsync(Socket client)
    {
        using var socket = client;
        await using var stream = new NetworkStream(socket);
        var batch = new List<DnsMessage>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var header = new byte[2];
                if (await stream.ReadAtLeastAsync(header, 2, throwOnEndOfStream: false, _stop.Token) < 2)
                {
                    return;
                }

                var body = new byte[(header[0] << 8) | header[1]];
                await stream.ReadExactlyAsync(body, _stop.Token);
                Interlocked.Increment(ref _tcpQueries);
                batch.Add(DnsMessage.Decode(body));
                if (batch.Count < TcpBatch)
                {
                    continue;
                }

                batch.Reverse();
                foreach (var query in batch)
                {
                    foreach (var reply in _handler(query, DnsTransportProtocol.Tcp))
                    {
                        if (reply.Delay > TimeSpan.Zero)
                        {
                            await Task.Delay(reply.Delay, _stop.Token);
                        }

                        var frame = new byte[reply.Bytes.Length + 2];
                        frame[0] = (byte)(reply.Bytes.Length >> 8);
                        frame[1] = (byte)reply.Bytes.Length;
                        reply.Bytes.CopyTo(frame, 2);
                        await stream.WriteAsync(frame, _stop.Token);
                    }
                }

                batch.Clear();
                if (CloseTcpAfterReply)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
        {
            // Client went away or the server is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Stop();
        _udp.Dispose();
        _otherUdp.Dispose();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
