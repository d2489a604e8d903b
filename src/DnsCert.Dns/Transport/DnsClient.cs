using System.Net;
using System.Security.Cryptography;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Transport;

/// <summary>
/// Sends queries to one server: UDP with EDNS, retries with fresh random IDs and ports, TCP when truncated,
/// and a pipelined TCP connection reused across queries. Every result carries its raw bytes and timing.
/// </summary>
public sealed class DnsClient : IAsyncDisposable
{
    private readonly DnsClientOptions _options;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private DnsTcpConnection? _tcp;

    /// <summary>Creates a client for <paramref name="server"/>.</summary>
    public DnsClient(IPEndPoint server, DnsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _options = options ?? new DnsClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.Retries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Timeout, TimeSpan.Zero);
    }

    /// <summary>The server queried.</summary>
    public IPEndPoint Server { get; }

    /// <summary>Builds and sends a query for <paramref name="name"/>/<paramref name="type"/>.</summary>
    public Task<DnsExchange> QueryAsync(DnsName name, DnsRecordType type, DnsClass dnsClass = DnsClass.IN,
        bool recursionDesired = false, CancellationToken cancellationToken = default)
    {
        var query = DnsMessage.CreateQuery(name, type, dnsClass, recursionDesired: recursionDesired);
        if (_options.UdpPayloadSize is { } size)
        {
            query.Edns = new EdnsInfo { UdpPayloadSize = size, DnssecOk = _options.DnssecOk };
            if (_options.RequestNsid)
            {
                query.Edns.Options.Add(new NsidOption([]));
            }
        }

        return SendAsync(query, cancellationToken);
    }

    /// <summary>
    /// Sends a prepared query (its ID is replaced by a random one for each attempt) and returns the accepted response.
    /// </summary>
    /// <exception cref="DnsTimeoutException">No attempt got an acceptable response.</exception>
    /// <exception cref="DnsTransportException">The network failed.</exception>
    /// <exception cref="DnsResponseFormatException">The server's TCP response was malformed.</exception>
    public async Task<DnsExchange> SendAsync(DnsMessage query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var question = query.Questions.Count == 1 ? query.Questions[0] : null;
        var attempts = new List<DnsAttempt>();
        if (!_options.UseTcpOnly)
        {
            for (var i = 0; i <= _options.Retries; i++)
            {
                // A new unpredictable ID per attempt (RFC 5452 §9.2), so late answers to an earlier try are ignored.
                query.Id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
                var (bytes, mac) = Sign(query.Encode());
                UdpExchanger.ResponseFilter? filter = _options.TsigKey is { } key
                    ? (data, response) => TsigSigner.Verify(data, response, key, _options.TimeProvider.GetUtcNow(), mac) == TsigStatus.Valid
                    : null;
                var (attempt, response) = await UdpExchanger.ExchangeAsync(Server, bytes, question, _options.Timeout,
                    _options.TimeProvider, filter, cancellationToken, _options.LocalAddress);
                attempts.Add(attempt);
                if (response is null)
                {
                    continue;
                }

                if (!response.IsTruncated || !_options.TcpFallbackOnTruncation)
                {
                    return new DnsExchange(query, response, attempts);
                }

                return await SendTcpCoreAsync(query, question, attempts, cancellationToken);
            }

            if (attempts.All(a => a.Outcome == DnsAttemptOutcome.NetworkError))
            {
                throw new DnsTransportException($"UDP to {Server} failed: {attempts[^1].Error}") { Attempts = attempts };
            }

            throw new DnsTimeoutException($"no response from {Server} after {attempts.Count} UDP attempts") { Attempts = attempts };
        }

        return await SendTcpCoreAsync(query, question, attempts, cancellationToken);
    }

    private async Task<DnsExchange> SendTcpCoreAsync(DnsMessage query, DnsQuestion? question, List<DnsAttempt> attempts,
        CancellationToken cancellationToken, bool isRetry = false)
    {
        var sentAt = _options.TimeProvider.GetUtcNow();
        var started = _options.TimeProvider.GetTimestamp();
        byte[] bytes = [];
        IPEndPoint? local = null;
        DnsTcpConnection? connection = null;
        var reused = false;
        try
        {
            (connection, reused) = await GetConnectionAsync(cancellationToken);
            local = connection.LocalEndPoint;
            query.Id = connection.NextId();
            (bytes, var mac) = Sign(query.Encode());
            var (responseBytes, response) = await connection.ExchangeAsync(bytes, question, _options.Timeout, cancellationToken);
            if (_options.TsigKey is { } key)
            {
                var status = TsigSigner.Verify(responseBytes, response, key, _options.TimeProvider.GetUtcNow(), mac);
                if (status != TsigStatus.Valid)
                {
                    throw new DnsTransportException($"TCP response from {Server} failed TSIG verification: {status}");
                }
            }

            attempts.Add(new DnsAttempt
            {
                Protocol = DnsTransportProtocol.Tcp,
                Server = Server,
                LocalEndPoint = local,
                QueryBytes = bytes,
                ResponseBytes = responseBytes,
                SentAt = sentAt,
                Elapsed = _options.TimeProvider.GetElapsedTime(started),
                Outcome = DnsAttemptOutcome.Answered,
            });
            return new DnsExchange(query, response, attempts);
        }
        catch (DnsTransportException ex)
        {
            attempts.Add(new DnsAttempt
            {
                Protocol = DnsTransportProtocol.Tcp,
                Server = Server,
                LocalEndPoint = local,
                QueryBytes = bytes,
                ResponseBytes = (ex as DnsResponseFormatException)?.ResponseBytes ?? default,
                SentAt = sentAt,
                Elapsed = _options.TimeProvider.GetElapsedTime(started),
                Outcome = ex switch
                {
                    DnsTimeoutException => DnsAttemptOutcome.TimedOut,
                    DnsResponseFormatException => DnsAttemptOutcome.Malformed,
                    _ => DnsAttemptOutcome.NetworkError,
                },
                Error = ex.Message,
            });
            // RFC 7766 §6.2.3: servers may close idle connections at any time; a query caught by that is resent once
            // on a new connection.
            if (ex is DnsTransportException and not DnsTimeoutException && reused && !isRetry && connection is { IsOpen: false })
            {
                return await SendTcpCoreAsync(query, question, attempts, cancellationToken, isRetry: true);
            }

            throw ex switch
            {
                DnsTimeoutException => new DnsTimeoutException(ex.Message, ex) { Attempts = attempts },
                DnsResponseFormatException format => new DnsResponseFormatException(ex.Message, ex)
                {
                    Attempts = attempts,
                    ResponseBytes = format.ResponseBytes,
                },
                _ => new DnsTransportException(ex.Message, ex) { Attempts = attempts },
            };
        }
    }

    private (byte[] Bytes, byte[] Mac) Sign(byte[] query) =>
        _options.TsigKey is { } key ? TsigSigner.Sign(query, key, _options.TimeProvider.GetUtcNow()) : (query, []);

    private async Task<(DnsTcpConnection Connection, bool Reused)> GetConnectionAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_tcp is { IsOpen: true })
            {
                return (_tcp, true);
            }

            if (_tcp is not null)
            {
                await _tcp.DisposeAsync();
            }

            _tcp = await DnsTcpConnection.ConnectAsync(Server, _options.Timeout, _options.LocalAddress, cancellationToken);
            return (_tcp, false);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_tcp is not null)
        {
            await _tcp.DisposeAsync();
        }

        _connectLock.Dispose();
    }
}
