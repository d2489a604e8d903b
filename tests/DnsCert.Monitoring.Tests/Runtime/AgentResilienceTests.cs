using System.Collections.Concurrent;
using DnsCert.Lab.Faults;

namespace DnsCert.Monitoring.Tests.Runtime;

/// <summary>
/// A real server process and a real agent process on a test lab zone: the agent is SIGKILLed and restarted, the
/// server is restarted, PostgreSQL is stopped for a minute. Every batch the agent reported as spooled (fsync'd) must be
/// stored exactly once, each result at its own measurement time, including those measured while the database was down.
/// </summary>
[Collection("monitoring-lab")]
public sealed class AgentResilienceTests(MonitoringLabFixture fixture)
{
    [Fact]
    public async Task No_spooled_result_is_lost_or_doubled_across_agent_kill_server_restart_and_a_database_outage()
    {
        var zone = fixture.Take(FaultCatalogue.OpenAxfr);
        await using var h = await RuntimeHarness.CreateAsync(fixture, cycleSeconds: 2);
        await h.WatchAsync(zone.Fqdn);
        await h.StartServerAsync();
        var lines = new ConcurrentQueue<string>();
        var agent = h.StartAgent("vp-a", "127.0.0.2", lines);
        var second = h.StartAgent("vp-b", "127.0.0.3", new ConcurrentQueue<string>());

        (await RuntimeHarness.WaitUntilAsync(() => Task.FromResult(AgentLines.Acknowledged(lines).Count >= 3), TimeSpan.FromSeconds(120)))
            .ShouldBeTrue("the agent never had 3 batches acknowledged:\n" + string.Join('\n', lines) + "\nserver:\n" + string.Join('\n', h.ServerLines.TakeLast(40)));

        // 1. SIGKILL the agent, start it again on the same spool.
        agent.Kill();
        await agent.WaitForExitAsync();
        var acknowledged = AgentLines.Acknowledged(lines).Count;
        agent = h.StartAgent("vp-a", "127.0.0.2", lines);
        (await RuntimeHarness.WaitUntilAsync(() => Task.FromResult(AgentLines.Acknowledged(lines).Count >= acknowledged + 2), TimeSpan.FromSeconds(60)))
            .ShouldBeTrue("nothing acknowledged after the agent restart");

        // 2. Restart the server (killed, down for a few cycles while the agent buffers).
        await h.KillServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        acknowledged = AgentLines.Acknowledged(lines).Count;
        await h.StartServerAsync();
        (await RuntimeHarness.WaitUntilAsync(() => Task.FromResult(AgentLines.Acknowledged(lines).Count >= acknowledged + 2), TimeSpan.FromSeconds(60)))
            .ShouldBeTrue("nothing acknowledged after the server restart");

        // 3. PostgreSQL down for a minute under the running server and agent.
        var outageStart = DateTimeOffset.UtcNow;
        await h.Cluster.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(60));
        var outageEnd = DateTimeOffset.UtcNow;
        await h.Cluster.StartAsync();
        // The test's own pooled connections died with the cluster.
        h.Db.Clear();
        var duringOutage = AgentLines.Spooled(lines).Where(b => b.First > outageStart.AddSeconds(1) && b.Last < outageEnd.AddSeconds(-1)).ToList();
        duringOutage.Count.ShouldBeGreaterThan(10, "the agent should have kept probing and spooling during the outage");
        lines.Any(l => l.Contains(" unavailable push:", StringComparison.Ordinal)).ShouldBeTrue();

        (await RuntimeHarness.WaitUntilAsync(() =>
            {
                var acked = AgentLines.Acknowledged(lines);
                return Task.FromResult(AgentLines.Spooled(lines).Where(b => b.Last < outageEnd.AddSeconds(5)).All(b => acked.Contains(b.Id)));
            }, TimeSpan.FromSeconds(120)))
            .ShouldBeTrue("the spool was not drained after the database came back");
        agent.Kill();
        await agent.WaitForExitAsync();
        second.Kill();
        await second.WaitForExitAsync();

        var spooled = AgentLines.Spooled(lines).Where(b => b.Last < outageEnd.AddSeconds(5)).ToList();
        spooled.Count.ShouldBeGreaterThan(20);
        foreach (var batch in spooled)
        {
            await using var command = h.Db.CreateCommand(
                "SELECT count(*), min(measured_at), max(measured_at), count(DISTINCT (measured_at, address, transport)) FROM probe_results WHERE batch_id = $1");
            command.Parameters.Add(new() { Value = batch.Id });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            reader.GetInt64(0).ShouldBe(batch.Results, $"batch {batch.Id}: stored rows");
            reader.GetInt64(3).ShouldBe(batch.Results, $"batch {batch.Id}: distinct measurements");
            // Late or not, each result sits at the time it was measured (microseconds in PostgreSQL, ticks in the line).
            (reader.GetFieldValue<DateTimeOffset>(1) - batch.First).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1));
            (reader.GetFieldValue<DateTimeOffset>(2) - batch.Last).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1));
        }

        // The batches measured while PostgreSQL was down arrived after it came back, and still count in their own minutes.
        foreach (var batch in duringOutage)
        {
            var received = await h.ScalarAsync("SELECT extract(epoch FROM received_at)::bigint FROM probe_batches WHERE batch_id = $1", batch.Id);
            received.ShouldBeGreaterThanOrEqualTo(outageEnd.ToUnixTimeSeconds() - 1, $"batch {batch.Id} measured during the outage");
        }

        (await h.ScalarAsync("SELECT count(DISTINCT vantage_point) FROM probe_results WHERE vantage_point IN ('vp-a', 'vp-b')")).ShouldBe(2);
        (await h.ScalarAsync("SELECT count(*) FROM monitoring_agents WHERE vantage_point IN ('vp-a', 'vp-b', 'server')")).ShouldBe(3);
    }
}
