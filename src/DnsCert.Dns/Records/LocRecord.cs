using System.Globalization;
using System.Text;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>LOC: geographical location (RFC 1876). Only version 0 exists; other versions decode as unknown RDATA.</summary>
public sealed class LocRecord : RecordData
{
    /// <summary>Equator / prime meridian in the wire encoding (RFC 1876 §2: 2^31 thousandths of an arc-second).</summary>
    public const uint Origin = 0x80000000;

    /// <summary>Altitude reference: 100,000 m below the WGS 84 spheroid, in centimetres (RFC 1876 §2).</summary>
    public const uint AltitudeBase = 10_000_000;

    /// <summary>Creates a LOC record from raw wire fields.</summary>
    public LocRecord(byte size, byte horizontalPrecision, byte verticalPrecision, uint latitude, uint longitude, uint altitude)
    {
        Size = size;
        HorizontalPrecision = horizontalPrecision;
        VerticalPrecision = verticalPrecision;
        Latitude = latitude;
        Longitude = longitude;
        Altitude = altitude;
    }

    /// <summary>Diameter of the enclosing sphere, encoded as mantissa/exponent nibbles of centimetres.</summary>
    public byte Size { get; }

    /// <summary>Horizontal precision, same encoding as <see cref="Size"/>.</summary>
    public byte HorizontalPrecision { get; }

    /// <summary>Vertical precision, same encoding as <see cref="Size"/>.</summary>
    public byte VerticalPrecision { get; }

    /// <summary>Latitude in thousandths of an arc-second, offset by <see cref="Origin"/>.</summary>
    public uint Latitude { get; }

    /// <summary>Longitude in thousandths of an arc-second, offset by <see cref="Origin"/>.</summary>
    public uint Longitude { get; }

    /// <summary>Altitude in centimetres above <see cref="AltitudeBase"/> below the spheroid.</summary>
    public uint Altitude { get; }

    /// <inheritdoc/>
    public override DnsRecordType Type => DnsRecordType.LOC;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteByte(0);
        writer.WriteByte(Size);
        writer.WriteByte(HorizontalPrecision);
        writer.WriteByte(VerticalPrecision);
        writer.WriteUInt32(Latitude);
        writer.WriteUInt32(Longitude);
        writer.WriteUInt32(Altitude);
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        AppendAngle(sb, Latitude, 'N', 'S');
        sb.Append(' ');
        AppendAngle(sb, Longitude, 'E', 'W');
        var altitude = (long)Altitude - AltitudeBase;
        sb.Append(' ').Append(FormatMetres(altitude)).Append("m ")
            .Append(FormatMetres(PrecisionToCentimetres(Size))).Append("m ")
            .Append(FormatMetres(PrecisionToCentimetres(HorizontalPrecision))).Append("m ")
            .Append(FormatMetres(PrecisionToCentimetres(VerticalPrecision))).Append('m');
    }

    private static string FormatMetres(long centimetres)
    {
        var sign = centimetres < 0 ? "-" : string.Empty;
        var abs = Math.Abs(centimetres);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 100}.{abs % 100:D2}");
    }

    private static void AppendAngle(StringBuilder sb, uint value, char positive, char negative)
    {
        var offset = (long)value - Origin;
        var hemisphere = offset < 0 ? negative : positive;
        var abs = Math.Abs(offset);
        var thousandths = abs % 1000;
        abs /= 1000;
        var seconds = abs % 60;
        abs /= 60;
        var minutes = abs % 60;
        var degrees = abs / 60;
        sb.Append(CultureInfo.InvariantCulture, $"{degrees} {minutes} {seconds}.{thousandths:D3} {hemisphere}");
    }

    /// <summary>Decodes a mantissa/exponent precision byte to centimetres.</summary>
    public static long PrecisionToCentimetres(byte value)
    {
        long result = value >> 4;
        for (var i = 0; i < (value & 0x0F); i++)
        {
            result *= 10;
        }

        return result;
    }

    private static byte CentimetresToPrecision(long centimetres)
    {
        var exponent = 0;
        while (centimetres > 9 && exponent < 9)
        {
            centimetres /= 10;
            exponent++;
        }

        return (byte)(((int)Math.Min(centimetres, 9) << 4) | exponent);
    }

    internal static RecordData Read(ref DnsWireReader reader)
    {
        var at = reader.Position;
        if (reader.Remaining == 0 || reader.Message[at] != 0)
        {
            // RFC 1876 §2: other versions have an unknown layout, so keep them opaque rather than reject them.
            return new UnknownRecord(DnsRecordType.LOC, reader.ReadToLimit().ToArray());
        }

        if (reader.Remaining != 16)
        {
            throw new DnsFormatException(at, "LOC version 0 RDATA must be 16 octets");
        }

        reader.ReadByte();
        var size = reader.ReadByte();
        var horizontal = reader.ReadByte();
        var vertical = reader.ReadByte();
        if (!ValidPrecision(size) || !ValidPrecision(horizontal) || !ValidPrecision(vertical))
        {
            throw new DnsFormatException(at, "LOC precision digits above 9");
        }

        var latitude = reader.ReadUInt32();
        var longitude = reader.ReadUInt32();

        // Angles past the poles or the antimeridian have no presentation form; BIND rejects them the same way.
        if (Math.Abs((long)latitude - Origin) > MaxLatitude || Math.Abs((long)longitude - Origin) > MaxLongitude)
        {
            throw new DnsFormatException(at, "LOC latitude or longitude out of range");
        }

        return new LocRecord(size, horizontal, vertical, latitude, longitude, reader.ReadUInt32());
    }

    // 90 and 180 degrees in thousandths of an arc-second.
    private const long MaxLatitude = 90L * 3600 * 1000;
    private const long MaxLongitude = 180L * 3600 * 1000;

    private static bool ValidPrecision(byte value) => value >> 4 <= 9 && (value & 0x0F) <= 9;

    internal static LocRecord Parse(PresentationReader reader)
    {
        var latitude = ParseAngle(reader, 90, 'N', 'S');
        var longitude = ParseAngle(reader, 180, 'E', 'W');
        var altitudeToken = reader.Next("altitude");
        var altitude = ParseMetres(reader, altitudeToken, -100_000m, 42_849_672.95m);
        long size = 100, horizontal = 1_000_000, vertical = 1_000;
        if (!reader.AtEnd)
        {
            size = ParseMetres(reader, reader.Next("size"), 0, 90_000_000m);
        }

        if (!reader.AtEnd)
        {
            horizontal = ParseMetres(reader, reader.Next("horizontal precision"), 0, 90_000_000m);
        }

        if (!reader.AtEnd)
        {
            vertical = ParseMetres(reader, reader.Next("vertical precision"), 0, 90_000_000m);
        }

        reader.ExpectEnd();
        return new LocRecord(CentimetresToPrecision(size), CentimetresToPrecision(horizontal), CentimetresToPrecision(vertical),
            latitude, longitude, (uint)(altitude + AltitudeBase));
    }

    private static uint ParseAngle(PresentationReader reader, int maxDegrees, char positive, char negative)
    {
        var degreesToken = reader.Next("degrees");
        if (!int.TryParse(degreesToken.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var degrees) || degrees > maxDegrees)
        {
            throw reader.Error(degreesToken, $"degrees must be 0 to {maxDegrees}");
        }

        var minutes = 0;
        var thousandths = 0L;
        var token = reader.Next("hemisphere");
        if (int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes))
        {
            if (minutes > 59)
            {
                throw reader.Error(token, "minutes must be 0 to 59");
            }

            token = reader.Next("hemisphere");
            if (decimal.TryParse(token.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            {
                if (seconds >= 60 || decimal.Round(seconds, 3) != seconds)
                {
                    throw reader.Error(token, "seconds must be below 60 with at most 3 decimals");
                }

                thousandths = (long)(seconds * 1000);
                token = reader.Next("hemisphere");
            }
        }

        var sign = token.Text.Length == 1 && char.ToUpperInvariant(token.Text[0]) == positive ? 1
            : token.Text.Length == 1 && char.ToUpperInvariant(token.Text[0]) == negative ? -1
            : throw reader.Error(token, $"expected {positive} or {negative}");
        var total = ((((long)degrees * 60) + minutes) * 60 * 1000) + thousandths;
        if (total > (long)maxDegrees * 3600 * 1000)
        {
            throw reader.Error(degreesToken, $"angle beyond {maxDegrees} degrees");
        }

        return (uint)(Origin + (sign * total));
    }

    private static long ParseMetres(PresentationReader reader, Zones.ZoneToken token, decimal min, decimal max)
    {
        var text = token.Text.EndsWith('m') || token.Text.EndsWith('M') ? token.Text[..^1] : token.Text;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var metres)
            || metres < min || metres > max || decimal.Round(metres, 2) != metres)
        {
            throw reader.Error(token, $"'{token.Text}' is not a distance in metres from {min} to {max} with at most 2 decimals");
        }

        return (long)(metres * 100);
    }
}
