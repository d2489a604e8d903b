using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>TXT: free text (RFC 1035 §3.3.14).</summary>
public sealed class TxtRecord : TextRecordData
{
    /// <summary>Creates a TXT record from raw character-strings.</summary>
    public TxtRecord(IEnumerable<byte[]> strings)
        : base(strings)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.TXT;

    internal static TxtRecord Read(ref DnsWireReader reader) => new(ReadStrings(ref reader));

    internal static TxtRecord Parse(PresentationReader reader) => new(ParseStrings(reader));
}
