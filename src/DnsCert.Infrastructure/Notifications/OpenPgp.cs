using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace DnsCert.Infrastructure.Notifications;

/// <summary>The key could not be read or used (wrong passphrase, no signing or encryption key in it).</summary>
public sealed class OpenPgpKeyException : Exception
{
    public OpenPgpKeyException(string message) : base(message) { }

    public OpenPgpKeyException(string message, Exception inner) : base(message, inner) { }

    public OpenPgpKeyException() { }
}

/// <summary>What checking a signature found.</summary>
public enum SignatureCheck
{
    /// <summary>The mail was not signed.</summary>
    None,

    /// <summary>Signed by the sender's stored key, and the content is unchanged.</summary>
    Valid,

    /// <summary>Forged or altered: the signature does not verify with the sender's stored key.</summary>
    Invalid,

    /// <summary>Signed, but we hold no key for the sender (or the signature names another key).</summary>
    UnknownKey,
}

/// <summary>The team's signing key, unlocked once at start-up.</summary>
public sealed class OpenPgpSigner
{
    private readonly PgpPrivateKey _privateKey;
    private readonly PgpPublicKey _publicKey;
    private readonly SecureRandom _random = new();

    private OpenPgpSigner(PgpPrivateKey privateKey, PgpPublicKey publicKey)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
    }

    public string Fingerprint => Convert.ToHexString(_publicKey.GetFingerprint());

    /// <summary>Reads an armoured (or binary) secret key and unlocks its signing key with the passphrase.</summary>
    public static OpenPgpSigner Load(Stream secretKey, string passphrase)
    {
        try
        {
            var bundle = new PgpSecretKeyRingBundle(PgpUtilities.GetDecoderStream(secretKey));
            foreach (PgpSecretKeyRing ring in bundle.GetKeyRings())
            {
                foreach (PgpSecretKey key in ring.GetSecretKeys())
                {
                    if (key.IsSigningKey && !key.PublicKey.IsRevoked())
                    {
                        return new OpenPgpSigner(key.ExtractPrivateKey((passphrase ?? "").ToCharArray()), key.PublicKey);
                    }
                }
            }
        }
        catch (Exception e) when (e is PgpException or IOException)
        {
            throw new OpenPgpKeyException("cannot unlock the team's OpenPGP key (wrong passphrase or not a secret key): " + e.Message, e);
        }

        throw new OpenPgpKeyException("the team's OpenPGP key file holds no signing key");
    }

    /// <summary>An ASCII-armoured detached signature (SHA-256) over the bytes, as RFC 3156 §5 puts in the second part.</summary>
    public byte[] SignDetached(ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        var generator = new PgpSignatureGenerator(_publicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, _privateKey, _random);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, now.UtcDateTime);
        generator.SetHashedSubpackets(subpackets.Generate());
        generator.Update(data.ToArray());
        using var output = new MemoryStream();
        using (var armoured = new ArmoredOutputStream(output))
        {
            armoured.SetHeader(ArmoredOutputStream.HeaderVersion, null);
            generator.Generate().Encode(armoured);
        }

        return output.ToArray();
    }
}

/// <summary>Encryption to a recipient's key and signature checks against a sender's key.</summary>
public static class OpenPgpKeys
{
    /// <summary>The encryption key of an armoured public key (a subkey where there is one), or an error naming why not.</summary>
    public static PgpPublicKey EncryptionKey(string armouredPublicKey)
    {
        var usable = PublicKeys(armouredPublicKey).Where(k => k.IsEncryptionKey && !k.IsRevoked()).ToList();
        var key = usable.FirstOrDefault(k => !k.IsMasterKey) ?? usable.FirstOrDefault();
        if (key is not null)
        {
            return key;
        }

        throw new OpenPgpKeyException("the recipient's OpenPGP key has no usable encryption key");
    }

    public static IReadOnlyList<PgpPublicKey> PublicKeys(string armouredPublicKey)
    {
        try
        {
            using var input = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armouredPublicKey ?? ""));
            var bundle = new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(input));
            var keys = new List<PgpPublicKey>();
            foreach (PgpPublicKeyRing ring in bundle.GetKeyRings())
            {
                foreach (PgpPublicKey key in ring.GetPublicKeys())
                {
                    keys.Add(key);
                }
            }

            return keys;
        }
        catch (Exception e) when (e is PgpException or IOException)
        {
            throw new OpenPgpKeyException("not an OpenPGP public key: " + e.Message, e);
        }
    }

    /// <summary>Encrypts (AES-256 with an integrity packet) to the key; returns ASCII armour.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> data, PgpPublicKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, new SecureRandom());
        generator.AddMethod(key);
        using var output = new MemoryStream();
        using (var armoured = new ArmoredOutputStream(output))
        {
            armoured.SetHeader(ArmoredOutputStream.HeaderVersion, null);
            using var encrypted = generator.Open(armoured, new byte[1 << 14]);
            var literal = new PgpLiteralDataGenerator();
            using (var plain = literal.Open(encrypted, PgpLiteralData.Binary, "", data.Length, now.UtcDateTime))
            {
                plain.Write(data);
            }

            literal.Close();
            generator.Close();
        }

        return output.ToArray();
    }

    /// <summary>Checks an armoured detached signature over <paramref name="content"/> against the sender's stored key.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature, string? senderKey)
    {
        if (string.IsNullOrWhiteSpace(senderKey))
        {
            return SignatureCheck.UnknownKey;
        }

        PgpSignature pgpSignature;
        try
        {
            using var input = new MemoryStream(signature.ToArray());
            var factory = new PgpObjectFactory(PgpUtilities.GetDecoderStream(input));
            var next = factory.NextPgpObject();
            if (next is PgpCompressedData compressed)
            {
                next = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
            }

            if (next is not PgpSignatureList { Count: > 0 } list)
            {
                return SignatureCheck.Invalid;
            }

            pgpSignature = list[0];
        }
        catch (Exception e) when (e is PgpException or IOException)
        {
            return SignatureCheck.Invalid;
        }

        IReadOnlyList<PgpPublicKey> keys;
        try
        {
            keys = PublicKeys(senderKey);
        }
        catch (OpenPgpKeyException)
        {
            return SignatureCheck.UnknownKey;
        }

        var key = keys.FirstOrDefault(k => k.KeyId == pgpSignature.KeyId);
        if (key is null)
        {
            // Signed with a key that is not the sender's: someone else claims to be them.
            return SignatureCheck.Invalid;
        }

        try
        {
            pgpSignature.InitVerify(key);
            pgpSignature.Update(content.ToArray());
            return pgpSignature.Verify() ? SignatureCheck.Valid : SignatureCheck.Invalid;
        }
        catch (PgpException)
        {
            return SignatureCheck.Invalid;
        }
    }
}
