using DnsCert.Infrastructure.Monitoring;
using DnsCert.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DnsCert.Infrastructure.Tests.Persistence;

/// <summary>
/// The dashboard migration's triggers and the one listening connection on a real PostgreSQL: a committed change
/// signals the feed, a rolled-back one does not (NOTIFY is delivered at commit), and waiting subscribers all wake.
/// </summary>
public sealed class ChangeFeedTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await MigratedDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_committed_change_wakes_every_subscriber_and_a_rolled_back_one_does_not()
    {
        var feed = new ChangeFeed();
        using var listener = new ChangeListener(_db, feed, NullLogger<ChangeListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            // The listener is up once a change made now reaches the feed.
            var store = new WatchedZoneStore(_db, TimeProvider.System);
            var ready = false;
            for (var i = 0; i < 100 && !ready; i++)
            {
                var before = feed.Version;
                await store.AddAsync($"warm{i}.test.", 60, CancellationToken.None);
                await Task.WhenAny(feed.WaitAsync(before, CancellationToken.None), Task.Delay(200));
                ready = feed.Version != before;
            }

            ready.ShouldBeTrue("the listener never received a notification");
            await Task.Delay(300);

            var seen = feed.Version;
            await using (var connection = await _db.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await using var command = new NpgsqlCommand("INSERT INTO watched_zones (zone, added_at) VALUES ('rolled-back.test.', now())", connection, transaction);
                await command.ExecuteNonQueryAsync();
                await transaction.RollbackAsync();
            }

            await Task.Delay(1000);
            feed.Version.ShouldBe(seen, "a rolled-back change notifies nobody");

            var first = feed.WaitAsync(seen, CancellationToken.None);
            var second = feed.WaitAsync(seen, CancellationToken.None);
            await store.SetIntervalAsync("warm0.test.", 120, CancellationToken.None);
            await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
            feed.Version.ShouldBeGreaterThan(seen);
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }
}
