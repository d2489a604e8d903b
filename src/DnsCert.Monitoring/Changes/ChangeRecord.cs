namespace DnsCert.Monitoring.Changes;

/// <summary>
/// An announced delegation change (issue 6): the delegation as it should look after the change, and the window in
/// which it may appear. Only an approved record covers anything; a change it covers is not an alarm.
/// </summary>
public sealed record ChangeRecord(
    Guid Id, string Zone, string Reference, DelegationSnapshot Expected, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, bool Approved)
{
    /// <summary>
    /// True when this record is approved, <paramref name="at"/> lies in [ValidFrom, ValidUntil), and the observed NS set,
    /// glue and DS set are exactly the expected ones (snapshots are normalised, so spelling never matters). A partial
    /// match covers nothing: a hijacker adding one NS to an announced change is still an alarm.
    /// </summary>
    public bool Covers(DelegationSnapshot observed, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return Approved && at >= ValidFrom && at < ValidUntil
            && string.Equals(observed.Zone, Expected.Zone, StringComparison.Ordinal)
            && SameDelegation(observed, Expected);
    }

    /// <summary>Same NS set, glue and DS set (the fields a baseline approves; SOA and reachability are not part of it).</summary>
    public static bool SameDelegation(DelegationSnapshot a, DelegationSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Set(a.NameServers).SetEquals(b.NameServers) && Set(a.Ds).SetEquals(b.Ds)
            && a.Glue.Count == b.Glue.Count
            && a.Glue.All(g => b.Glue.TryGetValue(g.Key, out var other) && Set(g.Value).SetEquals(other));
    }

    private static HashSet<string> Set(IEnumerable<string> values) => new(values, StringComparer.Ordinal);
}
