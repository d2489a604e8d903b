using System.Globalization;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Zones;

/// <summary>
/// Turns logical zone-file entries into records, tracking $ORIGIN, $TTL, the previous owner, TTL and class
/// (RFC 1035 §5.1, RFC 2308 §4). Shared by the synchronous and asynchronous readers.
/// </summary>
internal sealed class ZoneEntryParser
{
    private readonly ZoneFileReaderOptions _options;
    private DnsName? _lastOwner;
    private uint? _defaultTtl;
    private uint? _lastTtl;
    private DnsClass? _zoneClass;

    public ZoneEntryParser(ZoneFileReaderOptions options, string fileName, DnsName origin)
    {
        _options = options;
        FileName = fileName;
        Origin = origin;
        _defaultTtl = options.DefaultTtl;
    }

    public string FileName { get; }

    public DnsName Origin { get; private set; }

    /// <summary>Set by an <c>$INCLUDE</c> entry for the caller to open: path and origin for the included file.</summary>
    public (string Path, DnsName Origin, ZoneToken Token)? PendingInclude { get; private set; }

    /// <summary>A child parser for an included file: it inherits TTL state but has its own origin (RFC 1035 §5.1).</summary>
    public ZoneEntryParser CreateChild(string fileName, DnsName origin) => new(_options, fileName, origin)
    {
        _defaultTtl = _defaultTtl,
        _lastTtl = _lastTtl,
        _zoneClass = _zoneClass,
        _lastOwner = _lastOwner,
    };

    private ZoneFileException Error(ZoneToken token, string reason) => new(FileName, token.Line, token.Column, reason);

    public IEnumerable<ResourceRecord> Process(List<ZoneToken> tokens, bool startsWithBlank, int line, int endColumn)
    {
        PendingInclude = null;
        if (tokens.Count == 0)
        {
            return [];
        }

        var first = tokens[0];
        if (!startsWithBlank && !first.Quoted && first.Text.StartsWith('$'))
        {
            return Directive(tokens, line, endColumn);
        }

        return [ParseRecord(tokens, startsWithBlank, line, endColumn)];
    }

    private IEnumerable<ResourceRecord> Directive(List<ZoneToken> tokens, int line, int endColumn)
    {
        var directive = tokens[0];
        switch (directive.Text.ToUpperInvariant())
        {
            case "$ORIGIN":
                RequireArgs(tokens, 2, 2, line, endColumn);
                Origin = ParseName(tokens[1], "origin");
                return [];
            case "$TTL":
                RequireArgs(tokens, 2, 2, line, endColumn);
                _defaultTtl = PresentationReader.TryParseDuration(tokens[1].Text, out var ttl)
                    ? ttl
                    : throw Error(tokens[1], $"'{tokens[1].Text}' is not a TTL");
                return [];
            case "$INCLUDE":
                RequireArgs(tokens, 2, 3, line, endColumn);
                if (!_options.AllowInclude)
                {
                    throw Error(directive, "$INCLUDE is disabled for this input");
                }

                PendingInclude = (tokens[1].Text, tokens.Count == 3 ? ParseName(tokens[2], "origin") : Origin, tokens[1]);
                return [];
            case "$GENERATE":
                return Generate(tokens, line, endColumn);
            default:
                throw Error(directive, $"unknown directive '{directive.Text}'");
        }
    }

    private void RequireArgs(List<ZoneToken> tokens, int min, int max, int line, int endColumn)
    {
        if (tokens.Count < min)
        {
            throw new ZoneFileException(FileName, line, endColumn, $"{tokens[0].Text} needs an argument");
        }

        if (tokens.Count > max)
        {
            throw Error(tokens[max], $"unexpected '{tokens[max].Text}' after {tokens[0].Text}");
        }
    }

    private DnsName ParseName(ZoneToken token, string what) =>
        DnsName.TryParse(token.Text, Origin, out var name, out var error) ? name : throw Error(token, $"bad {what} '{token.Text}': {error}");

    private ResourceRecord ParseRecord(List<ZoneToken> tokens, bool startsWithBlank, int line, int endColumn)
    {
        var index = 0;
        DnsName owner;
        if (startsWithBlank)
        {
            owner = _lastOwner ?? throw Error(tokens[0], "no previous owner name to inherit");
        }
        else
        {
            owner = ParseName(tokens[0], "owner name");
            index = 1;
        }

        uint? ttl = null;
        DnsClass? recordClass = null;
        var classToken = tokens[0];
        for (var i = 0; i < 2 && index < tokens.Count; i++)
        {
            var text = tokens[index].Text;
            if (ttl is null && char.IsAsciiDigit(text[0]) && PresentationReader.TryParseDuration(text, out var value))
            {
                ttl = value;
                index++;
            }
            else if (recordClass is null && !tokens[index].Quoted && DnsMnemonics.TryParseClass(text, out var parsedClass))
            {
                recordClass = parsedClass;
                classToken = tokens[index];
                index++;
            }
        }

        if (index >= tokens.Count)
        {
            throw new ZoneFileException(FileName, line, endColumn, "missing record type");
        }

        var typeToken = tokens[index++];
        if (!DnsMnemonics.TryParseType(typeToken.Text, out var type))
        {
            throw Error(typeToken, $"unknown record type '{typeToken.Text}'");
        }

        if (type is DnsRecordType.OPT or DnsRecordType.TSIG or DnsRecordType.AXFR or DnsRecordType.IXFR or DnsRecordType.ANY)
        {
            throw Error(typeToken, $"{typeToken.Text} is a meta type and cannot appear in a zone file");
        }

        var effectiveClass = recordClass ?? _zoneClass ?? _options.DefaultClass;
        if (_zoneClass is not null && effectiveClass != _zoneClass)
        {
            throw Error(classToken, "all records in a zone file must have the same class");
        }

        var reader = new PresentationReader(tokens, index, Origin, FileName, line, endColumn);
        var data = RecordDataCodec.Parse(type, reader);

        // RFC 2308 §4 / RFC 1035 §5.1: explicit TTL, else $TTL, else the previous explicit TTL; BIND falls back to
        // the SOA minimum for the SOA itself.
        var effectiveTtl = ttl ?? _defaultTtl ?? _lastTtl
            ?? (data is SoaRecord soa ? soa.Minimum : throw Error(typeToken, "no TTL given and no $TTL in effect"));
        if (ttl is not null)
        {
            _lastTtl = ttl;
        }

        _zoneClass = effectiveClass;
        _lastOwner = owner;
        return new ResourceRecord(owner, effectiveClass, effectiveTtl, data);
    }

    // BIND: $GENERATE range lhs [ttl] [class] type rhs, where '$' (or ${offset,width,base}) is the iterator.
    private IEnumerable<ResourceRecord> Generate(List<ZoneToken> tokens, int line, int endColumn)
    {
        if (tokens.Count < 4)
        {
            throw new ZoneFileException(FileName, line, endColumn, "$GENERATE needs a range, owner, type and data");
        }

        var rangeToken = tokens[1];
        var (start, stop, step) = ParseRange(rangeToken);
        var count = ((long)stop - start) / step + 1;
        if (count > _options.MaxGeneratedRecords)
        {
            throw Error(rangeToken, $"$GENERATE would produce {count} records (limit {_options.MaxGeneratedRecords})");
        }

        // Validate the templates once up front so errors are reported before any record is produced.
        for (var i = 2; i < tokens.Count; i++)
        {
            Substitute(tokens[i], start);
        }

        return GenerateRecords(tokens, start, stop, step, line, endColumn);
    }

    private IEnumerable<ResourceRecord> GenerateRecords(List<ZoneToken> tokens, int start, int stop, int step, int line, int endColumn)
    {
        for (long value = start; value <= stop; value += step)
        {
            var expanded = new List<ZoneToken>(tokens.Count - 2);
            for (var i = 2; i < tokens.Count; i++)
            {
                expanded.Add(tokens[i] with { Text = Substitute(tokens[i], (int)value) });
            }

            yield return ParseRecord(expanded, false, line, endColumn);
        }
    }

    private (int Start, int Stop, int Step) ParseRange(ZoneToken token)
    {
        var text = token.Text;
        var step = 1;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
            {
                throw Error(token, "$GENERATE step must be a positive number");
            }

            text = text[..slash];
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !int.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !int.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var stop)
            || stop < start)
        {
            throw Error(token, "$GENERATE range must be start-stop[/step] with start <= stop");
        }

        return (start, stop, step);
    }

    private string Substitute(ZoneToken token, int value)
    {
        var text = token.Text;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (c != '$')
            {
                sb.Append(c);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw Error(token, "unterminated ${...} in $GENERATE");
                }

                sb.Append(FormatModifier(token, text[(i + 2)..close], value));
                i = close;
            }
            else
            {
                sb.Append(value.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private string FormatModifier(ZoneToken token, string modifier, int value)
    {
        var parts = modifier.Split(',');
        if (parts.Length > 3
            || !int.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset)
            || (parts.Length > 1 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw Error(token, $"bad $GENERATE modifier '${{{modifier}}}'");
        }

        var width = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;

        // Nothing wider than a whole name can be valid, and an unchecked width would let one line allocate gigabytes.
        if (width > Names.DnsName.MaxWireLength)
        {
            throw Error(token, $"$GENERATE width {width} is larger than a domain name");
        }

        var radix = parts.Length > 2 ? parts[2] : "d";
        var number = (long)value + offset;
        if (number < 0)
        {
            throw Error(token, "$GENERATE offset makes the value negative");
        }

        return radix switch
        {
            "d" => number.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'),
            "o" => Convert.ToString(number, 8).PadLeft(width, '0'),
            "x" => number.ToString("x", CultureInfo.InvariantCulture).PadLeft(width, '0'),
            "X" => number.ToString("X", CultureInfo.InvariantCulture).PadLeft(width, '0'),
            "n" or "N" => Nibbles(number, width, radix == "N"),
            _ => throw Error(token, $"unknown $GENERATE base '{radix}'"),
        };
    }

    // BIND "n"/"N" format (lib/dns/master.c nibbles()): hex nibbles least significant first, dot-separated, padded
    // until the output (dots included) is at least width characters. A dot is added after a nibble while width
    // remains, so an exact fit ends in a dot and the name becomes absolute, exactly as in BIND.
    private static string Nibbles(long number, int width, bool upper)
    {
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        var sb = new System.Text.StringBuilder();
        do
        {
            sb.Append(digits[(int)(number & 0xF)]);
            number >>= 4;
            width = Math.Max(width - 1, 0);
            if (width > 0 || number != 0)
            {
                sb.Append('.');
                width = Math.Max(width - 1, 0);
            }
        }
        while (number != 0 || width > 0);

        return sb.ToString();
    }
}
