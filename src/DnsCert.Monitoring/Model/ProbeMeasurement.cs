using System.Text.Json.Serialization;

namespace DnsCert.Monitoring.Model;

/// <summary>How a probe ended. RSSAC047: connection errors and timeouts are failures; no retry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeOutcome>))]
public enum ProbeOutcome
{
    /// <summary>A matching response arrived.</summary>
    Answered,

    /// <summary>Nothing acceptable arrived within the timeout.</summary>
    Timeout,

    /// <summary>The socket or connection failed (ICMP unreachable, TCP reset or refused).</summary>
    NetworkError,

    /// <summary>A response arrived but could not be decoded.</summary>
    Malformed,
}

/// <summary>
/// One probe as a measurement for the availability and RTT metrics (dns-health.md part b): which vantage point asked
/// which server address what, over which transport, and how it went. Plain record, serialises to JSON as is.
/// </summary>
public sealed record ProbeMeasurement(
    string VantagePoint,
    string Zone,
    string ServerName,
    string Address,
    string Transport,
    string QueryName,
    string QueryType,
    ProbeOutcome Outcome,
    string? Rcode,
    bool Authoritative,
    double RttMilliseconds,
    uint? Serial,
    DateTimeOffset Time)
{
    /// <summary>RSSAC047 / part (b) §7: answered with RCODE NOERROR; anything else counts as a failure.</summary>
    public bool Ok => Outcome == ProbeOutcome.Answered && Rcode == "NOERROR";
}
