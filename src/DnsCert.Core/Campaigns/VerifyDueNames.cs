namespace DnsCert.Core.Campaigns;

/// <summary>
/// Verification on a schedule (configuration section <c>Campaigns:Verification</c>): the server re-checks every routed
/// name of the active campaigns in the DNS once per interval, independently of what registries report.
/// </summary>
public sealed class CampaignVerificationOptions
{
    public const string SectionName = "Campaigns:Verification";

    /// <summary>Run the schedule in this server instance (one instance at a time verifies: a PostgreSQL advisory lock).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A name is checked again once its last check is this old.</summary>
    public int IntervalSeconds { get; set; } = 3600;

    /// <summary>How often the worker looks for names due.</summary>
    public int PollSeconds { get; set; } = 30;

    /// <summary>Names checked and stored per transaction: the unit of progress a crash can lose.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Politeness: queries per second to one TLD server address (token bucket), and its burst.</summary>
    public double QueriesPerSecondPerServer { get; set; } = 50;

    public int Burst { get; set; } = 10;

    /// <summary>Queries in flight at once over all servers, and to one server address.</summary>
    public int MaxConcurrency { get; set; } = 32;

    public int PerServerConcurrency { get; set; } = 4;

    /// <summary>A campaign stays active (checked) this many days after its deadline.</summary>
    public int KeepCheckingDays { get; set; } = 30;

    /// <summary>Root hints (default: Debian's real root hints); a lab's for a lab campaign.</summary>
    public string? HintsFile { get; set; }

    /// <summary>The hints are not the real root's (a lab): loopback name-server addresses are expected.</summary>
    public bool PrivateTree { get; set; }

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(IntervalSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PollSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 100_000);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(QueriesPerSecondPerServer, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(Burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PerServerConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(KeepCheckingDays);
    }
}

/// <summary>What one scheduled pass did.</summary>
public sealed record DuePassSummary(int Checked, int Verified, int Contradicted, int Unknown, int Batches);

/// <summary>
/// The use case behind the schedule: takes the names due (oldest check first) batch by batch, checks them through the
/// one <see cref="CampaignVerifier"/> (its per-server token buckets live as long as it does), judges each against the
/// status it was read with, and stores each campaign's share of a batch in one transaction — so a crash loses at most
/// the batch in flight, and the next pass starts with the names whose check is oldest.
/// </summary>
public sealed class VerifyDueNames(ICampaignRequestStore store, CampaignVerifier verifier, TimeProvider clock)
{
    public async Task<DuePassSummary> HandleAsync(
        CampaignVerificationOptions options, Func<string, CancellationToken, Task<IReadOnlyList<TldServer>>> tldServers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tldServers);
        var servers = new Dictionary<string, IReadOnlyList<TldServer>>(StringComparer.Ordinal);
        var started = clock.GetUtcNow();
        int total = 0, verified = 0, contradicted = 0, unknown = 0, batches = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Names checked during this pass carry a later time than its start, so a pass never takes a name twice.
            var due = await store.NamesDueAsync(started.AddSeconds(-options.IntervalSeconds), started.AddDays(-options.KeepCheckingDays), options.BatchSize,
                cancellationToken);
            if (due.Count == 0)
            {
                break;
            }

            batches++;
            foreach (var tld in due.Select(d => d.Tld).Distinct(StringComparer.Ordinal).Where(t => !servers.ContainsKey(t)))
            {
                servers[tld] = await tldServers(tld, cancellationToken);
            }

            var checks = await verifier.CheckAsync([.. due.Select(d => (d.Name, d.Tld))], servers, [], cancellationToken);
            var judged = new List<(Guid Campaign, CheckedName Check)>(due.Count);
            for (var i = 0; i < due.Count; i++)
            {
                var d = due[i];
                // The sinkhole is per campaign: a referral is re-read against this campaign's agreed servers.
                var state = checks[i].State == DnsState.Delegated && d.SinkholeNameServers.Count > 0 && Sinkholed(checks[i].Detail, d.SinkholeNameServers)
                    ? DnsState.Sinkholed : checks[i].State;
                judged.Add((d.CampaignId, new CheckedName(d.Name, state, checks[i].Detail, CampaignVerifier.Judge(d.Status, d.Action, state), d.Status)));
            }

            foreach (var group in judged.GroupBy(j => j.Campaign))
            {
                await store.RecordChecksAsync(group.Key, [.. group.Select(g => g.Check)], cancellationToken);
            }

            total += due.Count;
            verified += judged.Count(j => j.Check.Status == NameStatus.Verified);
            contradicted += judged.Count(j => j.Check.Status == NameStatus.Contradicted);
            unknown += judged.Count(j => j.Check.State == DnsState.Unknown);
        }

        return new DuePassSummary(total, verified, contradicted, unknown, batches);
    }

    /// <summary>"NS a.sink. b.sink. @server (address)": every target one of the agreed sinkhole servers.</summary>
    private static bool Sinkholed(string detail, IReadOnlyList<string> sinkhole)
    {
        var agreed = sinkhole.Select(s => s.TrimEnd('.').ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var targets = detail.Split(' ').Skip(1).TakeWhile(t => !t.StartsWith('@')).Select(t => t.TrimEnd('.').ToLowerInvariant()).ToList();
        return targets.Count > 0 && targets.All(agreed.Contains);
    }
}
