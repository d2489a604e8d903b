using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>SVCB: general service binding (RFC 9460).</summary>
public sealed class SvcbRecord : ServiceBindingData
{
    /// <summary>Creates a SVCB record.</summary>
    public SvcbRecord(ushort priority, DnsName target, IEnumerable<KeyValuePair<ushort, byte[]>> parameters)
        : base(priority, target, parameters)
    {
    }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.SVCB;

    internal static SvcbRecord Read(ref DnsWireReader reader)
    {
        var (priority, target, parameters) = ReadFields(ref reader);
        return new(priority, target, parameters);
    }

    internal static SvcbRecord Parse(PresentationReader reader)
    {
        var (priority, target, parameters) = ParseFields(reader);
        return new(priority, target, parameters);
    }
}
