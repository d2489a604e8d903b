using System.Buffers.Binary;
using System.Text;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages;

/// <summary>
/// A DNS message (RFC 1035 §4.1): header, four sections, EDNS and TSIG lifted out of the additional section.
/// </summary>
public sealed class DnsMessage
{
    /// <summary>Fixed header size (RFC 1035 §4.1.1).</summary>
    public const int HeaderSize = 12;

    /// <summary>Classic UDP payload limit without EDNS (RFC 1035 §2.3.4).</summary>
    public const int MaxUdpSizeWithoutEdns = 512;

    /// <summary>Message ID.</summary>
    public ushort Id { get; set; }

    /// <summary>QR: this is a response.</summary>
    public bool IsResponse { get; set; }

    /// <summary>OPCODE.</summary>
    public DnsOpCode OpCode { get; set; }

    /// <summary>AA: authoritative answer.</summary>
    public bool IsAuthoritative { get; set; }

    /// <summary>TC: truncated.</summary>
    public bool IsTruncated { get; set; }

    /// <summary>RD: recursion desired.</summary>
    public bool RecursionDesired { get; set; }

    /// <summary>RA: recursion available.</summary>
    public bool RecursionAvailable { get; set; }

    /// <summary>The reserved Z bit (must be zero; kept so monitoring can report servers that set it).</summary>
    public bool ZBit { get; set; }

    /// <summary>AD: authentic data (RFC 4035).</summary>
    public bool AuthenticData { get; set; }

    /// <summary>CD: checking disabled (RFC 4035).</summary>
    public bool CheckingDisabled { get; set; }

    /// <summary>Full RCODE: header bits plus EDNS extended bits when an OPT record is present.</summary>
    public DnsResponseCode ResponseCode { get; set; }

    /// <summary>Question section.</summary>
    public IList<DnsQuestion> Questions { get; private init; } = new List<DnsQuestion>();

    /// <summary>Answer section.</summary>
    public IList<ResourceRecord> Answers { get; private init; } = new List<ResourceRecord>();

    /// <summary>Authority section.</summary>
    public IList<ResourceRecord> Authorities { get; private init; } = new List<ResourceRecord>();

    /// <summary>Additional section without OPT and TSIG.</summary>
    public IList<ResourceRecord> Additionals { get; private init; } = new List<ResourceRecord>();

    /// <summary>EDNS parameters, or null when the message has no OPT record.</summary>
    public EdnsInfo? Edns { get; set; }

    /// <summary>The TSIG record (always last on the wire), or null.</summary>
    public ResourceRecord? Tsig { get; set; }

    /// <summary>Offset of the TSIG record in the decoded bytes (needed to verify it), or -1.</summary>
    public int TsigOffset { get; private set; } = -1;

    /// <summary>Builds a query with a random-free ID supplied by the caller (transports pick random IDs).</summary>
    public static DnsMessage CreateQuery(DnsName name, DnsRecordType type, DnsClass dnsClass = DnsClass.IN, ushort id = 0,
        bool recursionDesired = false, EdnsInfo? edns = null) =>
        new()
        {
            Id = id,
            RecursionDesired = recursionDesired,
            Questions = { new DnsQuestion(name, type, dnsClass) },
            Edns = edns,
        };

    /// <summary>Decodes a message.</summary>
    /// <exception cref="DnsFormatException">The data is malformed; no other exception is thrown for bad input.</exception>
    public static DnsMessage Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            throw new DnsFormatException(0, $"message shorter than the {HeaderSize}-octet header");
        }

        var reader = new DnsWireReader(data);
        reader.EnableNameCache();
        var id = reader.ReadUInt16();
        var flags = reader.ReadUInt16();
        var questions = reader.ReadUInt16();
        var answers = reader.ReadUInt16();
        var authorities = reader.ReadUInt16();
        var additionals = reader.ReadUInt16();

        // Lists sized from the counts, but never beyond what the bytes could hold (a question is at least 5
        // octets, a record 11), so a forged count cannot make us allocate much.
        var message = new DnsMessage
        {
            Id = id,
            Questions = new List<DnsQuestion>(Math.Min(questions, data.Length / 5)),
            Answers = new List<ResourceRecord>(Math.Min(answers, data.Length / 11)),
            Authorities = new List<ResourceRecord>(Math.Min(authorities, data.Length / 11)),
            Additionals = new List<ResourceRecord>(Math.Min(additionals, data.Length / 11)),
        };
        message.IsResponse = (flags & 0x8000) != 0;
        message.OpCode = (DnsOpCode)((flags >> 11) & 0xF);
        message.IsAuthoritative = (flags & 0x0400) != 0;
        message.IsTruncated = (flags & 0x0200) != 0;
        message.RecursionDesired = (flags & 0x0100) != 0;
        message.RecursionAvailable = (flags & 0x0080) != 0;
        message.ZBit = (flags & 0x0040) != 0;
        message.AuthenticData = (flags & 0x0020) != 0;
        message.CheckingDisabled = (flags & 0x0010) != 0;
        var rcode = flags & 0xF;

        for (var i = 0; i < questions; i++)
        {
            message.Questions.Add(DnsQuestion.Read(ref reader));
        }

        ReadSection(ref reader, answers, message.Answers);
        ReadSection(ref reader, authorities, message.Authorities);
        for (var i = 0; i < additionals; i++)
        {
            var at = reader.Position;
            if (IsOptAt(data, at))
            {
                if (message.Edns is not null)
                {
                    throw new DnsFormatException(at, "more than one OPT record (RFC 6891 §6.1.1)");
                }

                message.Edns = ReadOpt(ref reader, out var extendedRcode);
                rcode |= extendedRcode << 4;
                continue;
            }

            var record = ResourceRecord.Read(ref reader);
            switch (record.Type)
            {
                case DnsRecordType.OPT:
                    // Reached only when the owner is not a plain zero octet: a pointer to the root is odd but legal.
                    if (!record.Name.IsRoot)
                    {
                        throw new DnsFormatException(at, "OPT record owner must be the root (RFC 6891 §6.1.2)");
                    }

                    if (message.Edns is not null)
                    {
                        throw new DnsFormatException(at, "more than one OPT record (RFC 6891 §6.1.1)");
                    }

                    message.Edns = new EdnsInfo { UdpPayloadSize = (ushort)record.Class, Version = (byte)(record.Ttl >> 16), Flags = (ushort)record.Ttl };
                    foreach (var option in ((OptRecord)record.Data).Options)
                    {
                        message.Edns.Options.Add(option);
                    }

                    rcode |= (int)((record.Ttl >> 24) << 4);
                    break;
                case DnsRecordType.TSIG:
                    if (i != additionals - 1)
                    {
                        throw new DnsFormatException(at, "TSIG is not the last record (RFC 8945 §5.1)");
                    }

                    message.Tsig = record;
                    message.TsigOffset = at;
                    break;
                default:
                    message.Additionals.Add(record);
                    break;
            }
        }

        if (reader.Remaining != 0)
        {
            throw new DnsFormatException(reader.Position, $"{reader.Remaining} octets after the last record");
        }

        message.ResponseCode = (DnsResponseCode)rcode;
        reader.ReleaseNameCache();
        return message;
    }

    // OPT always has the root owner (a single zero octet), so its type sits right after it.
    private static bool IsOptAt(ReadOnlySpan<byte> data, int at) =>
        at + 3 <= data.Length && data[at] == 0 && BinaryPrimitives.ReadUInt16BigEndian(data[(at + 1)..]) == (ushort)DnsRecordType.OPT;

    // Options go straight into EdnsInfo instead of through an OptRecord, saving two allocations per message.
    private static EdnsInfo ReadOpt(ref DnsWireReader reader, out int extendedRcode)
    {
        reader.ReadByte();
        reader.ReadUInt16();
        var edns = new EdnsInfo { UdpPayloadSize = reader.ReadUInt16() };
        var ttl = reader.ReadUInt32();
        extendedRcode = (int)(ttl >> 24);
        edns.Version = (byte)(ttl >> 16);
        edns.Flags = (ushort)ttl;
        var length = reader.ReadUInt16();
        var saved = reader.PushLimit(reader.Position + length);
        while (reader.Remaining > 0)
        {
            var optionAt = reader.Position;
            var code = reader.ReadUInt16();
            var optionLength = reader.ReadUInt16();
            edns.Options.Add(EdnsOption.Read(code, reader.ReadBytes(optionLength), optionAt));
        }

        reader.PopLimit(saved);
        return edns;
    }

    private static void ReadSection(ref DnsWireReader reader, int count, IList<ResourceRecord> section)
    {
        for (var i = 0; i < count; i++)
        {
            var at = reader.Position;
            var record = ResourceRecord.Read(ref reader);
            if (record.Type is DnsRecordType.OPT or DnsRecordType.TSIG)
            {
                throw new DnsFormatException(at, $"{record.Type} outside the additional section");
            }

            section.Add(record);
        }
    }

    /// <summary>Encodes the message with name compression into a new array.</summary>
    public byte[] Encode()
    {
        using var writer = new DnsWireWriter(512);
        Encode(writer);
        return writer.ToArray();
    }

    /// <summary>Encodes the message into <paramref name="writer"/> (which should be empty).</summary>
    /// <exception cref="InvalidOperationException">The message would exceed 65535 octets or a count 65535.</exception>
    public void Encode(DnsWireWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if ((int)ResponseCode > 0xF && Edns is null)
        {
            throw new InvalidOperationException("an extended RCODE needs EDNS");
        }

        var additionalCount = Additionals.Count + (Edns is null ? 0 : 1) + (Tsig is null ? 0 : 1);
        if (Questions.Count > ushort.MaxValue || Answers.Count > ushort.MaxValue || Authorities.Count > ushort.MaxValue
            || additionalCount > ushort.MaxValue)
        {
            throw new InvalidOperationException("a section has more than 65535 entries");
        }

        writer.WriteUInt16(Id);
        writer.WriteUInt16(HeaderFlags());
        writer.WriteUInt16((ushort)Questions.Count);
        writer.WriteUInt16((ushort)Answers.Count);
        writer.WriteUInt16((ushort)Authorities.Count);
        writer.WriteUInt16((ushort)additionalCount);
        // Index loops: foreach over IList<T> would box an enumerator per section on every encode.
        for (var i = 0; i < Questions.Count; i++)
        {
            Questions[i].Write(writer, compress: true);
        }

        WriteSection(writer, Answers);
        WriteSection(writer, Authorities);
        WriteSection(writer, Additionals);
        if (Edns is not null)
        {
            // OPT (RFC 6891 §6.1.2): root owner, CLASS = payload size, TTL = extended RCODE, version and flags.
            writer.WriteByte(0);
            writer.WriteUInt16((ushort)DnsRecordType.OPT);
            writer.WriteUInt16(Edns.UdpPayloadSize);
            writer.WriteUInt32(((uint)((int)ResponseCode >> 4) << 24) | ((uint)Edns.Version << 16) | Edns.Flags);
            var lengthAt = writer.Position;
            writer.WriteUInt16(0);
            for (var i = 0; i < Edns.Options.Count; i++)
            {
                Edns.Options[i].Write(writer);
            }

            writer.PatchUInt16(lengthAt, (ushort)(writer.Position - lengthAt - 2));
        }

        if (Tsig is not null)
        {
            TsigOffset = writer.Position;
            Tsig.Write(writer, compress: false);
        }
    }

    private static void WriteSection(DnsWireWriter writer, IList<ResourceRecord> section)
    {
        for (var i = 0; i < section.Count; i++)
        {
            section[i].Write(writer);
        }
    }

    internal ushort HeaderFlags()
    {
        var flags = 0;
        flags |= IsResponse ? 0x8000 : 0;
        flags |= ((int)OpCode & 0xF) << 11;
        flags |= IsAuthoritative ? 0x0400 : 0;
        flags |= IsTruncated ? 0x0200 : 0;
        flags |= RecursionDesired ? 0x0100 : 0;
        flags |= RecursionAvailable ? 0x0080 : 0;
        flags |= ZBit ? 0x0040 : 0;
        flags |= AuthenticData ? 0x0020 : 0;
        flags |= CheckingDisabled ? 0x0010 : 0;
        flags |= (int)ResponseCode & 0xF;
        return (ushort)flags;
    }

    /// <summary>Reads just the ID of a raw message, or null when it is shorter than two octets.</summary>
    public static ushort? PeekId(ReadOnlySpan<byte> data) => data.Length < 2 ? null : BinaryPrimitives.ReadUInt16BigEndian(data);

    /// <summary>A dig-like multi-line rendering for logs and evidence views.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(";; opcode: ").Append(OpCode).Append(", status: ").Append(ResponseCode).Append(", id: ").Append(Id).AppendLine();
        sb.Append(";; flags:");
        foreach (var (set, name) in new[]
                 {
                     (IsResponse, "qr"), (IsAuthoritative, "aa"), (IsTruncated, "tc"), (RecursionDesired, "rd"),
                     (RecursionAvailable, "ra"), (ZBit, "z"), (AuthenticData, "ad"), (CheckingDisabled, "cd"),
                 })
        {
            if (set)
            {
                sb.Append(' ').Append(name);
            }
        }

        sb.AppendLine();
        if (Edns is not null)
        {
            sb.Append(";; EDNS: version ").Append(Edns.Version).Append(", flags:").Append(Edns.DnssecOk ? " do" : string.Empty)
                .Append(", udp: ").Append(Edns.UdpPayloadSize);
            foreach (var option in Edns.Options)
            {
                sb.Append(", ").Append(option);
            }

            sb.AppendLine();
        }

        sb.AppendLine(";; QUESTION");
        foreach (var q in Questions)
        {
            sb.Append(';').Append(q).AppendLine();
        }

        foreach (var (title, section) in new[] { ("ANSWER", Answers), ("AUTHORITY", Authorities), ("ADDITIONAL", Additionals) })
        {
            if (section.Count > 0)
            {
                sb.Append(";; ").AppendLine(title);
                foreach (var record in section)
                {
                    sb.Append(record).AppendLine();
                }
            }
        }

        if (Tsig is not null)
        {
            sb.AppendLine(";; TSIG").Append(Tsig).AppendLine();
        }

        return sb.ToString();
    }
}
