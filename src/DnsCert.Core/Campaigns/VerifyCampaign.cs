using DnsCert.Core.Visibility;
using DnsCert.Monitoring.Resolution;

namespace DnsCert.Core.Campaigns;

/// <summary>How a verification run ended.</summary>
public sealed record VerificationSummary(int Checked, int Verified, int Contradicted, int Unknown, IReadOnlyDictionary<DnsState, int> States);

/// <summary>
/// The use case "check a campaign in the DNS": every routed name at its TLD's authoritative servers, judged against
/// what its registry reported, stored in one transaction. TLD servers come from the resolver's root walk (or are given).
/// </summary>
public sealed class VerifyCampaign(ICampaignRequestStore store, CampaignVerifier verifier)
{
    public async Task<VerificationSummary> HandleAsync(
        Viewer viewer, Guid campaignId, Func<string, CancellationToken, Task<IReadOnlyList<TldServer>>> tldServers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tldServers);
        var work = await store.NamesToVerifyAsync(viewer, campaignId, cancellationToken)
                   ?? throw new ValidationException("campaign", "no such campaign");
        var servers = new Dictionary<string, IReadOnlyList<TldServer>>(StringComparer.Ordinal);
        foreach (var tld in work.Names.Select(n => n.Tld).Distinct(StringComparer.Ordinal))
        {
            servers[tld] = await tldServers(tld, cancellationToken);
        }

        var checks = await verifier.CheckAsync([.. work.Names.Select(n => (n.Name, n.Tld))], servers, work.SinkholeNameServers, cancellationToken);
        var judged = checks.Select((c, i) => new CheckedName(c.Name, c.State, c.Detail, CampaignVerifier.Judge(work.Names[i].Status, work.Action, c.State))).ToList();
        await store.RecordChecksAsync(campaignId, judged, cancellationToken);
        return new VerificationSummary(judged.Count, judged.Count(j => j.Status == NameStatus.Verified),
            judged.Count(j => j.Status == NameStatus.Contradicted), judged.Count(j => j.State == DnsState.Unknown),
            judged.GroupBy(j => j.State).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>TLD servers found by walking from the root hints.</summary>
    public static Func<string, CancellationToken, Task<IReadOnlyList<TldServer>>> FromRoot(IterativeResolver resolver) =>
        (tld, ct) => CampaignVerifier.FindTldServersAsync(resolver, tld, ct);
}
