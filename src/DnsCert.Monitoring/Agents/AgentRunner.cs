using System.Collections.Concurrent;
using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Model;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Agents;

/// <summary>How an agent runs.</summary>
public sealed record AgentOptions
{
    /// <summary>Name of the vantage point in every measurement.</summary>
    public required string VantagePoint { get; init; }

    /// <summary>Folder of the spool file (one file per vantage point).</summary>
    public required string SpoolDirectory { get; init; }

    /// <summary>Source address of the probes (null: the system chooses).</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>Probe timeout; RSSAC047 §5: 4 s, and no retry.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Queries in flight at once over all servers.</summary>
    public int MaxConcurrency { get; init; } = 64;

    /// <summary>Queries in flight at once to one server address (politeness).</summary>
    public int PerServerConcurrency { get; init; } = 4;

    /// <summary>Results are cut into a spooled batch this often.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest batch sent at once.</summary>
    public int MaxBatchResults { get; init; } = 10_000;

    /// <summary>Longest wait between work pulls (a pull also happens every cycle of the server).</summary>
    public TimeSpan MaxPullInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Version reported in heartbeats.</summary>
    public string? Version { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>What an agent did, for its status output.</summary>
public enum AgentEventKind
{
    /// <summary>Unacknowledged batches found in the spool at start.</summary>
    Replayed,

    /// <summary>Work pulled from the server.</summary>
    Work,

    /// <summary>A zone probed.</summary>
    Probed,

    /// <summary>A batch written to the spool (fsync'd).</summary>
    Spooled,

    /// <summary>The server acknowledged a batch.</summary>
    Acknowledged,

    /// <summary>The server could not be reached; results stay in the spool.</summary>
    Unavailable,

    /// <summary>The server refused a batch for good; it was set aside.</summary>
    Rejected,
}

/// <summary>One status event; <see cref="Text"/> is a stable, script-readable line.</summary>
public sealed record AgentEvent(AgentEventKind Kind, string Text, DateTimeOffset At);

/// <summary>
/// A probe agent: pulls the zones it must probe, probes each once per interval at its schedule slot
/// (<see cref="ProbeSchedule"/>) with the availability probes (SOA over UDP and TCP, 4 s, no retry, a per-address
/// politeness limit and bounded concurrency, one <see cref="Prober"/> shared by every zone), spools the results, and
/// pushes the spool to the server oldest first. While the server or its database is unreachable it keeps probing with
/// the last work it had and keeps the results in the spool; they land later with their own measurement time.
/// </summary>
public sealed class AgentRunner
{
    private readonly IAgentServer _server;
    private readonly AgentOptions _options;
    private readonly Action<AgentEvent> _report;
    private readonly ConcurrentQueue<ProbeMeasurement> _results = new();
    private readonly Dictionary<string, DateTimeOffset> _lastSlot = new(StringComparer.Ordinal);
    private long _lastProbeTicks;

    public AgentRunner(IAgentServer server, AgentOptions options, Action<AgentEvent>? report = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.VantagePoint);
        _server = server;
        _options = options;
        _report = report ?? (_ => { });
    }

    /// <summary>The work last pulled (null before the first successful pull).</summary>
    public AgentWork? Work { get; private set; }

    /// <summary>Runs until cancelled; on the way out, finished results are spooled (sent on the next start).</summary>
    /// <exception cref="AgentRequestRejectedException">The server refused the token.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = _options.Time;
        using var spool = ResultSpool.Open(ResultSpool.FileFor(_options.SpoolDirectory, _options.VantagePoint));
        if (spool.Pending.Count > 0)
        {
            Report(AgentEventKind.Replayed, $"replay batches={spool.Pending.Count} results={spool.PendingResults}");
        }

        using var prober = new Prober(new ProbeSettings
        {
            Timeout = _options.Timeout,
            MaxConcurrency = _options.MaxConcurrency,
            PerServerConcurrency = _options.PerServerConcurrency,
            VantagePoint = _options.VantagePoint,
            SourceAddress = _options.SourceAddress,
            KeepResults = false,
            Time = time,
        });
        var inFlight = new List<Task>();
        var nextPull = DateTimeOffset.MinValue;
        var nextFlush = time.GetUtcNow() + _options.BatchInterval;
        var nextSend = DateTimeOffset.MinValue;
        var nextHeartbeat = DateTimeOffset.MinValue;
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (now >= nextPull)
                {
                    nextPull = now + await PullAsync(cancellationToken);
                }

                StartDueProbes(prober, inFlight, now, cancellationToken);
                if (now >= nextFlush)
                {
                    Flush(spool);
                    nextFlush = now + _options.BatchInterval;
                }

                if (spool.Pending.Count > 0 && now >= nextSend)
                {
                    var sent = await SendPendingAsync(spool, cancellationToken);
                    backoff = sent ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                    nextSend = sent ? now : now + backoff;
                }

                if (now >= nextHeartbeat)
                {
                    nextHeartbeat = now + await HeartbeatAsync(spool, cancellationToken);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: fall through to keep what was measured.
        }
        finally
        {
            try
            {
                await Task.WhenAll(inFlight);
            }
            catch (OperationCanceledException)
            {
                // Probes cut short by the stop measured nothing.
            }

            Flush(spool);
        }
    }

    private async Task<TimeSpan> PullAsync(CancellationToken cancellationToken)
    {
        try
        {
            Work = await _server.GetWorkAsync(_options.VantagePoint, cancellationToken);
            var servers = Work.Zones.Sum(z => z.Servers.Count);
            Report(AgentEventKind.Work, $"work zones={Work.Zones.Count} addresses={servers} cycle={Work.CycleSeconds}s");
            var cycle = TimeSpan.FromSeconds(Math.Max(1, Work.CycleSeconds));
            return cycle < _options.MaxPullInterval ? cycle : _options.MaxPullInterval;
        }
        catch (AgentServerUnavailableException e)
        {
            Report(AgentEventKind.Unavailable, $"unavailable work: {e.Message} (probing with the last work: {Work?.Zones.Count ?? 0} zones)");
            return TimeSpan.FromSeconds(Work is null ? 2 : 5);
        }
    }

    private void StartDueProbes(Prober prober, List<Task> inFlight, DateTimeOffset now, CancellationToken cancellationToken)
    {
        inFlight.RemoveAll(t => t.IsCompleted);
        if (Work is null)
        {
            return;
        }

        foreach (var zone in Work.Zones)
        {
            var interval = TimeSpan.FromSeconds(Math.Max(1, zone.IntervalSeconds));
            var slot = ProbeSchedule.SlotIn(now, _options.VantagePoint, zone.Zone, interval);
            // One probe round per interval, at its slot; a slot missed while the agent was down is not made up.
            if (now >= slot && (!_lastSlot.TryGetValue(zone.Zone, out var last) || last < slot))
            {
                _lastSlot[zone.Zone] = slot;
                inFlight.Add(ProbeZoneAsync(prober, zone, cancellationToken));
            }
        }
    }

    private async Task ProbeZoneAsync(Prober prober, ZoneWork work, CancellationToken cancellationToken)
    {
        if (!DnsName.TryParse(work.Zone, null, out var zone))
        {
            return;
        }

        var probes = new List<Task<ProbeResult>>();
        foreach (var target in work.Servers)
        {
            if (!IPAddress.TryParse(target.Address, out var address))
            {
                continue;
            }

            foreach (var transport in work.Transports)
            {
                var query = string.Equals(transport, "tcp", StringComparison.OrdinalIgnoreCase) ? ProbeQuery.OverTcp : ProbeQuery.Udp;
                probes.Add(prober.QueryAsync(target.ServerName, address, zone, DnsRecordType.SOA, query, cancellationToken));
            }
        }

        var results = await Task.WhenAll(probes);
        foreach (var result in results)
        {
            _results.Enqueue(result.ToMeasurement(_options.VantagePoint, zone));
        }

        Interlocked.Exchange(ref _lastProbeTicks, _options.Time.GetUtcNow().UtcTicks);
        Report(AgentEventKind.Probed, $"probed {zone} queries={results.Length} ok={results.Count(r => r.AuthoritativeOk)}");
    }

    private void Flush(ResultSpool spool)
    {
        var batch = new List<ProbeMeasurement>();
        while (_results.TryDequeue(out var measurement))
        {
            batch.Add(measurement);
            if (batch.Count == _options.MaxBatchResults)
            {
                Spool(spool, batch);
                batch = [];
            }
        }

        if (batch.Count > 0)
        {
            Spool(spool, batch);
        }
    }

    private void Spool(ResultSpool spool, List<ProbeMeasurement> results)
    {
        var batch = new ResultBatch(Guid.CreateVersion7(), _options.VantagePoint, results);
        spool.Append(batch);
        Report(AgentEventKind.Spooled, FormattableString.Invariant(
            $"spooled {batch.BatchId:D} results={results.Count} first={results.Min(r => r.Time):O} last={results.Max(r => r.Time):O}"));
    }

    private async Task<bool> SendPendingAsync(ResultSpool spool, CancellationToken cancellationToken)
    {
        foreach (var batch in spool.Pending)
        {
            try
            {
                var ack = await _server.PushAsync(batch, cancellationToken);
                spool.Acknowledge(batch.BatchId);
                Report(AgentEventKind.Acknowledged, FormattableString.Invariant(
                    $"acknowledged {batch.BatchId:D} stored={ack.Stored} discarded={ack.Discarded} duplicate={(ack.Duplicate ? "yes" : "no")}"));
            }
            catch (AgentServerUnavailableException e)
            {
                Report(AgentEventKind.Unavailable, $"unavailable push: {e.Message} (buffered batches={spool.Pending.Count} results={spool.PendingResults})");
                return false;
            }
            catch (AgentRequestRejectedException e) when (e.StatusCode is 400 or 413 or 422)
            {
                // A batch the server will never take must not block the ones behind it: set it aside next to the spool.
                await File.AppendAllTextAsync(spool.Path + ".rejected",
                    System.Text.Json.JsonSerializer.Serialize(batch) + "\n", cancellationToken);
                spool.Acknowledge(batch.BatchId);
                Report(AgentEventKind.Rejected, $"rejected {batch.BatchId:D}: {e.Message} (kept in {spool.Path}.rejected)");
            }
        }

        return true;
    }

    private async Task<TimeSpan> HeartbeatAsync(ResultSpool spool, CancellationToken cancellationToken)
    {
        var ticks = Interlocked.Read(ref _lastProbeTicks);
        try
        {
            await _server.HeartbeatAsync(new AgentHeartbeat(_options.VantagePoint, _options.Version, spool.Pending.Count, spool.PendingResults,
                ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero)), cancellationToken);
            return TimeSpan.FromSeconds(15);
        }
        catch (AgentServerUnavailableException)
        {
            return TimeSpan.FromSeconds(5);
        }
    }

    private void Report(AgentEventKind kind, string text) => _report(new AgentEvent(kind, text, _options.Time.GetUtcNow()));
}
