using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using DnsCert.Core;
using DnsCert.Core.Constituency;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// Reads the facts the directory keeps — fingerprint, creation, expiry, user ids — from a version 4 OpenPGP
/// transferable public key by walking its packets (RFC 4880 §4–5, the same format in RFC 9580 §4–5.5). Portable.BouncyCastle
/// 1.8.10 refuses EdDSA (algorithm 22) and ECDH (18) keys, gpg's Ed25519/Cv25519 default; a v4 fingerprint needs
/// only the key packet's bytes, not its algorithm, so any algorithm is read. Self-signatures are not verified:
/// the expiry shown is what the key's own certification says.
/// </summary>
public static class OpenPgpPacketReader
{
    private const string Field = "openPgpKey";

    private const int PublicKeyTag = 6;
    private const int PublicSubkeyTag = 14;
    private const int UserIdTag = 13;
    private const int SignatureTag = 2;

    // RFC 4880 §5.2.3.1 signature subpacket types.
    private const int SignatureCreationTime = 2;
    private const int KeyExpirationTime = 9;
    private const int Issuer = 16;
    private const int PrimaryUserId = 25;
    private const int IssuerFingerprint = 33;

    /// <summary>Public-key algorithms that can encrypt (RFC 9580 §9.1): RSA, RSA encrypt-only, Elgamal, ECDH, X25519, X448.</summary>
    private static readonly HashSet<int> s_encryptionAlgorithms = [1, 2, 16, 18, 25, 26];

    /// <summary>A parsed key: the facts, and the algorithms of its primary key and subkeys (for "can we encrypt to it?").</summary>
    public sealed record ParsedKey(OpenPgpKeyInfo Info, int PrimaryAlgorithm, IReadOnlyList<int> SubkeyAlgorithms);

    public static ParsedKey Read(string armoured)
    {
        var data = Dearmour(armoured);
        byte[]? primary = null;
        var subkeys = new List<int>();
        var userIds = new List<string>();
        // Self-certifications on user ids: (created, expiry seconds or null, primary user id flag).
        var certifications = new List<(uint Created, uint? Expiry, bool Primary)>();
        byte[]? fingerprint = null;
        var inUserId = false;
        foreach (var (tag, body) in Packets(data))
        {
            switch (tag)
            {
                case PublicKeyTag when primary is null:
                    primary = body;
                    fingerprint = Fingerprint(body);
                    break;
                case PublicKeyTag:
                    // A second transferable key in the block: the directory keeps the first.
                    return Result(primary!, fingerprint!, userIds, certifications, subkeys);
                case PublicSubkeyTag:
                    inUserId = false;
                    subkeys.Add(body.Length > 5 ? body[5] : -1);
                    break;
                case UserIdTag:
                    inUserId = primary is not null;
                    userIds.Add(Encoding.UTF8.GetString(body));
                    break;
                case SignatureTag when inUserId && fingerprint is not null:
                    if (SelfCertification(body, fingerprint) is { } certification)
                    {
                        certifications.Add(certification);
                    }

                    break;
            }
        }

        if (primary is null)
        {
            throw new ValidationException(Field, "the block holds no OpenPGP public key");
        }

        return Result(primary, fingerprint!, userIds, certifications, subkeys);
    }

    private static ParsedKey Result(byte[] primary, byte[] fingerprint, List<string> userIds, List<(uint Created, uint? Expiry, bool Primary)> certifications,
        List<int> subkeys)
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(primary.AsSpan(1, 4)));
        // RFC 4880 §5.2.3.19: the primary user id's most recent self-signature rules; else the most recent one.
        var rules = certifications.OrderByDescending(c => c.Primary).ThenByDescending(c => c.Created).FirstOrDefault();
        DateTimeOffset? expires = certifications.Count > 0 && rules.Expiry is > 0 ? created.AddSeconds(rules.Expiry.Value) : null;
        return new ParsedKey(new OpenPgpKeyInfo(Convert.ToHexString(fingerprint), created, expires, userIds), primary[5], subkeys);
    }

    /// <summary>A v4 fingerprint: SHA-1 over 0x99, the two-octet length and the key packet body (RFC 4880 §12.2).</summary>
    private static byte[] Fingerprint(byte[] body)
    {
        if (body.Length < 6 || body[0] != 4)
        {
            throw new ValidationException(Field, $"only version 4 OpenPGP keys are read (this one is version {(body.Length > 0 ? body[0] : 0)})");
        }

        if (body.Length > ushort.MaxValue)
        {
            throw new ValidationException(Field, "the key packet is too long");
        }

        var framed = new byte[3 + body.Length];
        framed[0] = 0x99;
        BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(1), (ushort)body.Length);
        body.CopyTo(framed, 3);
#pragma warning disable CA5350 // SHA-1 is what defines a v4 fingerprint (RFC 4880 §12.2); it is not used for security here.
        return SHA1.HashData(framed);
#pragma warning restore CA5350
    }

    /// <summary>A v4 certification (types 0x10–0x13) issued by the primary key itself, with its expiry subpacket.</summary>
    private static (uint Created, uint? Expiry, bool Primary)? SelfCertification(byte[] body, byte[] fingerprint)
    {
        if (body.Length < 6 || body[0] != 4 || body[1] is < 0x10 or > 0x13)
        {
            return null;
        }

        var hashedLength = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(4, 2));
        if (6 + hashedLength + 2 > body.Length)
        {
            throw new ValidationException(Field, "a signature packet is truncated");
        }

        var hashed = body.AsSpan(6, hashedLength);
        var unhashedLength = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(6 + hashedLength, 2));
        if (6 + hashedLength + 2 + unhashedLength > body.Length)
        {
            throw new ValidationException(Field, "a signature packet is truncated");
        }

        var unhashed = body.AsSpan(8 + hashedLength, unhashedLength);
        uint created = 0;
        uint? expiry = null;
        var primary = false;
        var bySelf = false;
        foreach (var (type, data) in Subpackets(hashed.ToArray()))
        {
            switch (type)
            {
                case SignatureCreationTime when data.Length == 4:
                    created = BinaryPrimitives.ReadUInt32BigEndian(data);
                    break;
                case KeyExpirationTime when data.Length == 4:
                    expiry = BinaryPrimitives.ReadUInt32BigEndian(data);
                    break;
                case PrimaryUserId when data.Length == 1:
                    primary = data[0] != 0;
                    break;
                case Issuer when data.Length == 8:
                    bySelf |= data.AsSpan().SequenceEqual(fingerprint.AsSpan(12, 8));
                    break;
                case IssuerFingerprint when data.Length == 21:
                    bySelf |= data.AsSpan(1).SequenceEqual(fingerprint);
                    break;
            }
        }

        // The issuer may sit in the unhashed area (RFC 4880 §5.2.3.5 allows it there).
        foreach (var (type, data) in Subpackets(unhashed.ToArray()))
        {
            bySelf |= (type == Issuer && data.Length == 8 && data.AsSpan().SequenceEqual(fingerprint.AsSpan(12, 8)))
                || (type == IssuerFingerprint && data.Length == 21 && data.AsSpan(1).SequenceEqual(fingerprint));
        }

        return bySelf ? (created, expiry, primary) : null;
    }

    /// <summary>Signature subpackets (RFC 4880 §5.2.3.1): length (1, 2 or 5 octets), type (bit 7: critical), data.</summary>
    private static IEnumerable<(int Type, byte[] Data)> Subpackets(byte[] area)
    {
        var at = 0;
        while (at < area.Length)
        {
            int length;
            if (area[at] < 192)
            {
                length = area[at];
                at += 1;
            }
            else if (area[at] < 255 && at + 1 < area.Length)
            {
                length = ((area[at] - 192) << 8) + area[at + 1] + 192;
                at += 2;
            }
            else if (area[at] == 255 && at + 5 <= area.Length)
            {
                length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(area.AsSpan(at + 1, 4)));
                at += 5;
            }
            else
            {
                throw new ValidationException(Field, "a signature subpacket is truncated");
            }

            if (length < 1 || at + length > area.Length)
            {
                throw new ValidationException(Field, "a signature subpacket is truncated");
            }

            yield return (area[at] & 0x7F, area[(at + 1)..(at + length)]);
            at += length;
        }
    }

    /// <summary>Packets (RFC 4880 §4.2): old and new header formats; partial lengths are refused (keys never use them).</summary>
    private static IEnumerable<(int Tag, byte[] Body)> Packets(byte[] data)
    {
        var at = 0;
        while (at < data.Length)
        {
            var header = data[at];
            if ((header & 0x80) == 0)
            {
                throw new ValidationException(Field, "not an OpenPGP packet stream");
            }

            int tag;
            long length;
            at++;
            if ((header & 0x40) != 0)
            {
                tag = header & 0x3F;
                if (at >= data.Length)
                {
                    throw Truncated();
                }

                var first = data[at];
                if (first < 192)
                {
                    length = first;
                    at += 1;
                }
                else if (first < 224)
                {
                    length = at + 1 < data.Length ? ((first - 192) << 8) + data[at + 1] + 192 : throw Truncated();
                    at += 2;
                }
                else if (first == 255)
                {
                    length = at + 5 <= data.Length ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at + 1, 4)) : throw Truncated();
                    at += 5;
                }
                else
                {
                    throw new ValidationException(Field, "partial-length packets are not used in keys");
                }
            }
            else
            {
                tag = (header >> 2) & 0x0F;
                var lengthType = header & 0x03;
                var size = lengthType switch { 0 => 1, 1 => 2, 2 => 4, _ => 0 };
                if (at + size > data.Length)
                {
                    throw Truncated();
                }

                length = lengthType switch
                {
                    0 => data[at],
                    1 => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at, 2)),
                    2 => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at, 4)),
                    _ => data.Length - at,
                };
                at += size;
            }

            if (length > data.Length - at)
            {
                throw Truncated();
            }

            yield return (tag, data[at..(at + (int)length)]);
            at += (int)length;
        }
    }

    private static ValidationException Truncated() => new(Field, "the OpenPGP key is truncated");

    /// <summary>ASCII armour (RFC 4880 §6.2): BEGIN line, headers, blank line, base64, optional CRC-24 line, END line.</summary>
    private static byte[] Dearmour(string armoured)
    {
        var lines = armoured.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).ToList();
        var begin = lines.FindIndex(l => l == "-----BEGIN PGP PUBLIC KEY BLOCK-----");
        var end = lines.FindIndex(l => l == "-----END PGP PUBLIC KEY BLOCK-----");
        if (begin < 0 || end < begin)
        {
            throw new ValidationException(Field, "paste an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)");
        }

        var body = lines.GetRange(begin + 1, end - begin - 1);
        var blank = body.FindIndex(l => l.Length == 0);
        if (blank >= 0 && body.Take(blank).All(l => l.Contains(':', StringComparison.Ordinal)))
        {
            body = body.GetRange(blank + 1, body.Count - blank - 1);
        }

        var base64 = string.Concat(body.Where(l => l.Length > 0 && !l.StartsWith('=')));
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new ValidationException(Field, "the armoured key is not valid base64");
        }
    }

    /// <summary>Whether one of the key's (sub)keys uses an algorithm that encrypts.</summary>
    public static bool HasEncryptionAlgorithm(ParsedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SubkeyAlgorithms.Append(key.PrimaryAlgorithm).Any(s_encryptionAlgorithms.Contains);
    }
}
