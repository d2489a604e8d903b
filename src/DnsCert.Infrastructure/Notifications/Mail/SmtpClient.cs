using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace DnsCert.Infrastructure.Notifications.Mail;

/// <summary>When to upgrade a connection with STARTTLS (RFC 3207).</summary>
public enum StartTlsPolicy
{
    /// <summary>Never: a loopback relay (Postfix on the same host) needs none.</summary>
    Never,

    /// <summary>When the server offers it (opportunistic).</summary>
    WhenOffered,

    /// <summary>Refuse to send over a server that does not offer it.</summary>
    Required,
}

/// <summary>How to reach the SMTP server and how long to wait for it.</summary>
public sealed record SmtpEndpoint(
    string Host, int Port, StartTlsPolicy StartTls, string HeloName, TimeSpan ConnectTimeout, TimeSpan CommandTimeout,
    string? UserName = null, string? Password = null, RemoteCertificateValidationCallback? CertificateValidation = null);

/// <summary>A reply from the server: its code and text (the last line's, for multi-line replies).</summary>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>5yz: the server will never accept this (RFC 5321 §4.2.1); retrying is pointless.</summary>
    public bool IsPermanent => Code >= 500;

    public override string ToString() => Code.ToString(CultureInfo.InvariantCulture) + " " + string.Join(" / ", Lines);
}

/// <summary>The server answered a command negatively; <see cref="Reply"/> says whether it is permanent.</summary>
public sealed class SmtpCommandException(string command, SmtpReply reply)
    : Exception($"{command}: {reply}")
{
    public SmtpReply Reply { get; } = reply;
}

/// <summary>The connection failed or the server spoke nonsense: a transport problem, not the message's fault.</summary>
public sealed class SmtpTransportException : Exception
{
    public SmtpTransportException(string message) : base(message) { }

    public SmtpTransportException(string message, Exception inner) : base(message, inner) { }

    public SmtpTransportException() { }
}

/// <summary>
/// Writing the final "." failed: the connection was already broken, so the server never got the end of data and
/// discards the message (RFC 5321 §4.1.1.4) — it can be sent again without a duplicate, even after a hand-off record.
/// </summary>
public sealed class SmtpEndOfDataNotSentException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The caller's record that a message was handed to the server, written in two steps around the final "." so that the
/// moment the record becomes durable and the moment the server may take the message are as close as two writes on two
/// sockets can be (docs/notifications.md, "The outbox").
/// </summary>
/// <param name="Prepare">
/// Writes the record without making it durable (the rows of an open database transaction). Awaited after the content and
/// before the "."; if it throws, the "." is never written and the server discards the message (RFC 5321 §4.1.1.4).
/// </param>
/// <param name="Commit">
/// Makes the record durable. Called right before the "." is written, with no wait in between; it must have put its
/// request on the wire when it returns (a database COMMIT is written synchronously and answered later), and its task is
/// awaited after the ".".
/// </param>
public sealed record SmtpHandOff(Func<Task> Prepare, Func<Task> Commit);

/// <summary>
/// The "." was written but the caller's <see cref="SmtpHandOff.Commit"/> failed: the server may have the message
/// (<see cref="Reply"/> says what it answered, null if it did not) while the record of the hand-off may be missing.
/// </summary>
public sealed class SmtpHandOffNotRecordedException(SmtpReply? reply, Exception inner, bool endOfDataSent = true)
    : Exception("the message was handed over but its record failed: " + inner?.Message, inner)
{
    public SmtpReply? Reply { get; } = reply;

    /// <summary>False when writing the "." failed too: the server discards the message, so it may simply be retried.</summary>
    public bool EndOfDataSent { get; } = endOfDataSent;
}

/// <summary>
/// A small RFC 5321 client: EHLO (falls back to HELO), STARTTLS through SslStream, AUTH PLAIN, one message at a time
/// over one connection (RSET between messages), no pipelining. Every read is bounded by the command timeout.
/// </summary>
public sealed class SmtpClient : IAsyncDisposable
{
    /// <summary>RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; we allow generous slack.</summary>
    private const int MaxReplyLine = 4096;

    private readonly SmtpEndpoint _endpoint;
    private TcpClient? _tcp;
    private Stream? _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _bufferStart;
    private int _bufferEnd;
    private HashSet<string> _extensions = new(StringComparer.OrdinalIgnoreCase);

    private SmtpClient(SmtpEndpoint endpoint) => _endpoint = endpoint;

    public bool IsTls => _stream is SslStream;

    public bool Supports(string extension) => _extensions.Contains(extension);

    public static async Task<SmtpClient> ConnectAsync(SmtpEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var client = new SmtpClient(endpoint);
        try
        {
            await client.OpenAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        // SendTimeout bounds the one synchronous write (the "." after a hand-off commit, see SendAsync).
        _tcp = new TcpClient { NoDelay = true, SendTimeout = (int)Math.Min(int.MaxValue, _endpoint.CommandTimeout.TotalMilliseconds) };
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(_endpoint.ConnectTimeout);
            try
            {
                await _tcp.ConnectAsync(_endpoint.Host, _endpoint.Port, connect.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new SmtpTransportException($"cannot connect to {_endpoint.Host}:{_endpoint.Port}: {e.Message}", e);
            }
        }

        _stream = _tcp.GetStream();
        await ExpectAsync("greeting", 220, cancellationToken);
        await HelloAsync(cancellationToken);
        if (_endpoint.StartTls != StartTlsPolicy.Never && Supports("STARTTLS"))
        {
            await CommandAsync("STARTTLS", 220, cancellationToken);
            var tls = new SslStream(_stream, leaveInnerStreamOpen: false, _endpoint.CertificateValidation);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _endpoint.Host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, cancellationToken);
            }
            catch (AuthenticationException e)
            {
                throw new SmtpTransportException($"STARTTLS with {_endpoint.Host} failed: {e.Message}", e);
            }

            _stream = tls;
            _bufferStart = _bufferEnd = 0;
            // RFC 3207 §4.2: forget what the server said before TLS and ask again.
            await HelloAsync(cancellationToken);
        }
        else if (_endpoint.StartTls == StartTlsPolicy.Required)
        {
            throw new SmtpTransportException($"{_endpoint.Host} does not offer STARTTLS and the policy requires it");
        }

        if (_endpoint.UserName is { Length: > 0 } user)
        {
            if (!IsTls)
            {
                throw new SmtpTransportException("refusing to send SMTP credentials without TLS");
            }

            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + _endpoint.Password));
            await CommandAsync("AUTH PLAIN " + plain, 235, cancellationToken, logAs: "AUTH PLAIN");
        }
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        await WriteLineAsync("EHLO " + _endpoint.HeloName, cancellationToken);
        var reply = await ReadReplyAsync(cancellationToken);
        if (reply.Code != 250)
        {
            await CommandAsync("HELO " + _endpoint.HeloName, 250, cancellationToken);
            _extensions = new(StringComparer.OrdinalIgnoreCase);
            return;
        }

        // The first line is the greeting; each later line names an extension and its parameters.
        _extensions = new(reply.Lines.Skip(1).Select(l => l.Split(' ')[0]), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Sends one message. With a <paramref name="handOff"/>, its record is prepared after the content, committed right
    /// before the final "." and the commit awaited after it: the only state a crash can leave ambiguous is the instant
    /// between those two writes (see <see cref="SmtpHandOff"/>).
    /// </summary>
    public async Task<SmtpReply> SendAsync(
        string from, IReadOnlyList<string> recipients, byte[] message, SmtpHandOff? handOff, CancellationToken cancellationToken,
        string? envelopeId = null)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(message);
        var international = !Ascii(from) || recipients.Any(r => !Ascii(r));
        if (international && !Supports("SMTPUTF8"))
        {
            // RFC 6531 §3.4: without SMTPUTF8 the server cannot take a non-ASCII address; it never will.
            throw new SmtpCommandException("MAIL FROM", new SmtpReply(553,
                ["5.6.7 the server does not offer SMTPUTF8 (RFC 6531), so it cannot take the non-ASCII address; not retried"]));
        }

        var mail = "MAIL FROM:<" + from + ">";
        if (international)
        {
            // RFC 6531 §3.4: the addresses go as UTF-8, and the header fields that carry them are UTF-8 too (RFC 6532),
            // so the content is 8-bit; an SMTPUTF8 server supports 8BITMIME (RFC 6531 §3.1).
            mail += " BODY=8BITMIME SMTPUTF8";
        }
        else if (Supports("8BITMIME"))
        {
            // Our content is 7-bit, and saying so lets a relay avoid downgrading anything (RFC 6152).
            mail += " BODY=7BIT";
        }

        if (envelopeId is not null && Supports("DSN"))
        {
            mail += " ENVID=" + envelopeId + " RET=HDRS";
        }

        await CommandAsync(mail, 250, cancellationToken);
        foreach (var recipient in recipients)
        {
            await CommandAsync("RCPT TO:<" + recipient + ">", 250, cancellationToken, accept: 251);
        }

        await CommandAsync("DATA", 354, cancellationToken);
        await WriteDotStuffedAsync(message, cancellationToken);
        if (handOff is null)
        {
            await WriteEndOfDataAsync(cancellationToken);
            return await EndOfDataReplyAsync(cancellationToken);
        }

        // If preparing the record fails (database down, cancelled) the exception leaves here with the message still
        // abandonable: the caller drops the connection and the server discards the unfinished DATA.
        await handOff.Prepare();

        // The commit goes on the wire, then the "." right after it, with no await in between: a crash between the two
        // leaves a message recorded as handed over that the server never got (reported unconfirmed, never resent); a
        // crash after both leaves a message the server has, recorded as handed over (also unconfirmed, delivered once).
        // Awaiting the commit's answer before the "." instead held that window open for a database round trip plus a
        // wait for a core — on a loaded machine, milliseconds per message. The "." is written synchronously: no timer,
        // buffer or continuation between the two writes.
        Exception? endOfData = null;
        var dotWritten = false;
        var committed = handOff.Commit();
        if (!committed.IsFaulted && !committed.IsCanceled)
        {
            dotWritten = true;
            try
            {
                _stream!.Write(".\r\n"u8);
                _stream.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The write did not go through, so not one byte of the "." left this host.
                endOfData = new SmtpEndOfDataNotSentException("connection lost before the end of data: " + e.Message, e);
            }
        }

        if (!dotWritten)
        {
            // Failed before it left (a connection already broken): the "." was not written, the message stays abandonable.
            await committed;
        }

        try
        {
            await committed;
        }
        catch (Exception e)
        {
            // The record may be missing while the server may have the message: the caller must settle it.
            SmtpReply? answer = null;
            if (endOfData is null)
            {
                try
                {
                    answer = await ReadReplyAsync(cancellationToken);
                }
                catch (SmtpTransportException)
                {
                    // No answer: the caller treats the message as unconfirmed.
                }
            }

            throw new SmtpHandOffNotRecordedException(answer, e, endOfDataSent: endOfData is null);
        }

        if (endOfData is not null)
        {
            throw endOfData;
        }

        return await EndOfDataReplyAsync(cancellationToken);
    }

    private async Task WriteEndOfDataAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            await _stream!.WriteAsync(".\r\n"u8.ToArray(), timeout.Token);
            await _stream.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpTransportException("connection lost before the end of data: " + e.Message, e);
        }
    }

    private async Task<SmtpReply> EndOfDataReplyAsync(CancellationToken cancellationToken)
    {
        var reply = await ReadReplyAsync(cancellationToken);
        if (reply.Code != 250)
        {
            throw new SmtpCommandException("DATA", reply);
        }

        return reply;
    }

    /// <summary>Clears a failed transaction so the connection can carry the next message.</summary>
    public Task ResetAsync(CancellationToken cancellationToken) => CommandAsync("RSET", 250, cancellationToken);

    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CommandAsync("QUIT", 221, cancellationToken);
        }
        catch (Exception e) when (e is SmtpTransportException or SmtpCommandException or IOException)
        {
            // Closing anyway.
        }
    }

    private static bool Ascii(string s) => s.All(c => c < 128);

    private async Task WriteDotStuffedAsync(byte[] message, CancellationToken cancellationToken)
    {
        // RFC 5321 §4.5.2: a line starting with "." gets another; the content must end with CRLF before the final ".".
        using var output = new MemoryStream(message.Length + 256);
        var atLineStart = true;
        foreach (var b in message)
        {
            if (atLineStart && b == (byte)'.')
            {
                output.WriteByte((byte)'.');
            }

            output.WriteByte(b);
            atLineStart = b == (byte)'\n';
        }

        if (!atLineStart)
        {
            output.Write("\r\n"u8);
        }

        using var timeout = Timeout(cancellationToken);
        try
        {
            await _stream!.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpTransportException("connection lost while sending the message: " + e.Message, e);
        }
    }

    private async Task CommandAsync(string command, int expected, CancellationToken cancellationToken, int accept = -1, string? logAs = null)
    {
        await WriteLineAsync(command, cancellationToken);
        var reply = await ReadReplyAsync(cancellationToken);
        if (reply.Code != expected && reply.Code != accept)
        {
            throw new SmtpCommandException(logAs ?? command, reply);
        }
    }

    private async Task ExpectAsync(string what, int expected, CancellationToken cancellationToken)
    {
        var reply = await ReadReplyAsync(cancellationToken);
        if (reply.Code != expected)
        {
            throw new SmtpTransportException($"{what}: {reply}");
        }
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_endpoint.CommandTimeout);
        return cts;
    }

    private async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            await _stream!.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), timeout.Token);
            await _stream.FlushAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpTransportException("connection lost: " + e.Message, e);
        }
    }

    private async Task<SmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        var lines = new List<string>();
        try
        {
            while (true)
            {
                var line = await ReadLineAsync(timeout.Token);
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    throw new SmtpTransportException("not an SMTP reply: " + line);
                }

                lines.Add(line.Length > 4 ? line[4..] : "");
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpReply(code, lines);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpTransportException("no reply from the server: " + e.Message, e);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_bufferStart == _bufferEnd)
            {
                _bufferStart = 0;
                _bufferEnd = await _stream!.ReadAsync(_buffer, cancellationToken);
                if (_bufferEnd == 0)
                {
                    throw new IOException("the server closed the connection");
                }
            }

            var b = _buffer[_bufferStart++];
            if (b == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
            }

            if (line.Count >= MaxReplyLine)
            {
                throw new SmtpTransportException("reply line too long");
            }

            line.Add(b);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _tcp?.Dispose();
    }
}
