using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DnsCert.Infrastructure.Persistence;

/// <summary>
/// "Something changed" for live views, fanned out in process. <see cref="ChangeListener"/> signals it from PostgreSQL
/// notifications; a subscriber remembers the <see cref="Version"/> it has seen and waits for a newer one. The feed
/// carries no data: each subscriber re-reads what its own viewer may see.
/// </summary>
public sealed class ChangeFeed
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Completes when the version moves past <paramref name="seen"/> (at once if it already has).</summary>
    public Task WaitAsync(long seen, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _version != seen ? Task.CompletedTask : _next.Task.WaitAsync(cancellationToken);
        }
    }

    public void Signal()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _version++;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }
}

/// <summary>
/// The one listening connection of this server process: <c>LISTEN dnscert_changes</c> (the triggers of the dashboard
/// migration notify it) and signal the <see cref="ChangeFeed"/>. A lost connection is reopened after a pause, and the
/// feed is signalled then too, since notifications sent meanwhile are gone. Live views also re-read on a timer, so a
/// missed notification delays them, never freezes them.
/// </summary>
public sealed partial class ChangeListener(NpgsqlDataSource dataSource, ChangeFeed feed, ILogger<ChangeListener> logger) : BackgroundService
{
    public const string Channel = "dnscert_changes";

    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reconnect = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => feed.Signal();
                await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (reconnect)
                {
                    feed.Signal();
                }

                LogListening(logger, Channel);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or System.IO.IOException)
            {
                LogLost(logger, e.Message);
                reconnect = true;
                try
                {
                    await Task.Delay(s_retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for changes on {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change notifications lost ({Reason}); live views fall back to their timer until the connection is back")]
    private static partial void LogLost(ILogger logger, string reason);
}
