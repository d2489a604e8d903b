using System.Buffers;
using System.Buffers.Binary;
using DnsCert.Dns.Names;

namespace DnsCert.Dns.Wire;

/// <summary>
/// Growable big-endian writer over a pooled buffer, with optional RFC 1035 §4.1.4 name compression.
/// Dispose returns the buffer to the pool.
/// </summary>
public sealed class DnsWireWriter : IDisposable
{
    /// <summary>Largest DNS message (16-bit TCP length prefix, RFC 1035 §4.2.2).</summary>
    public const int MaxMessageSize = 65535;

    // Pointers have 14 bits of offset (RFC 1035 §4.1.4).
    private const int MaxPointerTarget = 0x3FFF;

    private byte[] _buffer;
    private int _position;
    private Dictionary<int, int>? _compression;

    /// <summary>Creates a writer with a pooled buffer of at least <paramref name="initialCapacity"/> bytes.</summary>
    public DnsWireWriter(int initialCapacity = 512)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
    }

    /// <summary>Bytes written so far.</summary>
    public int Position => _position;

    /// <summary>The bytes written so far (valid until the next write or dispose).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    /// <summary>Copies the written bytes into a new array.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, _position).ToArray();

    /// <summary>Forgets written data and compression targets so the buffer can be reused.</summary>
    public void Reset()
    {
        _position = 0;
        _compression?.Clear();
    }

    private Span<byte> Grow(int count)
    {
        if (_position + count > MaxMessageSize)
        {
            throw new InvalidOperationException($"DNS message would exceed {MaxMessageSize} bytes");
        }

        if (_position + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    /// <summary>Writes one octet.</summary>
    public void WriteByte(byte value) => Grow(1)[0] = value;

    /// <summary>Writes a big-endian 16-bit value.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), value);

    /// <summary>Writes a big-endian 32-bit value.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);

    /// <summary>Writes a big-endian 48-bit value.</summary>
    public void WriteUInt48(ulong value)
    {
        var span = Grow(6);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)value);
    }

    /// <summary>Overwrites a 16-bit value at an earlier offset (length back-patching).</summary>
    public void PatchUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset, 2), value);

    /// <summary>Writes raw octets.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>Writes a length-prefixed character-string.</summary>
    /// <exception cref="ArgumentException">More than 255 octets.</exception>
    public void WriteCharacterString(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 255)
        {
            throw new ArgumentException("character-string longer than 255 octets", nameof(bytes));
        }

        WriteByte((byte)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>
    /// Writes a name. With <paramref name="compress"/> the longest suffix already written is replaced by a pointer;
    /// with <paramref name="lowerCase"/> letters are lowered (RFC 4034 §6.2 canonical form).
    /// </summary>
    public void WriteName(DnsName name, bool compress = false, bool lowerCase = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wire = name.WireBytes;
        if (compress && name.LabelCount > 0)
        {
            _compression ??= [];
            Span<int> hashes = stackalloc int[128];
            Span<byte> starts = stackalloc byte[128];
            var count = 0;
            for (var pos = 0; wire[pos] != 0; pos += wire[pos] + 1)
            {
                starts[count++] = (byte)pos;
            }

            // Suffix hashes from the right so each suffix costs one label's work.
            var running = 0;
            for (var i = count - 1; i >= 0; i--)
            {
                var label = wire.Slice(starts[i] + 1, wire[starts[i]]);
                var h = label.Length;
                foreach (var b in label)
                {
                    h = (h * 31) + DnsName.ToLower(b);
                }

                running = HashCode.Combine(running, h);
                hashes[i] = running;
            }

            for (var i = 0; i < count; i++)
            {
                if (_compression.TryGetValue(hashes[i], out var target) && SuffixMatches(wire[starts[i]..], target))
                {
                    RecordTargets(wire, starts, hashes, i);
                    WriteLabels(wire[..starts[i]], lowerCase);
                    WriteUInt16((ushort)(0xC000 | target));
                    return;
                }
            }

            RecordTargets(wire, starts, hashes, count);
        }

        WriteLabels(wire, lowerCase);
    }

    private void RecordTargets(ReadOnlySpan<byte> wire, ReadOnlySpan<byte> starts, ReadOnlySpan<int> hashes, int upTo)
    {
        for (var i = 0; i < upTo; i++)
        {
            var offset = _position + starts[i];
            if (offset > MaxPointerTarget)
            {
                break;
            }

            _compression!.TryAdd(hashes[i], offset);
        }
    }

    private void WriteLabels(ReadOnlySpan<byte> labels, bool lowerCase)
    {
        var span = Grow(labels.Length);
        labels.CopyTo(span);
        if (lowerCase)
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = DnsName.ToLower(span[i]);
            }
        }
    }

    // Hash collisions are possible, so a candidate is confirmed by walking what was really written.
    private bool SuffixMatches(ReadOnlySpan<byte> suffix, int target)
    {
        var written = _buffer.AsSpan(0, _position);
        var pos = target;
        var i = 0;
        for (var guard = 0; guard < 256; guard++)
        {
            if (pos >= written.Length)
            {
                return false;
            }

            var b = written[pos];
            if ((b & 0xC0) == 0xC0)
            {
                if (pos + 1 >= written.Length)
                {
                    return false;
                }

                pos = ((b & 0x3F) << 8) | written[pos + 1];
                continue;
            }

            if (b != suffix[i])
            {
                return false;
            }

            if (b == 0)
            {
                return true;
            }

            if (pos + 1 + b > written.Length
                || !DnsName.EqualsIgnoreCase(written.Slice(pos + 1, b), suffix.Slice(i + 1, b)))
            {
                return false;
            }

            pos += b + 1;
            i += b + 1;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
