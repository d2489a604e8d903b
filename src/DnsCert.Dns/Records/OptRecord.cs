using System.Text;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>
/// OPT pseudo-record RDATA: a list of EDNS options (RFC 6891 §6.1.2). Messages expose it through
/// <see cref="Messages.EdnsInfo"/>; presentation parsing accepts only the RFC 3597 generic form because OPT never
/// appears in zone files.
/// </summary>
public sealed class OptRecord : RecordData
{
    private readonly EdnsOption[] _options;

    /// <summary>Creates OPT RDATA.</summary>
    public OptRecord(IEnumerable<EdnsOption> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = [.. options];
    }

    /// <summary>The options in wire order.</summary>
    public IReadOnlyList<EdnsOption> Options => _options;

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.OPT;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        foreach (var option in _options)
        {
            option.Write(writer);
        }
    }

    internal override void AppendPresentation(StringBuilder sb) => sb.AppendJoin(' ', _options.Select(o => o.ToString()));

    internal static OptRecord Read(ref DnsWireReader reader)
    {
        var options = new List<EdnsOption>();
        while (reader.Remaining > 0)
        {
            var at = reader.Position;
            var code = reader.ReadUInt16();
            var length = reader.ReadUInt16();
            options.Add(EdnsOption.Read(code, reader.ReadBytes(length), at));
        }

        return new OptRecord(options);
    }
}
