using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>SPF: sender policy, same format as TXT (RFC 7208 §3.1 retired its use).</summary>
public sealed class SpfRecord : TextRecordData
{
    /// <summary>Creates a SPF record from raw character-strings.</summary>
    public SpfRecord(IEnumerable<byte[]> strings)
        : base(strings)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.SPF;

    internal static SpfRecord Read(ref DnsWireReader reader) => new(ReadStrings(ref reader));

    internal static SpfRecord Parse(PresentationReader reader) => new(ParseStrings(reader));
}
