using System.Collections.Concurrent;
using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Transport;
using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Resolution;

/// <summary>
/// Sends single queries to server addresses with no retry (an availability probe is one query, RSSAC047), bounded
/// overall concurrency and a per-address politeness limit, and keeps every result as evidence.
/// </summary>
public sealed class Prober : IDisposable
{
    private readonly SemaphoreSlim _global;
    private readonly ConcurrentDictionary<IPAddress, SemaphoreSlim> _perServer = new();
    private readonly ConcurrentQueue<ProbeResult> _all = new();
    private int _queries;

    public Prober(ProbeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _global = new SemaphoreSlim(settings.MaxConcurrency);
    }

    public ProbeSettings Settings { get; }

    /// <summary>Queries sent so far.</summary>
    public int QueriesSent => Volatile.Read(ref _queries);

    /// <summary>Every probe so far, in completion order.</summary>
    public IReadOnlyCollection<ProbeResult> All => _all;

    public async Task<ProbeResult> QueryAsync(string serverName, IPAddress address, DnsName name, DnsRecordType type, ProbeQuery query,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(query);
        var message = DnsMessage.CreateQuery(name, type, recursionDesired: query.RecursionDesired);
        if (query.Edns)
        {
            message.Edns = new EdnsInfo { UdpPayloadSize = EdnsInfo.DefaultUdpPayloadSize, DnssecOk = query.DnssecOk, Version = query.EdnsVersion };
        }

        var perServer = _perServer.GetOrAdd(address, _ => new SemaphoreSlim(Settings.PerServerConcurrency));
        // Per-address slot first, then the shared one: a caller waiting on a busy address must not hold a shared slot
        // that others could use, and each slot is released in its own finally so a cancelled wait leaks nothing.
        await perServer.WaitAsync(cancellationToken);
        ProbeResult result;
        try
        {
            await _global.WaitAsync(cancellationToken);
            try
            {
                result = await SendAsync(serverName, address, name, type, query, message, cancellationToken);
            }
            finally
            {
                _global.Release();
            }
        }
        finally
        {
            perServer.Release();
        }

        if (Settings.KeepResults)
        {
            _all.Enqueue(result);
        }

        return result;
    }

    private async Task<ProbeResult> SendAsync(string serverName, IPAddress address, DnsName name, DnsRecordType type, ProbeQuery query,
        DnsMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        var sentAt = Settings.Time.GetUtcNow();
        try
        {
            await using var client = new DnsClient(new IPEndPoint(address, 53), new DnsClientOptions
            {
                Timeout = Settings.Timeout,
                Retries = 0,
                TcpFallbackOnTruncation = false,
                UseTcpOnly = query.Tcp,
                TimeProvider = Settings.Time,
                LocalAddress = Settings.SourceAddress,
            });
            var exchange = await client.SendAsync(message, cancellationToken);
            return new ProbeResult
            {
                ServerName = serverName,
                Address = address,
                Name = name,
                Type = type,
                Query = query,
                Outcome = ProbeOutcome.Answered,
                Response = exchange.Response,
                QueryBytes = exchange.QueryBytes,
                ResponseBytes = exchange.ResponseBytes,
                RoundTrip = exchange.RoundTripTime,
                SentAt = exchange.Final.SentAt,
            };
        }
        catch (DnsTransportException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var attempt = ex.Attempts.Count > 0 ? ex.Attempts[^1] : null;
            return new ProbeResult
            {
                ServerName = serverName,
                Address = address,
                Name = name,
                Type = type,
                Query = query,
                Outcome = ex switch
                {
                    DnsTimeoutException => ProbeOutcome.Timeout,
                    DnsResponseFormatException => ProbeOutcome.Malformed,
                    _ when attempt?.Outcome == DnsAttemptOutcome.TimedOut => ProbeOutcome.Timeout,
                    _ when attempt?.Outcome == DnsAttemptOutcome.Malformed => ProbeOutcome.Malformed,
                    _ => ProbeOutcome.NetworkError,
                },
                QueryBytes = attempt is { QueryBytes.IsEmpty: false } ? attempt.QueryBytes : message.Encode(),
                ResponseBytes = ex is DnsResponseFormatException format ? format.ResponseBytes : attempt?.ResponseBytes ?? default,
                RoundTrip = attempt?.Elapsed ?? Settings.Time.GetUtcNow() - sentAt,
                SentAt = attempt?.SentAt ?? sentAt,
                Error = ex.Message,
            };
        }
    }

    public void Dispose()
    {
        _global.Dispose();
        foreach (var semaphore in _perServer.Values)
        {
            semaphore.Dispose();
        }
    }
}
