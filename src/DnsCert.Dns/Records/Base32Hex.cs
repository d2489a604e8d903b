namespace DnsCert.Dns.Records;

/// <summary>Base 32 with the extended hex alphabet, no padding (RFC 4648 §7), as NSEC3 uses.</summary>
internal static class Base32Hex
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuv";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[((data.Length * 8) + 4) / 5];
        var buffer = 0;
        var bits = 0;
        var o = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[o++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[o++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, o);
    }

    public static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        var result = new List<byte>(text.Length * 5 / 8);
        var buffer = 0;
        var bits = 0;
        foreach (var c in text)
        {
            var value = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'v' => c - 'a' + 10,
                >= 'A' and <= 'V' => c - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                return false;
            }

            buffer = ((buffer << 5) | value) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                result.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        // Leftover bits must be zero padding of less than one symbol, otherwise the text was not canonical.
        if (bits >= 5 || (buffer & ((1 << bits) - 1)) != 0)
        {
            return false;
        }

        data = [.. result];
        return true;
    }
}
