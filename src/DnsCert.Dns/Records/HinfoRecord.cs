using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>HINFO: host CPU and OS (RFC 1035 §3.3.2); also the RFC 8482 minimal answer to ANY.</summary>
public sealed class HinfoRecord : RecordData
{
    /// <summary>Creates an HINFO record.</summary>
    public HinfoRecord(byte[] cpu, byte[] os)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(os);
        if (cpu.Length > 255 || os.Length > 255)
        {
            throw new ArgumentException("character-strings are at most 255 octets");
        }

        Cpu = cpu;
        Os = os;
    }

    /// <summary>CPU string.</summary>
    public ReadOnlyMemory<byte> Cpu { get; }

    /// <summary>Operating system string.</summary>
    public ReadOnlyMemory<byte> Os { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.HINFO;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteCharacterString(Cpu.Span);
        writer.WriteCharacterString(Os.Span);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        AppendQuoted(sb, Cpu.Span);
        sb.Append(' ');
        AppendQuoted(sb, Os.Span);
    }

    internal static HinfoRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadCharacterString().ToArray(), reader.ReadCharacterString().ToArray());

    internal static HinfoRecord Parse(PresentationReader reader)
    {
        var record = new HinfoRecord(reader.NextCharacterString("CPU"), reader.NextCharacterString("OS"));
        reader.ExpectEnd();
        return record;
    }
}
