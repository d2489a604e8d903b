using System.Net;
using System.Text;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Monitoring.Model;

namespace DnsCert.Monitoring.Resolution;

/// <summary>How one probe query is sent.</summary>
/// <param name="Tcp">TCP instead of UDP.</param>
/// <param name="Edns">Send an OPT record (EDNS0, 1232-byte buffer).</param>
/// <param name="DnssecOk">Set DO (needs EDNS).</param>
/// <param name="RecursionDesired">Set RD.</param>
/// <param name="EdnsVersion">EDNS version to announce (1 tests BADVERS handling, RFC 6891 §6.1.3).</param>
public sealed record ProbeQuery(bool Tcp = false, bool Edns = true, bool DnssecOk = true, bool RecursionDesired = false, byte EdnsVersion = 0)
{
    public static ProbeQuery Udp { get; } = new();

    public static ProbeQuery OverTcp { get; } = new(Tcp: true);

    public static ProbeQuery Plain { get; } = new(Edns: false, DnssecOk: false);

    /// <summary>dig-like flags, for evidence.</summary>
    public string Flags
    {
        get
        {
            var flags = new StringBuilder(Tcp ? "+tcp" : "+notcp");
            flags.Append(RecursionDesired ? " +rec" : " +norec");
            flags.Append(!Edns ? " +noedns" : EdnsVersion != 0 ? $" +edns={EdnsVersion}" : "");
            flags.Append(DnssecOk && Edns ? " +dnssec" : "");
            return flags.ToString();
        }
    }
}

/// <summary>One query to one server address and its outcome, with the raw bytes kept as evidence.</summary>
public sealed class ProbeResult
{
    public required string ServerName { get; init; }

    public required IPAddress Address { get; init; }

    public required DnsName Name { get; init; }

    public required DnsRecordType Type { get; init; }

    public required ProbeQuery Query { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    public DnsMessage? Response { get; init; }

    public ReadOnlyMemory<byte> QueryBytes { get; init; }

    public ReadOnlyMemory<byte> ResponseBytes { get; init; }

    public TimeSpan RoundTrip { get; init; }

    public DateTimeOffset SentAt { get; init; }

    public string? Error { get; init; }

    /// <summary>The name as written in the question sent (case preserved).</summary>
    public string Transport => Query.Tcp ? "tcp" : "udp";

    public bool Answered => Outcome == ProbeOutcome.Answered && Response is not null;

    public DnsResponseCode? Rcode => Answered ? Response!.ResponseCode : null;

    public bool Authoritative => Answered && Response!.IsAuthoritative;

    /// <summary>An authoritative NOERROR answer (what an availability probe must get).</summary>
    public bool AuthoritativeOk => Authoritative && Rcode == DnsResponseCode.NoError && !Response!.IsTruncated;

    /// <summary>Records of <paramref name="type"/> owned by <paramref name="owner"/> in the answer section.</summary>
    public IReadOnlyList<ResourceRecord> AnswerRecords(DnsRecordType type, DnsName? owner = null) =>
        Answered ? Response!.Answers.Where(r => r.Type == type && (owner is null || r.Name == owner)).ToList() : [];

    /// <summary>The SOA serial in the answer, if any.</summary>
    public uint? Serial => AnswerRecords(DnsRecordType.SOA).Select(r => r.Data).OfType<SoaRecord>().Select(s => (uint?)s.Serial).FirstOrDefault();

    public string Subject => $"{ServerName} ({Address})";

    public string QueryText => $"{Name} {DnsMnemonics.TypeToString(Type)} {Query.Flags}";

    public ProbeEvidence ToEvidence() => new(ServerName, Address.ToString(), Transport, QueryText, Outcome,
        Rcode is { } rcode ? RcodeText(rcode) : null, Math.Round(RoundTrip.TotalMilliseconds, 3), SentAt,
        Convert.ToBase64String(QueryBytes.Span), ResponseBytes.IsEmpty ? null : Convert.ToBase64String(ResponseBytes.Span),
        Response?.ToString() ?? Error);

    public ProbeMeasurement ToMeasurement(string vantagePoint, DnsName zone) => new(vantagePoint, zone.ToString(), ServerName,
        Address.ToString(), Transport, Name.ToString(), DnsMnemonics.TypeToString(Type), Outcome, Rcode is { } rcode ? RcodeText(rcode) : null,
        Authoritative, Math.Round(RoundTrip.TotalMilliseconds, 3), Serial, SentAt);

    public static string RcodeText(DnsResponseCode rcode) => rcode switch
    {
        DnsResponseCode.NoError => "NOERROR",
        DnsResponseCode.FormErr => "FORMERR",
        DnsResponseCode.ServFail => "SERVFAIL",
        DnsResponseCode.NXDomain => "NXDOMAIN",
        DnsResponseCode.NotImp => "NOTIMP",
        DnsResponseCode.BadVers => "BADVERS",
        DnsResponseCode.Refused => "REFUSED",
        _ => "RCODE" + ((int)rcode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override string ToString() => $"{QueryText} @{Address}: {(Answered ? RcodeText(Response!.ResponseCode) : Outcome.ToString())}";
}
