using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsCert.Dns.Messages.Edns;
using DnsCert.Dns.Wire;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Records;

/// <summary>
/// OPT pseudo-record RDATA: a list of EDNS options (RFC 6891 §6.1.2). Messages expose it through
/// <see cref="Messages.EdnsInfo"/>. OPT has no standard presentation format; this library's is
/// <c>NSID=hex ECS=192.0.2.0/24/0 COOKIE=hex PADDING=n EDE=code "text" OPTnnn=hex</c> (in the spirit of
/// draft-ietf-dnsop-edns-presentation-and-json), and it parses back to the same wire bytes.
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

    internal override void AppendPresentation(StringBuilder sb)
    {
        for (var i = 0; i < _options.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }

            _options[i].AppendPresentation(sb);
        }
    }

    internal static OptRecord Parse(PresentationReader reader)
    {
        var options = new List<EdnsOption>();
        while (!reader.AtEnd)
        {
            var token = reader.Next("EDNS option");
            var eq = token.Text.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || token.Quoted)
            {
                throw reader.Error(token, $"expected NAME=value, not '{token.Text}'");
            }

            var name = token.Text[..eq].ToUpperInvariant();
            var value = token.Text[(eq + 1)..];
            options.Add(name switch
            {
                "NSID" => new NsidOption(reader.ParseHex(token, value, "NSID")),
                "ECS" => ParseSubnet(reader, token, value),
                "COOKIE" => ParseCookie(reader, token, value),
                "PADDING" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length <= ushort.MaxValue
                    ? new PaddingOption(length)
                    : throw reader.Error(token, "PADDING needs a length from 0 to 65535"),
                "EDE" => ParseExtendedError(reader, token, value),
                _ when name.StartsWith("OPT", StringComparison.Ordinal)
                    && ushort.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                    => ParseNumbered(reader, token, code, value),
                _ => throw reader.Error(token, $"unknown EDNS option '{name}'"),
            });
        }

        return new OptRecord(options);
    }

    // OPTnnn=hex may name a known option; its bytes must then be valid for it.
    private static EdnsOption ParseNumbered(PresentationReader reader, ZoneToken token, ushort code, string value)
    {
        try
        {
            return EdnsOption.Read(code, reader.ParseHex(token, value, "option value"), 0);
        }
        catch (DnsFormatException ex)
        {
            throw reader.Error(token, ex.Reason);
        }
    }

    private static ClientSubnetOption ParseSubnet(PresentationReader reader, ZoneToken token, string value)
    {
        var parts = value.Split('/');
        IPAddress? address = null;
        if (parts.Length != 3 || !(ARecord.TryParseDottedQuad(parts[0], out address) || AaaaRecord.TryParseIPv6(parts[0], out address))
            || !byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var source)
            || !byte.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var scope)
            || source > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            || scope > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            throw reader.Error(token, "ECS must be address/source-prefix/scope-prefix");
        }

        return new ClientSubnetOption(address, source, scope);
    }

    private static CookieOption ParseCookie(PresentationReader reader, ZoneToken token, string value)
    {
        var bytes = reader.ParseHex(token, value, "COOKIE");
        if (bytes.Length != CookieOption.ClientCookieLength
            && bytes.Length is < CookieOption.ClientCookieLength + CookieOption.MinServerCookieLength
                or > CookieOption.ClientCookieLength + CookieOption.MaxServerCookieLength)
        {
            throw reader.Error(token, "COOKIE is 8 octets, or 16 to 40 with a server cookie");
        }

        return new CookieOption(bytes[..CookieOption.ClientCookieLength], bytes[CookieOption.ClientCookieLength..]);
    }

    private static ExtendedErrorOption ParseExtendedError(PresentationReader reader, ZoneToken token, string value)
    {
        if (!ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw reader.Error(token, "EDE needs an info code from 0 to 65535");
        }

        if (reader.AtEnd || !reader.Peek().Quoted)
        {
            return new ExtendedErrorOption(code);
        }

        var text = reader.NextCharacterString("EDE text");
        return new ExtendedErrorOption(code, Encoding.UTF8.GetString(text));
    }

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
