using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Checks;

/// <summary>
/// The checks of reference dns-health.md part (a), with the default severity of each (a finding may be raised or
/// lowered where the table gives two levels) and a remediation hint keyed for translation (<c>monitoring.fix.*</c>;
/// the keys are stable, the English text is the fallback). NS-06 is our addition: the RTT metric of part (b) §3 as
/// a one-shot check.
/// </summary>
public static class CheckCatalogue
{
    public static IReadOnlyList<CheckDefinition> All { get; } =
    [
        Def("DEL-01", Severity.Critical, "The parent has an NS delegation for the zone.", "Ask the registry (parent) to publish the NS records of the zone."),
        Def("DEL-02", Severity.Critical, "At least one name server answers authoritatively.", "Configure the zone on the delegated name servers and make sure they answer with AA."),
        Def("DEL-03", Severity.Error, "At least two name servers pass (answer authoritatively on all their addresses).", "Run at least two working name servers on different networks and list both at the parent."),
        Def("DEL-04", Severity.Error, "No lame server: every delegated server address answers authoritatively (no timeout, REFUSED or missing AA).", "Load the zone on the lame server or remove it from the delegation."),
        Def("DEL-05", Severity.Error, "Parent and child NS sets are the same (ERROR when a parent NS is missing from the child, WARNING otherwise).", "Make the NS set in the zone and at the parent identical."),
        Def("DEL-06", Severity.Error, "Glue at the parent exists for in-bailiwick name servers and equals their authoritative A/AAAA.", "Update the glue at the registry to the name servers' current addresses."),
        Def("DEL-07", Severity.Error, "Every NS name resolves to an address and is not a CNAME.", "Give every name server name A/AAAA records (not a CNAME)."),
        Def("DEL-08", Severity.Error, "Name server addresses are distinct (ERROR) and not all in one prefix (WARNING).", "Spread the name servers over distinct addresses and networks."),
        Def("DEL-09", Severity.Error, "Name server addresses are globally reachable (not private, loopback or reserved).", "Use public addresses for the name servers listed at the parent."),
        Def("DEL-10", Severity.Warning, "The referral (NS and glue) fits in 512 bytes.", "Use fewer or shorter name server names or less glue."),
        Def("NS-01", Severity.Error, "Every name server address answers over UDP and over TCP.", "Open UDP and TCP port 53 to the server and check that it listens on both."),
        Def("NS-02", Severity.Error, "No authoritative server offers recursion to anyone.", "Disable recursion on authoritative servers (BIND: recursion no)."),
        Def("NS-03", Severity.Notice, "Zone transfer (AXFR) is not open to anyone.", "Restrict AXFR to the secondaries (TSIG or address ACL)."),
        Def("NS-04", Severity.Error, "EDNS handled correctly (ERROR: no answer with EDNS; WARNING: unknown EDNS version not BADVERS, OPT missing).", "Upgrade or configure the server so that it supports EDNS (RFC 6891)."),
        Def("NS-05", Severity.Warning, "No upward referral, AAAA queries answered, query name case preserved.", "Fix the server software or its configuration (no root referrals, answer AAAA, copy the question)."),
        Def("NS-06", Severity.Warning, "Round trip within the SLR: UDP 500 ms, TCP 1,500 ms (Specification 10).", "Find why the server answers slowly (load, network path, rate limits)."),
        Def("ZN-01", Severity.Warning, "All name servers serve the same SOA serial.", "Check zone transfers and NOTIFY from the primary to the lagging servers."),
        Def("ZN-02", Severity.Notice, "SOA MNAME, RNAME, timers and NS set are the same on every server.", "Make every server serve the same copy of the zone."),
        Def("ZN-03", Severity.Notice, "SOA timers in range (refresh ≥ 14400, retry < refresh and ≥ 3600, expire ≥ 604800 (WARNING), minimum 300–86400).", "Set the SOA timers to the recommended ranges (RFC 1912 §2.2)."),
        Def("ZN-04", Severity.Error, "Exactly one SOA; MX targets are not CNAMEs.", "Remove the extra SOA; point MX records at host names with A/AAAA records."),
        Def("SEC-01", Severity.Critical, "A DS at the parent matches a DNSKEY that signs the DNSKEY RRset (chain of trust intact).", "Publish the DS of the current key-signing key at the parent, or re-publish the key the DS names."),
        Def("SEC-02", Severity.Error, "DS and signing agree: no DS for an unsigned zone (ERROR), no signed zone without DS (WARNING).", "Remove the DS of an unsigned zone at once, or upload the DS of a signed zone."),
        Def("SEC-03", Severity.Error, "Signatures are valid and inside their validity window (CRITICAL for the DNSKEY RRset).", "Re-sign the zone and check the signer's clock and automatic re-signing."),
        Def("SEC-04", Severity.Warning, "Signatures expire in more than 72 hours and live at most 180 days.", "Re-sign before expiry; keep signature lifetimes short (days to weeks)."),
        Def("SEC-05", Severity.Error, "NSEC/NSEC3 denial of existence proves non-existent names.", "Re-sign the zone so that the NSEC/NSEC3 chain is complete."),
        Def("SEC-06", Severity.Error, "Algorithms and key sizes are allowed (ERROR: prohibited; WARNING: not recommended, RSA under 2048 bits, SHA-1 DS).", "Roll to algorithm 13 or 8 with a 2048-bit key, and SHA-256 DS records (RFC 8624)."),
        Def("SEC-07", Severity.Error, "Every RRset of a signed zone has an RRSIG for each algorithm of the DNSKEY RRset.", "Sign every RRset with every algorithm in the DNSKEY RRset."),
        Def("SEC-08", Severity.Error, "Every server serves the same DNSKEY RRset.", "Make every server serve the same signed copy of the zone."),
        Def("SEC-09", Severity.Error, "CDS/CDNSKEY, when present, match a DNSKEY of the zone and agree with each other.", "Publish CDS/CDNSKEY only for keys in the DNSKEY RRset, or remove them."),
        Def("CHG-01", Severity.Critical, "The parent NS set equals the approved baseline.", "If the change was not requested, treat it as a possible hijack: contact the registry and the registrant now."),
        Def("CHG-02", Severity.Critical, "The DS set equals the approved baseline.", "If the DS change was not requested, contact the registry; if it was, approve the new baseline."),
        Def("CHG-03", Severity.Critical, "The glue of the delegated name servers equals the approved baseline.", "If the glue change was not requested, contact the registry; if it was, approve the new baseline."),
        Def("CHG-04", Severity.Error, "Only known servers answer authoritatively, and all parent servers give the same delegation.", "Find the unknown server or the disagreeing parent server and correct it."),
        Def("CHG-05", Severity.Warning, "SOA MNAME and RNAME unchanged, serial not going backwards.", "Confirm the SOA change with the zone operator."),
        Def("CHG-06", Severity.Warning, "The registry lock (server{Update,Delete,Transfer}Prohibited) stays in place.", "Ask the registry to restore the lock and confirm who removed it."),
        Def("CHG-07", Severity.Notice, "No unexpected certificate is logged for a watched name (CT).", "Check with the domain owner whether the certificate was requested; revoke it otherwise."),
    ];

    private static readonly Dictionary<string, CheckDefinition> s_byId = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public static CheckDefinition Get(string id) =>
        s_byId.TryGetValue(id, out var definition) ? definition : throw new ArgumentException($"unknown check '{id}'", nameof(id));

    /// <summary>A finding of <paramref name="id"/> at its default severity unless <paramref name="severity"/> says otherwise.</summary>
    public static Finding Finding(string id, string zone, string subject, string message, IEnumerable<Model.ProbeEvidence>? evidence = null,
        Severity? severity = null)
    {
        var definition = Get(id);
        return new Finding(id, severity ?? definition.Severity, zone, subject, message, definition.RemediationKey, evidence?.ToList() ?? []);
    }

    private static CheckDefinition Def(string id, Severity severity, string definition, string remediation) =>
        new(id, severity, definition, "monitoring.fix." + id.ToLowerInvariant(), remediation);
}
