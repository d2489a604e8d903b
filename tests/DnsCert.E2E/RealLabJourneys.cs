namespace DnsCert.E2E;

/// <summary>
/// The journeys that start a real lab. Bringing a lab up adds loopback addresses, and Chromium aborts any navigation in
/// flight when the host's addresses change (net::ERR_NETWORK_CHANGED), so these run alone, after the other journeys
/// (which run two at a time).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealLabJourneys
{
    public const string Name = "real lab";
}
