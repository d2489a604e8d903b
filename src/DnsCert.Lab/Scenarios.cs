using DnsCert.Lab.Definition;
using DnsCert.Lab.Faults;

namespace DnsCert.Lab;

/// <summary>A scenario: several faults that tell a story together.</summary>
public sealed record Scenario(string Id, string Title, string Story, IReadOnlyList<(string Zone, string Fault)> Faults);

/// <summary>The lab's scenarios. Zones are chosen from the plan by rule (first zone of a kind under a TLD), so the stories stay valid when the definition grows.</summary>
public static class Scenarios
{
    public static IReadOnlyList<Scenario> For(LabPlan plan)
    {
        LabZone Pick(string tld, Func<LabZone, bool> rule, int skip = 0) =>
            plan.Get(tld).Children.Where(rule).Skip(skip).FirstOrDefault()
            ?? throw new LabException($"no zone under .{tld} fits the scenario");
        static bool Unsigned(LabZone z) => !z.IsSigned;
        static bool Offline(LabZone z) => z.Dnssec is { Signer: not Signer.Knot };
        static bool Any(LabZone z) => true;

        return
        [
            new("cctld-hijack-2009", "2009 ccTLD hijack",
                "April-May 2009: an SQL injection at a ccTLD registry lets attackers rewrite delegations. A well-known brand under .pr and " +
                "another under .ma are redirected to rogue servers that answer with forged addresses; in .mw and .ug the same crew's " +
                "attempts leave half-applied changes: stale glue and an NS set the child does not know.",
                [
                    (Pick("pr", Unsigned).Name, FaultCatalogue.DelegationHijack),
                    (Pick("ma", Unsigned).Name, FaultCatalogue.DelegationHijack),
                    (Pick("mw", Any).Name, FaultCatalogue.GlueMismatch),
                    (Pick("ug", Any).Name, FaultCatalogue.NsMismatch),
                ]),
            new("rollover-gone-wrong", "DNSSEC rollover gone wrong",
                "A registrar's signing platform rolls keys for its .com customers. For one zone the new DS reaches the parent before " +
                "the new key is published (DS matches no DNSKEY); the signer then stalls and another zone's signatures expire; a third " +
                "zone's secondary keeps serving an old copy without the DNSKEY set.",
                [
                    (Pick("com", Offline).Name, FaultCatalogue.DsMismatch),
                    (Pick("com", Offline, 1).Name, FaultCatalogue.ExpiredSignatures),
                    (Pick("com", Offline, 2).Name, FaultCatalogue.DnskeyMissing),
                ]),
            new("open-resolvers-pre-kaminsky", "Open resolvers before Kaminsky",
                "Early 2008: many authoritative servers still recurse for anyone and hand out zone transfers. Two .net and .org hosts " +
                "answer recursive questions from the whole Internet (cache-poisoning targets), and two primaries give AXFR to anyone.",
                [
                    (Pick("net", Any).Name, FaultCatalogue.OpenRecursion),
                    (Pick("org", Any).Name, FaultCatalogue.OpenRecursion),
                    (Pick("net", Any, 1).Name, FaultCatalogue.OpenAxfr),
                    (Pick("info", Any).Name, FaultCatalogue.OpenAxfr),
                ]),
        ];
    }

    public static Scenario Get(LabPlan plan, string id) =>
        For(plan).FirstOrDefault(s => s.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
        ?? throw new LabException($"unknown scenario '{id}'; known: {string.Join(", ", For(plan).Select(s => s.Id))}");
}
