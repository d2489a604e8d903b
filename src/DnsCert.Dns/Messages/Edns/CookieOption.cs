using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Messages.Edns;

/// <summary>DNS Cookie (RFC 7873): an 8-octet client cookie and an optional 8-32 octet server cookie.</summary>
public sealed class CookieOption : EdnsOption
{
    /// <summary>Option code 10.</summary>
    public const ushort OptionCode = 10;

    /// <summary>Client cookie length (RFC 7873 §4).</summary>
    public const int ClientCookieLength = 8;

    /// <summary>Shortest server cookie (RFC 7873 §4).</summary>
    public const int MinServerCookieLength = 8;

    /// <summary>Longest server cookie (RFC 7873 §4).</summary>
    public const int MaxServerCookieLength = 32;

    /// <summary>Creates a cookie option.</summary>
    /// <exception cref="ArgumentException">Wrong cookie lengths.</exception>
    public CookieOption(byte[] clientCookie, byte[]? serverCookie = null)
    {
        ArgumentNullException.ThrowIfNull(clientCookie);
        serverCookie ??= [];
        if (clientCookie.Length != ClientCookieLength
            || (serverCookie.Length != 0 && serverCookie.Length is < MinServerCookieLength or > MaxServerCookieLength))
        {
            throw new ArgumentException("client cookie is 8 octets, server cookie empty or 8-32 octets");
        }

        ClientCookie = clientCookie;
        ServerCookie = serverCookie;
    }

    /// <inheritdoc/>
    public override ushort Code => OptionCode;

    /// <summary>Client cookie.</summary>
    public ReadOnlyMemory<byte> ClientCookie { get; }

    /// <summary>Server cookie (empty when absent).</summary>
    public ReadOnlyMemory<byte> ServerCookie { get; }

    internal override void WriteValue(DnsWireWriter writer)
    {
        writer.WriteBytes(ClientCookie.Span);
        writer.WriteBytes(ServerCookie.Span);
    }

    internal static CookieOption Read(ReadOnlySpan<byte> value, int offset)
    {
        if (value.Length != ClientCookieLength
            && value.Length is < ClientCookieLength + MinServerCookieLength or > ClientCookieLength + MaxServerCookieLength)
        {
            throw new DnsFormatException(offset, $"cookie option length {value.Length} is not 8 or 16-40");
        }

        return new CookieOption(value[..ClientCookieLength].ToArray(), value[ClientCookieLength..].ToArray());
    }

    internal override void AppendPresentation(System.Text.StringBuilder sb) => sb.Append(ToString());

    /// <inheritdoc/>
    public override string ToString() =>
        $"COOKIE={Convert.ToHexStringLower(ClientCookie.Span)}{Convert.ToHexStringLower(ServerCookie.Span)}";
}
