using DnsCert.Core;
using DnsCert.Core.Constituency;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace DnsCert.Infrastructure.Constituency;

/// <summary>
/// Reads ASCII-armoured (or binary) OpenPGP public keys: fingerprint, creation, expiry, user ids — with BouncyCastle,
/// and with <see cref="OpenPgpPacketReader"/> for the algorithms BouncyCastle 1.8.10 does not know (Ed25519/Cv25519).
/// </summary>
public sealed class OpenPgpKeyReader : IOpenPgpKeyReader
{
    /// <summary>A public key block larger than this is not a contact's key (keeps a pasted file from filling a row).</summary>
    public const int MaxArmouredLength = 64 * 1024;

    public OpenPgpKeyInfo Read(string armoured)
    {
        const string Field = "openPgpKey";
        if (string.IsNullOrWhiteSpace(armoured) || armoured.Length > MaxArmouredLength)
        {
            throw new ValidationException(Field, "paste an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)");
        }

        PgpPublicKey? master;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armoured)));
            var bundle = new PgpPublicKeyRingBundle(input);
            master = bundle.GetKeyRings().Cast<PgpPublicKeyRing>().Select(r => r.GetPublicKey()).FirstOrDefault();
        }
        catch (Exception e) when (e.Message.Contains("unknown PGP public key algorithm", StringComparison.Ordinal))
        {
            // EdDSA (22) / ECDH (18), gpg's Ed25519/Cv25519 default: BouncyCastle 1.8.10 cannot read them, our packet
            // reader can (fingerprint, creation, expiry, user ids); encryption to them is another matter (CanEncryptTo).
            return OpenPgpPacketReader.Read(armoured).Info;
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ValidationException(Field, "not a readable OpenPGP public key: " + e.Message.Split('\n')[0]);
        }

        if (master is null)
        {
            throw new ValidationException(Field, "the block holds no OpenPGP public key");
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(master.CreationTime, DateTimeKind.Utc));
        var seconds = master.GetValidSeconds();
        DateTimeOffset? expires = seconds > 0 ? created.AddSeconds(seconds) : null;
        var userIds = master.GetUserIds().Cast<object>().Select(u => u.ToString() ?? "").Where(u => u.Length > 0).ToList();
        return new OpenPgpKeyInfo(Convert.ToHexString(master.GetFingerprint()), created, expires, userIds);
    }

    /// <summary>
    /// Whether the notification pipeline (BouncyCastle) can encrypt mail to this key. False for keys it cannot read
    /// (Ed25519/Cv25519 with BouncyCastle 1.8.10) or without an encryption (sub)key: mail to such a contact is signed,
    /// not encrypted, and the directory says so.
    /// </summary>
    public bool CanEncryptTo(string? armoured)
    {
        if (string.IsNullOrWhiteSpace(armoured))
        {
            return false;
        }

        try
        {
            Notifications.OpenPgpKeys.EncryptionKey(armoured);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The key the notification pipeline may encrypt to, or null when it cannot (then mail is signed only).</summary>
    public static string? EncryptableOrNull(string? armoured) => new OpenPgpKeyReader().CanEncryptTo(armoured) ? armoured : null;
}
