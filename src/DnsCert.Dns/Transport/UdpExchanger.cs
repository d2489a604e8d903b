using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DnsCert.Dns.Messages;

namespace DnsCert.Dns.Transport;

/// <summary>
/// One UDP attempt on a fresh socket bound to a random source port, accepting only a datagram from the queried
/// address and port with the query's ID, QR set and the same question (RFC 5452 §4.1–§9.1).
/// </summary>
internal static class UdpExchanger
{
    /// <summary>Extra acceptance check on a decoded response (used for TSIG).</summary>
    public delegate bool ResponseFilter(ReadOnlySpan<byte> bytes, DnsMessage response);

    // Largest UDP payload; responses bigger than the advertised size are still read whole so they can be recorded.
    private const int MaxDatagram = 65535;

    // Unprivileged range for random source ports (RFC 6056 §3.2 suggests 1024-65535).
    private const int MinSourcePort = 1024;

    private const int PortBindAttempts = 8;

    public static async Task<(DnsAttempt Attempt, DnsMessage? Response)> ExchangeAsync(IPEndPoint server, byte[] query,
        DnsQuestion? question, TimeSpan timeout, TimeProvider time, ResponseFilter? filter, CancellationToken cancellationToken,
        IPAddress? localAddress = null)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        BindRandomPort(socket, server.AddressFamily, localAddress);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var id = DnsMessage.PeekId(query);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var sentAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var ignored = 0;
        string? lastProblem = null;
        byte[]? lastIgnored = null;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await socket.SendToAsync(query, SocketFlags.None, server, timeoutSource.Token);
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(
                    server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0), timeoutSource.Token);
                var from = (IPEndPoint)received.RemoteEndPoint;
                var data = buffer.AsSpan(0, received.ReceivedBytes);
                if (!from.Equals(server) || DnsMessage.PeekId(data) != id || data.Length < DnsMessage.HeaderSize || (data[2] & 0x80) == 0)
                {
                    ignored++;
                    lastProblem = $"ignored datagram from {from} (source, ID or QR mismatch)";
                    lastIgnored = data.ToArray();
                    continue;
                }

                DnsMessage response;
                try
                {
                    response = DnsMessage.Decode(data);
                }
                catch (DnsFormatException ex)
                {
                    // A spoofer can match source and ID; keep listening for the genuine answer (RFC 5452 §9.1).
                    ignored++;
                    lastProblem = $"ignored undecodable response: {ex.Reason}";
                    lastIgnored = data.ToArray();
                    continue;
                }

                if (question is not null && (response.Questions.Count != 1 || !response.Questions[0].Matches(question)))
                {
                    // RFC 5452 §9.1: the echoed question is part of the match, so an answer without it is not accepted.
                    ignored++;
                    lastProblem = "ignored response with a different question";
                    lastIgnored = data.ToArray();
                    continue;
                }

                if (filter is not null && !filter(data, response))
                {
                    ignored++;
                    lastProblem = "ignored response that failed TSIG verification";
                    lastIgnored = data.ToArray();
                    continue;
                }

                var attempt = new DnsAttempt
                {
                    Protocol = DnsTransportProtocol.Udp,
                    Server = server,
                    LocalEndPoint = local,
                    QueryBytes = query,
                    ResponseBytes = data.ToArray(),
                    SentAt = sentAt,
                    Elapsed = time.GetElapsedTime(started),
                    Outcome = response.IsTruncated ? DnsAttemptOutcome.Truncated : DnsAttemptOutcome.Answered,
                    IgnoredPackets = ignored,
                    LastIgnoredBytes = lastIgnored,
                };
                return (attempt, response);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Failed(server, local, query, sentAt, time.GetElapsedTime(started), DnsAttemptOutcome.TimedOut, ignored, lastProblem ?? "no response")
                with
            { LastIgnoredBytes = lastIgnored }, null);
        }
        catch (SocketException ex)
        {
            return (Failed(server, local, query, sentAt, time.GetElapsedTime(started), DnsAttemptOutcome.NetworkError, ignored, ex.Message), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DnsAttempt Failed(IPEndPoint server, IPEndPoint local, byte[] query, DateTimeOffset sentAt, TimeSpan elapsed,
        DnsAttemptOutcome outcome, int ignored, string error) => new()
        {
            Protocol = DnsTransportProtocol.Udp,
            Server = server,
            LocalEndPoint = local,
            QueryBytes = query,
            SentAt = sentAt,
            Elapsed = elapsed,
            Outcome = outcome,
            IgnoredPackets = ignored,
            Error = error,
        };

    // Source-port randomisation is the main defence against off-path spoofing (RFC 5452 §9.2); the port is drawn
    // from a CSPRNG rather than left to the kernel so the behaviour is the same on every platform.
    private static void BindRandomPort(Socket socket, AddressFamily family, IPAddress? localAddress)
    {
        var any = localAddress is { } local && local.AddressFamily == family ? local
            : family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        for (var i = 0; i < PortBindAttempts; i++)
        {
            try
            {
                socket.Bind(new IPEndPoint(any, RandomNumberGenerator.GetInt32(MinSourcePort, 65536)));
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Try another random port.
            }
        }

        socket.Bind(new IPEndPoint(any, 0));
    }
}
