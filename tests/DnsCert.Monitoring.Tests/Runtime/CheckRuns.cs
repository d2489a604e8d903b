using Npgsql;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// The check runs of every watched zone: their start times (watched_zones.last_check_at, overwritten by each run),
/// sampled every 250 ms in the background, so runs seconds apart are never missed — even while the test is busy
/// breaking and fixing lab zones.
/// </summary>
public sealed class CheckRuns : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly Dictionary<string, SortedSet<DateTimeOffset>> _starts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _sampler = Task.CompletedTask;

    private CheckRuns(NpgsqlDataSource db)
    {
        _db = db;
    }

    public static CheckRuns Start(NpgsqlDataSource db)
    {
        var runs = new CheckRuns(db);
        runs._sampler = runs.SampleAsync(runs._stop.Token);
        return runs;
    }

    /// <summary>Runs of <paramref name="zone"/> (normalised, as watched_zones has it) that started after <paramref name="from"/> and no later than <paramref name="to"/>.</summary>
    public int Between(string zone, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_starts)
        {
            return _starts.TryGetValue(zone, out var starts) ? starts.Count(s => s > from && s <= to) : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var command = _db.CreateCommand("SELECT zone, last_check_at FROM watched_zones WHERE last_check_at IS NOT NULL");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var start = reader.GetFieldValue<DateTimeOffset>(1);
                    lock (_starts)
                    {
                        if (!_starts.TryGetValue(reader.GetString(0), out var starts))
                        {
                            _starts[reader.GetString(0)] = starts = [];
                        }

                        starts.Add(start);
                    }
                }

                await Task.Delay(250, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                // The database is being stopped by the harness; the next sample retries.
            }
        }
    }
}
