using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages;

/// <summary>A question: name, type and class (RFC 1035 §4.1.2).</summary>
/// <param name="Name">Queried name.</param>
/// <param name="Type">Queried type.</param>
/// <param name="Class">Queried class.</param>
public sealed record DnsQuestion(DnsName Name, DnsRecordType Type, DnsClass Class = DnsClass.IN)
{
    /// <summary>True when <paramref name="other"/> asks the same thing (name compared case-insensitively).</summary>
    public bool Matches(DnsQuestion other) =>
        other is not null && Name == other.Name && Type == other.Type && Class == other.Class;

    internal static DnsQuestion Read(ref DnsWireReader reader) =>
        new(reader.ReadName(), (DnsRecordType)reader.ReadUInt16(), (DnsClass)reader.ReadUInt16());

    internal void Write(DnsWireWriter writer, bool compress)
    {
        writer.WriteName(Name, compress);
        writer.WriteUInt16((ushort)Type);
        writer.WriteUInt16((ushort)Class);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}\t{DnsMnemonics.ClassToString(Class)}\t{DnsMnemonics.TypeToString(Type)}";
}
