using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>A resource record: owner, class, TTL and typed data.</summary>
public sealed class ResourceRecord : IEquatable<ResourceRecord>
{
    /// <summary>Creates a record.</summary>
    public ResourceRecord(DnsName name, DnsClass recordClass, uint ttl, RecordData data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        Name = name;
        Class = recordClass;
        Ttl = ttl;
        Data = data;
    }

    /// <summary>Owner name.</summary>
    public DnsName Name { get; }

    /// <summary>Record type (from the data).</summary>
    public DnsRecordType Type => Data.Type;

    /// <summary>Class (for OPT: the UDP payload size).</summary>
    public DnsClass Class { get; }

    /// <summary>Time to live in seconds (for OPT: extended RCODE and flags).</summary>
    public uint Ttl { get; }

    /// <summary>Typed RDATA.</summary>
    public RecordData Data { get; }

    /// <summary>Decodes one record at the reader position.</summary>
    /// <exception cref="DnsFormatException">Malformed data.</exception>
    public static ResourceRecord Read(ref DnsWireReader reader)
    {
        var name = reader.ReadName();
        var type = (DnsRecordType)reader.ReadUInt16();
        var recordClass = (DnsClass)reader.ReadUInt16();
        var ttl = reader.ReadUInt32();
        var length = reader.ReadUInt16();
        var data = RecordDataCodec.Read(type, ref reader, length);
        return new ResourceRecord(name, recordClass, ttl, data);
    }

    /// <summary>Encodes the record, compressing names when <paramref name="compress"/> is set.</summary>
    public void Write(DnsWireWriter writer, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteName(Name, compress);
        writer.WriteUInt16((ushort)Type);
        writer.WriteUInt16((ushort)Class);
        writer.WriteUInt32(Ttl);
        var lengthAt = writer.Position;
        writer.WriteUInt16(0);
        Data.WriteData(writer, compress, canonical: false);
        var length = writer.Position - lengthAt - 2;
        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException("RDATA longer than 65535 octets");
        }

        writer.PatchUInt16(lengthAt, (ushort)length);
    }

    /// <summary>Presentation line: <c>owner TTL CLASS TYPE RDATA</c> with absolute names.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Name.AppendTo(sb);
        sb.Append('\t').Append(RecordData.N(Ttl)).Append('\t').Append(DnsMnemonics.ClassToString(Class))
            .Append('\t').Append(DnsMnemonics.TypeToString(Type)).Append('\t');
        Data.AppendPresentation(sb);
        return sb.ToString();
    }

    /// <summary>Equal owner (case-insensitively), class, TTL and canonical RDATA.</summary>
    public bool Equals(ResourceRecord? other) =>
        other is not null && Name == other.Name && Class == other.Class && Ttl == other.Ttl && Data.Equals(other.Data);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ResourceRecord);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Class, Ttl, Data);
}
