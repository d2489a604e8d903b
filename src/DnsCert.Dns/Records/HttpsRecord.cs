using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>HTTPS: service binding for HTTPS origins (RFC 9460 §9).</summary>
public sealed class HttpsRecord : ServiceBindingData
{
    /// <summary>Creates a HTTPS record.</summary>
    public HttpsRecord(ushort priority, DnsName target, IEnumerable<KeyValuePair<ushort, byte[]>> parameters)
        : base(priority, target, parameters)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.HTTPS;

    internal static HttpsRecord Read(ref DnsWireReader reader)
    {
        var (priority, target, parameters) = ReadFields(ref reader);
        return new(priority, target, parameters);
    }

    internal static HttpsRecord Parse(PresentationReader reader)
    {
        var (priority, target, parameters) = ParseFields(reader);
        return new(priority, target, parameters);
    }
}
