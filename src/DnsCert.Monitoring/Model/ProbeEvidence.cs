namespace DnsCert.Monitoring.Model;

/// <summary>
/// One query sent and what came back, as proof behind a finding: the question in dig-like text, the exact wire bytes
/// (base64) of query and response, and the decoded response in presentation text.
/// </summary>
/// <param name="Server">Name server host name (or the address when the name is unknown).</param>
/// <param name="Address">Address queried.</param>
/// <param name="Transport">"udp", "tcp" or "axfr".</param>
/// <param name="Query">The question, e.g. <c>bank.ml. SOA +dnssec +norec</c>.</param>
/// <param name="Outcome">How the probe ended.</param>
/// <param name="Rcode">Response code mnemonic when answered.</param>
/// <param name="RttMilliseconds">Round trip (TCP includes the connection setup).</param>
/// <param name="Time">When the query was sent.</param>
/// <param name="QueryWire">Exact query bytes, base64.</param>
/// <param name="ResponseWire">Exact response bytes, base64 (null without a response).</param>
/// <param name="ResponseText">The decoded response in presentation text, or the error.</param>
public sealed record ProbeEvidence(string Server, string Address, string Transport, string Query, ProbeOutcome Outcome, string? Rcode,
    double RttMilliseconds, DateTimeOffset Time, string QueryWire, string? ResponseWire, string? ResponseText);
