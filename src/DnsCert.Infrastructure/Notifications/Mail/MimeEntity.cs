using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DnsCert.Infrastructure.Notifications.Mail;

/// <summary>
/// A MIME entity (RFC 2045/2046) as we write it: a leaf with a 7-bit transfer encoding, or a multipart of entities.
/// Everything we emit is 7-bit with CRLF line ends, which is what RFC 3156 §3 requires of content that is signed.
/// </summary>
public abstract class MimeEntity
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    /// <summary>Adds a header; the value must already be ASCII (use <see cref="MimeHeaders.EncodeText"/> for text).</summary>
    public MimeEntity Header(string name, string value)
    {
        MimeHeaders.CheckHeader(name, value);
        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>The entity in its canonical form: headers, an empty line, the body, all CRLF.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    public virtual void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        foreach (var (name, value) in _headers)
        {
            MimeHeaders.WriteFolded(stream, name, value);
        }

        WriteContentHeaders(stream);
        stream.Write("\r\n"u8);
        WriteBody(stream);
    }

    protected abstract void WriteContentHeaders(Stream stream);

    protected abstract void WriteBody(Stream stream);

    protected static void Ascii(Stream stream, string text) => stream.Write(Encoding.ASCII.GetBytes(text));
}

/// <summary>How a leaf's bytes are made 7-bit.</summary>
public enum TransferEncoding
{
    /// <summary>Already 7-bit text with CRLF line ends (short ASCII parts such as "Version: 1").</summary>
    SevenBit,

    /// <summary>RFC 2045 §6.7: readable where the text is mostly ASCII.</summary>
    QuotedPrintable,

    /// <summary>RFC 2045 §6.8: for binary data and scripts far from ASCII.</summary>
    Base64,
}

public sealed class MimePart(string contentType, byte[] content, TransferEncoding encoding) : MimeEntity
{
    public static MimePart Text(string subtype, string text, string? language = null)
    {
        // Normalise line ends to CRLF before encoding (RFC 2046 §4.1.1: text line breaks are CRLF).
        var normalised = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        var part = new MimePart($"text/{subtype}; charset=utf-8", Encoding.UTF8.GetBytes(normalised), TransferEncoding.QuotedPrintable);
        if (language is not null)
        {
            part.Header("Content-Language", language);
        }

        return part;
    }

    public byte[] Content { get; } = content;

    protected override void WriteContentHeaders(Stream stream)
    {
        MimeHeaders.WriteFolded(stream, "Content-Type", contentType);
        MimeHeaders.WriteFolded(stream, "Content-Transfer-Encoding", encoding switch
        {
            TransferEncoding.QuotedPrintable => "quoted-printable",
            TransferEncoding.Base64 => "base64",
            _ => "7bit",
        });
    }

    protected override void WriteBody(Stream stream)
    {
        switch (encoding)
        {
            case TransferEncoding.QuotedPrintable:
                QuotedPrintable.Encode(Content, stream);
                break;
            case TransferEncoding.Base64:
                var base64 = Convert.ToBase64String(Content);
                // RFC 2045 §6.8: lines of at most 76 characters.
                for (var i = 0; i < base64.Length; i += 76)
                {
                    Ascii(stream, base64.Substring(i, Math.Min(76, base64.Length - i)));
                    stream.Write("\r\n"u8);
                }

                break;
            default:
                stream.Write(Content);
                break;
        }
    }
}

public sealed class Multipart(string subtype, IReadOnlyList<MimeEntity> parts, string? parameters = null) : MimeEntity
{
    // Random, and with characters ("=_") that quoted-printable and base64 bodies cannot contain (RFC 2046 §5.1.1).
    private readonly string _boundary = "=_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public IReadOnlyList<MimeEntity> Parts { get; } = parts;

    protected override void WriteContentHeaders(Stream stream) =>
        MimeHeaders.WriteFolded(stream, "Content-Type",
            string.Create(CultureInfo.InvariantCulture, $"multipart/{subtype}; boundary=\"{_boundary}\"{(parameters is null ? "" : "; " + parameters)}"));

    protected override void WriteBody(Stream stream)
    {
        foreach (var part in Parts)
        {
            Ascii(stream, "--" + _boundary + "\r\n");
            part.WriteTo(stream);
            // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1), so every part ends with one.
            stream.Write("\r\n"u8);
        }

        Ascii(stream, "--" + _boundary + "--\r\n");
    }
}

/// <summary>An entity whose bytes are fixed already (a signed part must be sent exactly as it was signed).</summary>
public sealed class RawEntity(byte[] bytes) : MimeEntity
{
    public byte[] Bytes { get; } = bytes;

    public override void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Bytes);
    }

    protected override void WriteContentHeaders(Stream stream)
    {
    }

    protected override void WriteBody(Stream stream)
    {
    }
}
