using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Records;

/// <summary>Presentation and validation of SvcParam values (RFC 9460 §7 and Appendix A).</summary>
internal static class SvcParams
{
    public static string KeyName(ushort key) => key switch
    {
        0 => "mandatory",
        1 => "alpn",
        2 => "no-default-alpn",
        3 => "port",
        4 => "ipv4hint",
        5 => "ech",
        6 => "ipv6hint",
        7 => "dohpath",
        8 => "ohttp",
        _ => "key" + key.ToString(CultureInfo.InvariantCulture),
    };

    public static bool TryParseKey(string text, out ushort key)
    {
        key = text switch
        {
            "mandatory" => 0,
            "alpn" => 1,
            "no-default-alpn" => 2,
            "port" => 3,
            "ipv4hint" => 4,
            "ech" => 5,
            "ipv6hint" => 6,
            "dohpath" => 7,
            "ohttp" => 8,
            _ => ushort.MaxValue,
        };
        if (key != ushort.MaxValue)
        {
            return true;
        }

        // key65535 is reserved (RFC 9460 §14.3.2) and so cannot be used.
        return text.StartsWith("key", StringComparison.Ordinal) && text.Length > 3 && text.Length <= 8
            && ushort.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out key) && key != ushort.MaxValue
            && (text.Length == 4 || text[3] != '0');
    }

    /// <summary>Returns null when the value is valid wire data for the key, otherwise the reason.</summary>
    public static string? Validate(ushort key, ReadOnlySpan<byte> value)
    {
        switch (key)
        {
            case 0:
                if (value.Length == 0 || value.Length % 2 != 0)
                {
                    return "mandatory needs a non-empty list of 16-bit keys";
                }

                var last = -1;
                for (var i = 0; i < value.Length; i += 2)
                {
                    var k = BinaryPrimitives.ReadUInt16BigEndian(value[i..]);
                    if (k <= last || k == 0)
                    {
                        return "mandatory keys must be ascending, unique and not include mandatory";
                    }

                    last = k;
                }

                return null;
            case 1:
                if (value.Length == 0)
                {
                    return "alpn must not be empty";
                }

                for (var i = 0; i < value.Length; i += 1 + value[i])
                {
                    if (value[i] == 0 || i + 1 + value[i] > value.Length)
                    {
                        return "alpn ids must be non-empty and inside the value";
                    }
                }

                return null;
            case 2 or 8:
                return value.Length == 0 ? null : $"{KeyName(key)} takes no value";
            case 3:
                return value.Length == 2 ? null : "port is 2 octets";
            case 4:
                return value.Length > 0 && value.Length % 4 == 0 ? null : "ipv4hint is a non-empty list of 4-octet addresses";
            case 6:
                return value.Length > 0 && value.Length % 16 == 0 ? null : "ipv6hint is a non-empty list of 16-octet addresses";
            case 5 or 7:
                return value.Length > 0 ? null : $"{KeyName(key)} must not be empty";
            default:
                return null;
        }
    }

    public static void AppendValue(StringBuilder sb, ushort key, ReadOnlySpan<byte> value)
    {
        switch (key)
        {
            case 0:
                for (var i = 0; i < value.Length; i += 2)
                {
                    sb.Append(i == 0 ? string.Empty : ",").Append(KeyName(BinaryPrimitives.ReadUInt16BigEndian(value[i..])));
                }

                break;
            case 1:
                sb.Append('"');
                for (var i = 0; i < value.Length; i += 1 + value[i])
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    foreach (var b in value.Slice(i + 1, value[i]))
                    {
                        // Two escaping layers: value-list commas and backslashes, then character-string escapes.
                        switch (b)
                        {
                            case (byte)',' or (byte)'\\':
                                sb.Append(@"\\").Append(b == ',' ? "," : @"\\");
                                break;
                            case (byte)'"':
                                sb.Append("\\\"");
                                break;
                            case < 0x20 or > 0x7E:
                                sb.Append('\\').Append(((int)b).ToString("D3", CultureInfo.InvariantCulture));
                                break;
                            default:
                                sb.Append((char)b);
                                break;
                        }
                    }
                }

                sb.Append('"');
                break;
            case 3:
                sb.Append(BinaryPrimitives.ReadUInt16BigEndian(value).ToString(CultureInfo.InvariantCulture));
                break;
            case 4 or 6:
                var size = key == 4 ? 4 : 16;
                for (var i = 0; i < value.Length; i += size)
                {
                    sb.Append(i == 0 ? string.Empty : ",").Append(new IPAddress(value.Slice(i, size)));
                }

                break;
            case 5:
                sb.Append(Convert.ToBase64String(value));
                break;
            default:
                RecordData.AppendQuoted(sb, value);
                break;
        }
    }

    public static byte[] ParseValue(PresentationReader reader, ZoneToken token, ushort key, string? rawValue)
    {
        if (key is 2 or 8)
        {
            return rawValue is null or "" ? [] : throw reader.Error(token, $"{KeyName(key)} takes no value");
        }

        if (rawValue is null or "")
        {
            // RFC 9460 §2.1: a key without "=value" has an empty value, which only generic keys may carry.
            return key > 8 ? [] : throw reader.Error(token, $"{KeyName(key)} needs a value");
        }

        var decoded = PresentationReader.DecodeText(token with { Text = rawValue }, out var error)
            ?? throw reader.Error(token, error);
        var text = Encoding.UTF8.GetString(decoded);
        var result = new List<byte>();
        switch (key)
        {
            case 0:
                var keys = new List<ushort>();
                foreach (var name in text.Split(','))
                {
                    if (!TryParseKey(name, out var k))
                    {
                        throw reader.Error(token, $"unknown key '{name}' in mandatory");
                    }

                    keys.Add(k);
                }

                foreach (var k in keys.Order())
                {
                    result.Add((byte)(k >> 8));
                    result.Add((byte)k);
                }

                break;
            case 1:
                foreach (var item in SplitValueList(decoded))
                {
                    if (item.Length is 0 or > 255)
                    {
                        throw reader.Error(token, "alpn ids are 1 to 255 octets");
                    }

                    result.Add((byte)item.Length);
                    result.AddRange(item);
                }

                break;
            case 3:
                if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    throw reader.Error(token, "port must be 0 to 65535");
                }

                result.Add((byte)(port >> 8));
                result.Add((byte)port);
                break;
            case 4:
                foreach (var item in text.Split(','))
                {
                    if (!ARecord.TryParseDottedQuad(item, out var address))
                    {
                        throw reader.Error(token, $"'{item}' is not an IPv4 address");
                    }

                    result.AddRange(address.GetAddressBytes());
                }

                break;
            case 6:
                foreach (var item in text.Split(','))
                {
                    if (!AaaaRecord.TryParseIPv6(item, out var address))
                    {
                        throw reader.Error(token, $"'{item}' is not an IPv6 address");
                    }

                    result.AddRange(address.GetAddressBytes());
                }

                break;
            case 5:
                try
                {
                    result.AddRange(Convert.FromBase64String(text));
                }
                catch (FormatException)
                {
                    throw reader.Error(token, "ech must be base64");
                }

                break;
            default:
                result.AddRange(decoded);
                break;
        }

        var bytes = result.ToArray();
        var problem = Validate(key, bytes);
        return problem is null ? bytes : throw reader.Error(token, problem);
    }

    // RFC 9460 Appendix A.1: items are separated by unescaped commas; "\," and "\\" stand for themselves.
    private static List<byte[]> SplitValueList(byte[] value)
    {
        var items = new List<byte[]>();
        var current = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                current.Add(value[++i]);
            }
            else if (value[i] == ',')
            {
                items.Add([.. current]);
                current.Clear();
            }
            else
            {
                current.Add(value[i]);
            }
        }

        items.Add([.. current]);
        return items;
    }
}
