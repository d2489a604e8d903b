using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Monitoring.Tests;

/// <summary>The prober's concurrency slots, against loopback UDP sockets that never answer.</summary>
public sealed class ProberTests
{
    [Fact]
    public async Task CancelledWaitForABusyAddressLeavesTheSharedSlotFree()
    {
        // Two silent servers on addresses no lab uses; port 53 because the prober always queries port 53.
        var busy = IPAddress.Parse("127.52.0.1");
        var other = IPAddress.Parse("127.52.0.2");
        using var busySocket = new UdpClient(new IPEndPoint(busy, 53));
        using var otherSocket = new UdpClient(new IPEndPoint(other, 53));
        using var prober = new Prober(new ProbeSettings { MaxConcurrency = 2, PerServerConcurrency = 1, Timeout = TimeSpan.FromMinutes(5) });
        using var end = new CancellationTokenSource();
        // Only so a regression fails instead of hanging the run; no timing is asserted.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var name = DnsName.Parse("example.test.");

        // A holds the busy address's only slot and one shared slot until the end of the test.
        var first = prober.QueryAsync("ns1", busy, name, DnsRecordType.SOA, ProbeQuery.Udp, end.Token);
        await busySocket.ReceiveAsync(guard.Token);

        // B waits for the busy address and gives up.
        using var giveUp = new CancellationTokenSource();
        var second = prober.QueryAsync("ns1", busy, name, DnsRecordType.SOA, ProbeQuery.Udp, giveUp.Token);
        Assert.False(second.IsCompleted);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        // C must get the second shared slot: had B taken (and leaked) it, C would wait for ever.
        var third = prober.QueryAsync("ns2", other, name, DnsRecordType.SOA, ProbeQuery.Udp, end.Token);
        await otherSocket.ReceiveAsync(guard.Token);
        Assert.Equal(2, prober.QueriesSent);

        await end.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
    }
}
