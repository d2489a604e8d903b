using System.Net;
using System.Net.Sockets;
using DnsCert.Core.Campaigns;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Core.Tests.Campaigns;

/// <summary>
/// DNS verification against a real UDP server on 127.51.0.1:53 (outside every lab: 127.53 is the developer lab, 127.54–127.99 test labs; the prober always
/// queries port 53) acting as the authoritative server of the TLD <c>camp.</c>.
/// </summary>
public sealed class CampaignVerifierTests
{
    private static readonly IPAddress s_address = IPAddress.Parse("127.51.0.1");
    private static readonly string[] s_sinkhole = ["sink1.sinkhole.example.", "sink2.sinkhole.example."];

    [Fact]
    public async Task Names_are_classified_from_the_tld_servers_answers_and_judged_against_the_report()
    {
        await using var server = new TldServer(s_address, new Dictionary<string, string[]>
        {
            ["delegated.camp."] = ["ns1.elsewhere.example."],
            ["sunk.camp."] = s_sinkhole,
            ["half.camp."] = [s_sinkhole[0], "ns1.elsewhere.example."],
            ["held.camp."] = [],
        });
        using var prober = new Prober(new ProbeSettings { Timeout = TimeSpan.FromSeconds(10), PrivateTree = true });
        var verifier = new CampaignVerifier(prober, TimeProvider.System, queriesPerSecondPerServer: 100, burst: 5);
        (string, string)[] names = [("gone.camp.", "camp"), ("held.camp.", "camp"), ("delegated.camp.", "camp"), ("sunk.camp.", "camp"),
            ("half.camp.", "camp"), ("x.nowhere.", "nowhere")];

        var checks = await verifier.CheckAsync(names,
            new Dictionary<string, IReadOnlyList<Core.Campaigns.TldServer>> { ["camp"] = [new("ns.camp.", s_address)] }, s_sinkhole, default);

        checks.Select(c => c.State).ShouldBe([DnsState.NxDomain, DnsState.Held, DnsState.Delegated, DnsState.Sinkholed, DnsState.Delegated, DnsState.Unknown]);
        checks[2].Detail.ShouldStartWith("NS ns1.elsewhere.example. @ns.camp. (127.51.0.1)");
        checks[5].Detail.ShouldContain("no authoritative server");
        server.Queries.ShouldBe(5);

        // The registry reported every name actioned: the DNS verifies or contradicts each, per action.
        checks.Select(c => CampaignVerifier.Judge(NameStatus.Actioned, CampaignAction.Block, c.State)).ShouldBe(
            [NameStatus.Verified, NameStatus.Verified, NameStatus.Contradicted, NameStatus.Contradicted, NameStatus.Contradicted, NameStatus.Actioned]);
        checks.Select(c => CampaignVerifier.Judge(NameStatus.Actioned, CampaignAction.Sinkhole, c.State)).ShouldBe(
            [NameStatus.Contradicted, NameStatus.Contradicted, NameStatus.Contradicted, NameStatus.Verified, NameStatus.Contradicted, NameStatus.Actioned]);
        // Not reported: the status stays whatever the DNS says; a transfer cannot be seen in the DNS.
        CampaignVerifier.Judge(NameStatus.Requested, CampaignAction.Block, DnsState.NxDomain).ShouldBe(NameStatus.Requested);
        CampaignVerifier.Judge(NameStatus.Verified, CampaignAction.Block, DnsState.Delegated).ShouldBe(NameStatus.Contradicted);
        CampaignVerifier.Judge(NameStatus.Actioned, CampaignAction.Transfer, DnsState.Delegated).ShouldBe(NameStatus.Actioned);
    }

    [Fact]
    public void The_token_bucket_allows_its_burst_then_one_query_per_interval()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(ratePerSecond: 4, burst: 2, time);
        bucket.TryTake(out _).ShouldBeTrue();
        bucket.TryTake(out _).ShouldBeTrue();
        bucket.TryTake(out var wait).ShouldBeFalse();
        wait.ShouldBe(TimeSpan.FromMilliseconds(250));
        time.Advance(TimeSpan.FromMilliseconds(250));
        bucket.TryTake(out _).ShouldBeTrue();
        bucket.TryTake(out _).ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(10));
        bucket.TryTake(out _).ShouldBeTrue();
        bucket.TryTake(out _).ShouldBeTrue();
        bucket.TryTake(out _).ShouldBeFalse();
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    /// <summary>
    /// The TLD <c>camp.</c>: names in <c>delegations</c> get a referral to their NS (an empty list: in the zone without
    /// a delegation, NOERROR/NODATA), anything else NXDOMAIN. Counts the queries it answered.
    /// </summary>
    private sealed class TldServer : IAsyncDisposable
    {
        private readonly UdpClient _udp;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Dictionary<string, string[]> _delegations;
        private int _queries;

        public TldServer(IPAddress address, Dictionary<string, string[]> delegations)
        {
            _delegations = delegations;
            _udp = new UdpClient(new IPEndPoint(address, 53));
            _loop = Task.Run(LoopAsync);
        }

        public int Queries => Volatile.Read(ref _queries);

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await _udp.ReceiveAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                Interlocked.Increment(ref _queries);
                await _udp.SendAsync(Answer(DnsMessage.Decode(received.Buffer)), received.RemoteEndPoint, _stop.Token);
            }
        }

        private byte[] Answer(DnsMessage query)
        {
            var question = query.Questions[0];
            var zone = DnsName.Parse("camp.");
            var response = new DnsMessage { Id = query.Id, IsResponse = true, Questions = { question } };
            if (_delegations.TryGetValue(question.Name.ToString(), out var targets) && targets.Length > 0)
            {
                foreach (var target in targets)
                {
                    response.Authorities.Add(new ResourceRecord(question.Name, DnsClass.IN, 3600, new NsRecord(DnsName.Parse(target))));
                }
            }
            else
            {
                response.IsAuthoritative = true;
                response.ResponseCode = targets is null ? DnsResponseCode.NXDomain : DnsResponseCode.NoError;
                response.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 900, new SoaRecord(
                    DnsName.Parse("ns.camp."), DnsName.Parse("hostmaster.camp."), 1, 3600, 600, 86400, 900)));
            }

            return response.Encode();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _udp.Dispose();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }
}
