using System.Globalization;
using System.Text;

namespace DnsCert.Dns.Names;

/// <summary>
/// An absolute domain name. Stored as uncompressed wire labels with the original case, compared case-insensitively
/// (RFC 4343) and ordered canonically (RFC 4034 §6.1).
/// </summary>
public sealed class DnsName : IEquatable<DnsName>, IComparable<DnsName>
{
    /// <summary>Longest label, in octets (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Longest name in wire form including length octets and the root label (RFC 1035 §2.3.4).</summary>
    public const int MaxWireLength = 255;

    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    // Length octets are at most 63, below 'A' (65), so ASCII case folding over the whole wire form never alters them.
    private readonly byte[] _wire;

    private DnsName(byte[] wire, int labelCount)
    {
        _wire = wire;
        LabelCount = labelCount;
    }

    /// <summary>The root name <c>.</c>.</summary>
    public static DnsName Root { get; } = new([0], 0);

    /// <summary>Number of labels, not counting the empty root label.</summary>
    public int LabelCount { get; }

    /// <summary>Length of the uncompressed wire form.</summary>
    public int WireLength => _wire.Length;

    /// <summary>True for the root name.</summary>
    public bool IsRoot => LabelCount == 0;

    /// <summary>The uncompressed wire form with original case.</summary>
    public ReadOnlySpan<byte> WireBytes => _wire;

    /// <summary>The name with its first label removed; the root is its own parent.</summary>
    public DnsName Parent => IsRoot ? this : new DnsName(_wire[(_wire[0] + 1)..], LabelCount - 1);

    /// <summary>Builds a name from validated uncompressed wire bytes (decoder use).</summary>
    internal static DnsName FromValidatedWire(ReadOnlySpan<byte> wire, int labelCount) =>
        labelCount == 0 ? Root : new DnsName(wire.ToArray(), labelCount);

    /// <summary>Returns label <paramref name="index"/> (0 is the leftmost) without its length octet.</summary>
    public ReadOnlySpan<byte> GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LabelCount);
        var pos = 0;
        for (var i = 0; i < index; i++)
        {
            pos += _wire[pos] + 1;
        }

        return _wire.AsSpan(pos + 1, _wire[pos]);
    }

    /// <summary>Builds a name from raw label octets (no escaping applies).</summary>
    public static DnsName FromLabels(IEnumerable<byte[]> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var buffer = new List<byte>();
        var count = 0;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength)
            {
                throw new ArgumentException($"label length {label.Length} outside 1..{MaxLabelLength}", nameof(labels));
            }

            buffer.Add((byte)label.Length);
            buffer.AddRange(label);
            count++;
        }

        buffer.Add(0);
        if (buffer.Count > MaxWireLength)
        {
            throw new ArgumentException($"name longer than {MaxWireLength} octets", nameof(labels));
        }

        return count == 0 ? Root : new DnsName([.. buffer], count);
    }

    /// <summary>
    /// Parses presentation format (RFC 1035 §5.1 escapes <c>\DDD</c> and <c>\X</c>). A name without a trailing dot
    /// is relative to <paramref name="origin"/> (the root when null); <c>@</c> stands for the origin.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid name.</exception>
    public static DnsName Parse(string text, DnsName? origin = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, origin, out var name, out var error) ? name : throw new FormatException(error);
    }

    /// <summary>Parses presentation format; returns false instead of throwing.</summary>
    public static bool TryParse(string text, DnsName? origin, out DnsName name)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, origin, out name, out _);
    }

    /// <summary>
    /// The one spelling in which names are stored and compared: parsed as an absolute name, ASCII letters lowered
    /// (RFC 4343), with the final dot. False when the text is not a valid name.
    /// </summary>
    public static bool TryNormalize(string? text, out string normal)
    {
        normal = string.Empty;
        if (text is null || text is "@" || !TryParse(text, Root, out var name, out _))
        {
            return false;
        }

        normal = name.ToLowerInvariant().ToString();
        return true;
    }

    internal static bool TryParse(ReadOnlySpan<char> text, DnsName? origin, out DnsName name, out string error)
    {
        name = Root;
        error = string.Empty;
        origin ??= Root;
        if (text.Length == 0)
        {
            error = "empty name";
            return false;
        }

        if (text is "@")
        {
            name = origin;
            return true;
        }

        if (text is ".")
        {
            return true;
        }

        Span<byte> buffer = stackalloc byte[MaxWireLength + MaxLabelLength + 2];
        var pos = 0;
        var labelStart = 0;
        var labels = 0;
        var absolute = false;
        buffer[0] = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                if (pos == labelStart)
                {
                    error = "empty label";
                    return false;
                }

                buffer[labelStart] = (byte)(pos - labelStart - 1);
                labels++;
                labelStart = pos;
                i++;
                if (i == text.Length)
                {
                    absolute = true;
                }

                continue;
            }

            if (pos == labelStart)
            {
                pos++; // reserve the length octet
            }

            byte value;
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    error = "dangling backslash";
                    return false;
                }

                if (char.IsAsciiDigit(text[i + 1]))
                {
                    if (i + 3 >= text.Length
                        || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]))
                    {
                        error = "\\DDD escape needs three digits";
                        return false;
                    }

                    var number = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (number > 255)
                    {
                        error = "\\DDD escape above 255";
                        return false;
                    }

                    value = (byte)number;
                    i += 4;
                }
                else
                {
                    if (text[i + 1] > 0x7F)
                    {
                        error = "non-ASCII character (use punycode)";
                        return false;
                    }

                    value = (byte)text[i + 1];
                    i += 2;
                }
            }
            else
            {
                if (c > 0x7F)
                {
                    error = "non-ASCII character (use punycode)";
                    return false;
                }

                value = (byte)c;
                i++;
            }

            if (pos - labelStart > MaxLabelLength)
            {
                error = $"label longer than {MaxLabelLength} octets";
                return false;
            }

            if (pos >= MaxWireLength)
            {
                error = $"name longer than {MaxWireLength} octets";
                return false;
            }

            buffer[pos++] = value;
        }

        if (!absolute)
        {
            buffer[labelStart] = (byte)(pos - labelStart - 1);
            labels++;
            var suffix = origin._wire;
            if (pos + suffix.Length > MaxWireLength)
            {
                error = $"name longer than {MaxWireLength} octets";
                return false;
            }

            suffix.CopyTo(buffer[pos..]);
            pos += suffix.Length;
            labels += origin.LabelCount;
        }
        else
        {
            buffer[labelStart] = 0;
            pos = labelStart + 1;
        }

        if (pos > MaxWireLength)
        {
            error = $"name longer than {MaxWireLength} octets";
            return false;
        }

        name = new DnsName(buffer[..pos].ToArray(), labels);
        return true;
    }

    /// <summary>Converts an internationalised name (e.g. <c>bücher.example</c>) to its A-label form.</summary>
    /// <exception cref="FormatException">The name is not a valid IDN.</exception>
    public static DnsName FromUnicode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text is "." or "")
        {
            return Root;
        }

        var trimmed = text.EndsWith('.') ? text[..^1] : text;
        try
        {
            return Parse(s_idn.GetAscii(trimmed) + ".");
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"invalid internationalised name: {ex.Message}", ex);
        }
    }

    /// <summary>Display form: A-labels (<c>xn--</c>) decoded to Unicode where valid, other labels as presentation.</summary>
    public string ToUnicodeString()
    {
        if (IsRoot)
        {
            return ".";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < LabelCount; i++)
        {
            var label = GetLabel(i);
            var shown = false;
            if (label.Length > 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' && label[2] == '-' && label[3] == '-')
            {
                try
                {
                    // Only show Unicode when it maps back to the same A-label, so display cannot disguise a name.
                    var ascii = Encoding.ASCII.GetString(label);
                    var unicode = s_idn.GetUnicode(ascii);
                    if (string.Equals(s_idn.GetAscii(unicode), ascii, StringComparison.OrdinalIgnoreCase))
                    {
                        sb.Append(unicode);
                        shown = true;
                    }
                }
                catch (ArgumentException)
                {
                    // Not a valid A-label: show it escaped like any other label.
                }
            }

            if (!shown)
            {
                AppendLabel(sb, label);
            }

            sb.Append('.');
        }

        return sb.ToString();
    }

    /// <summary>Presentation form with a trailing dot and RFC 1035 escapes.</summary>
    public override string ToString()
    {
        if (IsRoot)
        {
            return ".";
        }

        var sb = new StringBuilder(_wire.Length + 4);
        AppendTo(sb);
        return sb.ToString();
    }

    /// <summary>Appends the presentation form to <paramref name="sb"/>.</summary>
    public void AppendTo(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (IsRoot)
        {
            sb.Append('.');
            return;
        }

        var pos = 0;
        while (_wire[pos] != 0)
        {
            AppendLabel(sb, _wire.AsSpan(pos + 1, _wire[pos]));
            sb.Append('.');
            pos += _wire[pos] + 1;
        }
    }

    private static void AppendLabel(StringBuilder sb, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            switch (b)
            {
                case (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';' or (byte)'@' or (byte)'$':
                    sb.Append('\\').Append((char)b);
                    break;
                case < 0x21 or > 0x7E:
                    sb.Append('\\').Append(((int)b).ToString("D3", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append((char)b);
                    break;
            }
        }
    }

    /// <summary>The name with ASCII letters lowered, as RFC 4034 §6.2 canonical form requires.</summary>
    public DnsName ToLowerInvariant()
    {
        var index = _wire.AsSpan().IndexOfAnyInRange((byte)'A', (byte)'Z');
        if (index < 0)
        {
            return this;
        }

        var copy = (byte[])_wire.Clone();
        for (var i = index; i < copy.Length; i++)
        {
            copy[i] = ToLower(copy[i]);
        }

        return new DnsName(copy, LabelCount);
    }

    /// <summary>True when this name equals <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsSubdomainOf(DnsName ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        if (ancestor.LabelCount > LabelCount)
        {
            return false;
        }

        var pos = 0;
        for (var i = 0; i < LabelCount - ancestor.LabelCount; i++)
        {
            pos += _wire[pos] + 1;
        }

        return EqualsIgnoreCase(_wire.AsSpan(pos), ancestor._wire);
    }

    /// <summary>Prefixes this name (treated as relative) onto <paramref name="suffix"/>.</summary>
    /// <exception cref="ArgumentException">The result would exceed 255 octets.</exception>
    public DnsName Concat(DnsName suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        if (IsRoot)
        {
            return suffix;
        }

        var length = _wire.Length - 1 + suffix._wire.Length;
        if (length > MaxWireLength)
        {
            throw new ArgumentException($"name longer than {MaxWireLength} octets", nameof(suffix));
        }

        var wire = new byte[length];
        _wire.AsSpan(0, _wire.Length - 1).CopyTo(wire);
        suffix._wire.CopyTo(wire.AsSpan(_wire.Length - 1));
        return new DnsName(wire, LabelCount + suffix.LabelCount);
    }

    /// <summary>Case-insensitive equality (RFC 4343).</summary>
    public bool Equals(DnsName? other) =>
        other is not null && (ReferenceEquals(this, other) || (LabelCount == other.LabelCount && EqualsIgnoreCase(_wire, other._wire)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DnsName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var b in _wire)
        {
            hash.Add(ToLower(b));
        }

        return hash.ToHashCode();
    }

    /// <summary>RFC 4034 §6.1 canonical order: labels compared right to left as lower-cased octet strings.</summary>
    public int CompareTo(DnsName? other)
    {
        if (other is null)
        {
            return 1;
        }

        Span<byte> mine = stackalloc byte[128];
        Span<byte> theirs = stackalloc byte[128];
        var myCount = LabelOffsets(_wire, mine);
        var theirCount = LabelOffsets(other._wire, theirs);
        for (int i = myCount - 1, j = theirCount - 1; i >= 0 && j >= 0; i--, j--)
        {
            var a = _wire.AsSpan(mine[i] + 1, _wire[mine[i]]);
            var b = other._wire.AsSpan(theirs[j] + 1, other._wire[theirs[j]]);
            var common = Math.Min(a.Length, b.Length);
            for (var k = 0; k < common; k++)
            {
                var diff = ToLower(a[k]) - ToLower(b[k]);
                if (diff != 0)
                {
                    return diff;
                }
            }

            if (a.Length != b.Length)
            {
                return a.Length - b.Length;
            }
        }

        return myCount - theirCount;
    }

    private static int LabelOffsets(byte[] wire, Span<byte> offsets)
    {
        var count = 0;
        var pos = 0;
        while (wire[pos] != 0)
        {
            offsets[count++] = (byte)pos;
            pos += wire[pos] + 1;
        }

        return count;
    }

    /// <summary>Equality operator (case-insensitive).</summary>
    public static bool operator ==(DnsName? left, DnsName? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality operator (case-insensitive).</summary>
    public static bool operator !=(DnsName? left, DnsName? right) => !(left == right);

    /// <summary>Canonical-order comparison operator.</summary>
    public static bool operator <(DnsName? left, DnsName? right) => Compare(left, right) < 0;

    /// <summary>Canonical-order comparison operator.</summary>
    public static bool operator >(DnsName? left, DnsName? right) => Compare(left, right) > 0;

    /// <summary>Canonical-order comparison operator.</summary>
    public static bool operator <=(DnsName? left, DnsName? right) => Compare(left, right) <= 0;

    /// <summary>Canonical-order comparison operator.</summary>
    public static bool operator >=(DnsName? left, DnsName? right) => Compare(left, right) >= 0;

    private static int Compare(DnsName? left, DnsName? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    internal static byte ToLower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

    internal static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && ToLower(a[i]) != ToLower(b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
