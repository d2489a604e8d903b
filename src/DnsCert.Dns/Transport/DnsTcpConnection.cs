using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DnsCert.Dns.Messages;

namespace DnsCert.Dns.Transport;

/// <summary>
/// A reusable TCP connection that pipelines queries (RFC 7766 §6.2.1): several may be outstanding, responses may
/// arrive in any order and are matched by ID and question.
/// </summary>
public sealed class DnsTcpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ushort, Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private int _ignored;

    private sealed record Pending(DnsQuestion? Question, TaskCompletionSource<(byte[] Bytes, DnsMessage Message)> Completion);

    private DnsTcpConnection(Socket socket, IPEndPoint server)
    {
        _socket = socket;
        Server = server;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The server this connection talks to.</summary>
    public IPEndPoint Server { get; }

    /// <summary>Local address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>False once the server closed the connection or an error occurred.</summary>
    public bool IsOpen => !_closing.IsCancellationRequested;

    /// <summary>Frames received that matched no outstanding query.</summary>
    public int IgnoredFrames => Volatile.Read(ref _ignored);

    /// <summary>Opens a connection.</summary>
    /// <exception cref="DnsTransportException">Connection refused or timed out.</exception>
    public static Task<DnsTcpConnection> ConnectAsync(IPEndPoint server, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ConnectAsync(server, timeout, null, cancellationToken);

    /// <summary>Opens a connection from <paramref name="localAddress"/> (null: the system chooses).</summary>
    /// <exception cref="DnsTransportException">Connection refused or timed out.</exception>
    public static async Task<DnsTcpConnection> ConnectAsync(IPEndPoint server, TimeSpan timeout, IPAddress? localAddress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (localAddress is not null && localAddress.AddressFamily == server.AddressFamily)
        {
            // Source address of a vantage point (an agent bound to its own loopback address); the kernel picks the port.
            socket.Bind(new IPEndPoint(localAddress, 0));
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(server, timeoutSource.Token);
            return new DnsTcpConnection(socket, server);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new DnsTimeoutException($"TCP connection to {server} timed out");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new DnsTransportException($"TCP connection to {server} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Picks a random ID not used by an outstanding query on this connection (RFC 7766 §7).</summary>
    public ushort NextId()
    {
        while (true)
        {
            var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
            if (!_pending.ContainsKey(id))
            {
                return id;
            }
        }
    }

    /// <summary>Sends a query and waits for the response with the same ID and question.</summary>
    /// <exception cref="DnsTimeoutException">No response within <paramref name="timeout"/>.</exception>
    /// <exception cref="DnsTransportException">The connection failed or the ID is already outstanding.</exception>
    /// <exception cref="DnsResponseFormatException">The matching response is malformed.</exception>
    public async Task<(byte[] Bytes, DnsMessage Message)> ExchangeAsync(byte[] query, DnsQuestion? question, TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var id = DnsMessage.PeekId(query) ?? throw new ArgumentException("query shorter than a header", nameof(query));
        var pending = new Pending(question, new TaskCompletionSource<(byte[], DnsMessage)>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.TryAdd(id, pending))
        {
            throw new DnsTransportException($"query ID {id} is already outstanding on this connection");
        }

        // Checked after registering: if the read loop ends now, it either sees this entry and fails it or we see
        // the closed state here, so no query waits for a connection that is gone.
        if (!IsOpen)
        {
            _pending.TryRemove(new KeyValuePair<ushort, Pending>(id, pending));
            throw new DnsTransportException($"connection to {Server} is closed");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _writeLock.WaitAsync(timeoutSource.Token);
            try
            {
                await TcpFraming.WriteAsync(_stream, query, timeoutSource.Token);
            }
            finally
            {
                _writeLock.Release();
            }

            return await pending.Completion.Task.WaitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DnsTimeoutException($"no TCP response from {Server} within {timeout.TotalMilliseconds} ms");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            await CloseAsync();
            throw new DnsTransportException($"TCP write to {Server} failed: {ex.Message}", ex);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ushort, Pending>(id, pending));
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var frame = await TcpFraming.ReadAsync(_stream, _closing.Token);
                if (frame is null)
                {
                    break;
                }

                var id = DnsMessage.PeekId(frame);
                if (id is null || !_pending.TryGetValue(id.Value, out var pending))
                {
                    Interlocked.Increment(ref _ignored);
                    continue;
                }

                DnsMessage message;
                try
                {
                    message = DnsMessage.Decode(frame);
                }
                catch (DnsFormatException ex)
                {
                    // On TCP the stream is already bound to the server; a bad frame with our ID is the server's answer.
                    pending.Completion.TrySetException(new DnsResponseFormatException($"malformed response from {Server}: {ex.Message}", ex)
                    {
                        ResponseBytes = frame,
                    });
                    continue;
                }

                if (pending.Question is not null && (message.Questions.Count != 1 || !message.Questions[0].Matches(pending.Question)))
                {
                    Interlocked.Increment(ref _ignored);
                    continue;
                }

                pending.Completion.TrySetResult((frame, message));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or DnsTransportException or ObjectDisposedException)
        {
            // The connection is unusable; outstanding queries fail below.
        }

        await _closing.CancelAsync();
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetException(new DnsTransportException($"connection to {Server} closed before the response arrived"));
        }
    }

    private async Task CloseAsync()
    {
        await _closing.CancelAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
        try
        {
            await _readLoop;
        }
        catch (ObjectDisposedException)
        {
            // The loop may observe the disposed stream.
        }

        _closing.Dispose();
        _writeLock.Dispose();
    }
}
