using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>The windowed type bitmap shared by NSEC, NSEC3 and CSYNC (RFC 4034 §4.1.2).</summary>
internal static class TypeBitmap
{
    // Each window block covers 256 types in at most 32 octets (RFC 4034 §4.1.2).
    private const int MaxWindowOctets = 32;

    public static DnsRecordType[] Read(ref DnsWireReader reader)
    {
        // First pass validates and counts so the result is allocated once at its exact size.
        var start = reader.Position;
        var count = 0;
        var lastWindow = -1;
        while (reader.Remaining > 0)
        {
            var at = reader.Position;
            var window = reader.ReadByte();
            var length = reader.ReadByte();
            if (window <= lastWindow)
            {
                throw new DnsFormatException(at, "type bitmap windows out of order");
            }

            if (length is 0 or > MaxWindowOctets)
            {
                throw new DnsFormatException(at, $"type bitmap window length {length} outside 1..{MaxWindowOctets}");
            }

            lastWindow = window;
            foreach (var b in reader.ReadBytes(length))
            {
                count += System.Numerics.BitOperations.PopCount(b);
            }
        }

        var types = new DnsRecordType[count];
        var bitmap = reader.Message[start..reader.Position];
        var n = 0;
        for (var pos = 0; pos < bitmap.Length; pos += 2 + bitmap[pos + 1])
        {
            var window = bitmap[pos];
            var bits = bitmap.Slice(pos + 2, bitmap[pos + 1]);
            for (var i = 0; i < bits.Length; i++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((bits[i] & (0x80 >> bit)) != 0)
                    {
                        types[n++] = (DnsRecordType)((window << 8) | (i << 3) | bit);
                    }
                }
            }
        }

        return types;
    }

    /// <summary>Writes the bitmap; <paramref name="sorted"/> must be strictly ascending (the record constructors ensure it).</summary>
    public static void Write(DnsWireWriter writer, DnsRecordType[] sorted)
    {
        Span<byte> bits = stackalloc byte[MaxWindowOctets];
        var index = 0;
        while (index < sorted.Length)
        {
            var window = (ushort)sorted[index] >> 8;
            bits.Clear();
            var used = 0;
            while (index < sorted.Length && (ushort)sorted[index] >> 8 == window)
            {
                var low = (ushort)sorted[index] & 0xFF;
                bits[low >> 3] |= (byte)(0x80 >> (low & 7));
                used = (low >> 3) + 1;
                index++;
            }

            writer.WriteByte((byte)window);
            writer.WriteByte((byte)used);
            writer.WriteBytes(bits[..used]);
        }
    }

    public static void Append(StringBuilder sb, IReadOnlyList<DnsRecordType> types)
    {
        foreach (var type in types)
        {
            sb.Append(' ').Append(DnsMnemonics.TypeToString(type));
        }
    }

    public static DnsRecordType[] Parse(PresentationReader reader)
    {
        var types = new List<DnsRecordType>();
        while (!reader.AtEnd)
        {
            types.Add(reader.NextType("type in bitmap"));
        }

        return [.. types.Distinct().Order()];
    }
}
