using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>NAPTR: naming authority pointer (RFC 3403 §4).</summary>
public sealed class NaptrRecord : RecordData
{
    /// <summary>Creates a NAPTR record.</summary>
    public NaptrRecord(ushort order, ushort preference, byte[] flags, byte[] services, byte[] regexp, DnsName replacement)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(regexp);
        ArgumentNullException.ThrowIfNull(replacement);
        if (flags.Length > 255 || services.Length > 255 || regexp.Length > 255)
        {
            throw new ArgumentException("character-strings are at most 255 octets");
        }

        Order = order;
        Preference = preference;
        Flags = flags;
        Services = services;
        Regexp = regexp;
        Replacement = replacement;
    }

    /// <summary>Processing order.</summary>
    public ushort Order { get; }

    /// <summary>Preference among equal orders.</summary>
    public ushort Preference { get; }

    /// <summary>Flags string.</summary>
    public ReadOnlyMemory<byte> Flags { get; }

    /// <summary>Services string.</summary>
    public ReadOnlyMemory<byte> Services { get; }

    /// <summary>Substitution expression.</summary>
    public ReadOnlyMemory<byte> Regexp { get; }

    /// <summary>Replacement name.</summary>
    public DnsName Replacement { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.NAPTR;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Order);
        writer.WriteUInt16(Preference);
        writer.WriteCharacterString(Flags.Span);
        writer.WriteCharacterString(Services.Span);
        writer.WriteCharacterString(Regexp.Span);
        writer.WriteName(Replacement, false, canonical);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Order)).Append(' ').Append(N(Preference)).Append(' ');
        AppendQuoted(sb, Flags.Span);
        sb.Append(' ');
        AppendQuoted(sb, Services.Span);
        sb.Append(' ');
        AppendQuoted(sb, Regexp.Span);
        sb.Append(' ');
        Replacement.AppendTo(sb);
    }

    internal static NaptrRecord Read(ref DnsWireReader reader) =>
        new(reader.ReadUInt16(), reader.ReadUInt16(), reader.ReadCharacterString().ToArray(),
            reader.ReadCharacterString().ToArray(), reader.ReadCharacterString().ToArray(), reader.ReadName());

    internal static NaptrRecord Parse(PresentationReader reader)
    {
        var record = new NaptrRecord(reader.NextUInt16("order"), reader.NextUInt16("preference"),
            reader.NextCharacterString("flags"), reader.NextCharacterString("services"),
            reader.NextCharacterString("regexp"), reader.NextName("replacement"));
        reader.ExpectEnd();
        return record;
    }
}
