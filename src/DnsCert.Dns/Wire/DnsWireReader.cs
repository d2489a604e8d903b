using System.Buffers.Binary;
using DnsCert.Dns.Names;

namespace DnsCert.Dns.Wire;

/// <summary>
/// Forward-only cursor over a whole DNS message. Every read is bounds-checked against the current limit and fails
/// with <see cref="DnsFormatException"/>, never an index exception, because the input is untrusted network data.
/// </summary>
public ref struct DnsWireReader
{
    /// <summary>
    /// Upper bound on compression pointers followed for one name. Pointers must also point strictly backwards,
    /// which alone rules out loops; the cap bounds work on long backward chains (cf. CVE-2017-9345 style loops).
    /// </summary>
    public const int MaxPointerHops = 127;

    // Direct-mapped cache of names by the offset they start at; a pointer to one of them reuses the instance.
    private const int NameCacheSize = 32;

    // One cache array per thread, taken by EnableNameCache and given back cleared by ReleaseNameCache, so that decoding
    // allocates nothing but its results. A reader that never gives it back (an exception) just costs a new array.
    [ThreadStatic]
    private static (int Offset, DnsName? Name)[]? s_spareNames;

    private readonly ReadOnlySpan<byte> _message;
    private int _limit;
    private (int Offset, DnsName? Name)[]? _names;

    /// <summary>Creates a reader over a complete message (names may point anywhere before their own offset).</summary>
    public DnsWireReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        _limit = message.Length;
        Position = 0;
    }

    /// <summary>
    /// Makes names that are just a compression pointer share the instance decoded at the target, so the repeated
    /// owner names of a response cost one object instead of one each. The cache array is reused per thread when
    /// <see cref="ReleaseNameCache"/> is called at the end.
    /// </summary>
    public void EnableNameCache()
    {
        if (_names is null)
        {
            _names = s_spareNames ?? new (int, DnsName?)[NameCacheSize];
            s_spareNames = null;
        }
    }

    /// <summary>Gives the name cache back (cleared, so it holds no names) for the next reader on this thread.</summary>
    public void ReleaseNameCache()
    {
        if (_names is not null)
        {
            Array.Clear(_names);
            s_spareNames = _names;
            _names = null;
        }
    }

    /// <summary>Current offset from the start of the message.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes left before the current limit.</summary>
    public readonly int Remaining => _limit - Position;

    /// <summary>The whole message.</summary>
    public readonly ReadOnlySpan<byte> Message => _message;

    /// <summary>Restricts reads to end at <paramref name="limit"/> (used for RDATA); returns the previous limit.</summary>
    public int PushLimit(int limit)
    {
        if (limit > _limit || limit < Position)
        {
            throw new DnsFormatException(Position, "length field points past the enclosing data");
        }

        var previous = _limit;
        _limit = limit;
        return previous;
    }

    /// <summary>Restores a limit saved by <see cref="PushLimit"/>.</summary>
    public void PopLimit(int previous) => _limit = previous;

    private void Need(int count)
    {
        if (count < 0 || count > _limit - Position)
        {
            throw new DnsFormatException(Position, $"need {count} bytes, {_limit - Position} left");
        }
    }

    /// <summary>Reads one octet.</summary>
    public byte ReadByte()
    {
        Need(1);
        return _message[Position++];
    }

    /// <summary>Reads a big-endian 16-bit value.</summary>
    public ushort ReadUInt16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(_message[Position..]);
        Position += 2;
        return value;
    }

    /// <summary>Reads a big-endian 32-bit value.</summary>
    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_message[Position..]);
        Position += 4;
        return value;
    }

    /// <summary>Reads a big-endian 48-bit value (TSIG time signed).</summary>
    public ulong ReadUInt48()
    {
        Need(6);
        var high = BinaryPrimitives.ReadUInt16BigEndian(_message[Position..]);
        var low = BinaryPrimitives.ReadUInt32BigEndian(_message[(Position + 2)..]);
        Position += 6;
        return ((ulong)high << 32) | low;
    }

    /// <summary>Reads <paramref name="count"/> raw octets as a view into the message.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Need(count);
        var span = _message.Slice(Position, count);
        Position += count;
        return span;
    }

    /// <summary>Reads everything up to the current limit.</summary>
    public ReadOnlySpan<byte> ReadToLimit() => ReadBytes(Remaining);

    /// <summary>Reads a length-prefixed character-string (RFC 1035 §3.3).</summary>
    public ReadOnlySpan<byte> ReadCharacterString()
    {
        var length = ReadByte();
        return ReadBytes(length);
    }

    /// <summary>Skips <paramref name="count"/> octets.</summary>
    public void Skip(int count)
    {
        Need(count);
        Position += count;
    }

    /// <summary>
    /// Reads a possibly compressed name. Pointers must target an earlier offset than the label sequence that holds
    /// them (RFC 1035 §4.1.4 only ever points back to a prior occurrence), so forward pointers and loops are
    /// rejected; the decoded name must respect the 63/255 octet limits.
    /// </summary>
    public DnsName ReadName()
    {
        var start = Position;
        var cacheKey = start;
        if (_names is not null && start + 2 <= _limit && (_message[start] & 0xC0) == 0xC0)
        {
            var target = BinaryPrimitives.ReadUInt16BigEndian(_message[start..]) & 0x3FFF;
            if (target < start)
            {
                cacheKey = target;
                var cached = _names[target % NameCacheSize];
                if (cached.Offset == target && cached.Name is not null)
                {
                    Position = start + 2;
                    return cached.Name;
                }
            }
        }

        var name = ReadNameUncached();
        if (_names is not null)
        {
            _names[cacheKey % NameCacheSize] = (cacheKey, name);
        }

        return name;
    }

    private DnsName ReadNameUncached()
    {
        Span<byte> buffer = stackalloc byte[DnsName.MaxWireLength];
        var length = 0;
        var labels = 0;
        var pos = Position;
        var limit = _limit;
        var jumped = false;
        var hops = 0;
        while (true)
        {
            if (pos >= limit)
            {
                throw new DnsFormatException(pos, "name runs past the end of the data");
            }

            var b = _message[pos];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        if (length + 1 > DnsName.MaxWireLength)
                        {
                            throw new DnsFormatException(pos, $"name longer than {DnsName.MaxWireLength} octets");
                        }

                        buffer[length++] = 0;
                        if (!jumped)
                        {
                            Position = pos + 1;
                        }

                        return DnsName.FromValidatedWire(buffer[..length], labels);
                    }

                    if (pos + 1 + b > limit)
                    {
                        throw new DnsFormatException(pos, "label runs past the end of the data");
                    }

                    if (length + 1 + b + 1 > DnsName.MaxWireLength)
                    {
                        throw new DnsFormatException(pos, $"name longer than {DnsName.MaxWireLength} octets");
                    }

                    _message.Slice(pos, b + 1).CopyTo(buffer[length..]);
                    length += b + 1;
                    labels++;
                    pos += b + 1;
                    break;
                case 0xC0:
                    if (pos + 2 > limit)
                    {
                        throw new DnsFormatException(pos, "truncated compression pointer");
                    }

                    var target = BinaryPrimitives.ReadUInt16BigEndian(_message[pos..]) & 0x3FFF;
                    if (target >= pos)
                    {
                        throw new DnsFormatException(pos, $"compression pointer to {target} does not point backwards");
                    }

                    if (++hops > MaxPointerHops)
                    {
                        throw new DnsFormatException(pos, "too many compression pointers");
                    }

                    if (!jumped)
                    {
                        Position = pos + 2;
                        jumped = true;
                    }

                    // Earlier parts of the message are outside the RDATA limit but are legitimate pointer targets.
                    limit = _message.Length;
                    pos = target;
                    break;
                default:
                    // 0x40 and 0x80 label types: RFC 6891 §5 retired extended labels; nothing uses them.
                    throw new DnsFormatException(pos, $"unsupported label type 0x{b & 0xC0:x2}");
            }
        }
    }
}
