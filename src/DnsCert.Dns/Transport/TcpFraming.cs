using System.Buffers.Binary;

namespace DnsCert.Dns.Transport;

/// <summary>RFC 1035 §4.2.2 framing: each message is preceded by its length as a 2-octet big-endian number.</summary>
internal static class TcpFraming
{
    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        // One buffer so the length and message leave in a single segment where possible (RFC 7766 §8).
        var frame = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame.AsMemory(2));
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one framed message, or null on a clean end of stream between messages.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        var got = await ReadFullyAsync(stream, header, cancellationToken);
        if (got == 0)
        {
            return null;
        }

        if (got < 2)
        {
            throw new DnsTransportException("connection closed inside a length prefix");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header);
        var message = new byte[length];
        if (await ReadFullyAsync(stream, message, cancellationToken) < length)
        {
            throw new DnsTransportException("connection closed inside a message");
        }

        return message;
    }

    private static async Task<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
