using System.Security.Cryptography;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace DnsCert.Dns.Security;

/// <summary>
/// Verifies RRSIGs over RRsets (RFC 4034 §3.1.8.1, RFC 4035 §5.3) for the RSA and ECDSA algorithms that
/// .NET implements: 5/7 (RSA/SHA-1), 8 (RSA/SHA-256), 10 (RSA/SHA-512), 13 (ECDSA P-256), 14 (ECDSA P-384),
/// and with BouncyCastle 15 (Ed25519) and 16 (Ed448) (RFC 8080).
/// </summary>
public static class RrsigVerifier
{
    /// <summary>
    /// The data the signature covers: the RRSIG RDATA without the signature, then each RR of the set in canonical
    /// form and order with the original TTL, wildcard owners restored from the labels field.
    /// </summary>
    public static byte[] BuildSignedData(RrsigRecord rrsig, IEnumerable<ResourceRecord> rrset)
    {
        ArgumentNullException.ThrowIfNull(rrsig);
        ArgumentNullException.ThrowIfNull(rrset);
        using var writer = new DnsWireWriter(1024);
        writer.WriteBytes(rrsig.ToSignedPrefix());
        var records = rrset.ToList();
        if (records.Count == 0)
        {
            return writer.ToArray();
        }

        var owner = SignedOwner(records[0].Name, rrsig.Labels);
        var rdatas = records.Select(r => r.Data.ToCanonicalWire()).ToList();
        rdatas.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        byte[]? previous = null;
        foreach (var rdata in rdatas)
        {
            // RFC 4034 §6.3: duplicate RRs are removed before signing.
            if (previous is not null && previous.AsSpan().SequenceEqual(rdata))
            {
                continue;
            }

            writer.WriteName(owner, lowerCase: true);
            writer.WriteUInt16((ushort)rrsig.TypeCovered);
            writer.WriteUInt16((ushort)records[0].Class);
            writer.WriteUInt32(rrsig.OriginalTtl);
            writer.WriteUInt16((ushort)rdata.Length);
            writer.WriteBytes(rdata);
            previous = rdata;
        }

        return writer.ToArray();
    }

    // RFC 4035 §5.3.2: an owner with more labels than the RRSIG says was synthesised from "*." + the rightmost labels.
    private static DnsName SignedOwner(DnsName owner, int labels)
    {
        if (owner.LabelCount <= labels)
        {
            return owner;
        }

        var suffix = owner;
        while (suffix.LabelCount > labels)
        {
            suffix = suffix.Parent;
        }

        return DnsName.Parse("*").Concat(suffix);
    }

    /// <summary>True for the algorithms <see cref="Verify(RrsigRecord, IReadOnlyCollection{ResourceRecord}, DnsName, KeyRecordData, DateTimeOffset)"/> can check.</summary>
    public static bool IsSupportedAlgorithm(byte algorithm) => algorithm is 5 or 7 or 8 or 10 or 13 or 14 or 15 or 16;

    /// <summary>Checks <paramref name="rrsig"/> over <paramref name="rrset"/> with the DNSKEY at <paramref name="keyOwner"/>.</summary>
    public static DnssecVerifyStatus Verify(RrsigRecord rrsig, IReadOnlyCollection<ResourceRecord> rrset, DnsName keyOwner,
        KeyRecordData key, DateTimeOffset now) => Verify(rrsig, rrset, keyOwner, key, now, TimeSpan.Zero);

    /// <summary>
    /// Checks <paramref name="rrsig"/> over <paramref name="rrset"/> with the DNSKEY at <paramref name="keyOwner"/>,
    /// accepting signatures up to <paramref name="clockSkew"/> before inception or after expiration.
    /// </summary>
    public static DnssecVerifyStatus Verify(RrsigRecord rrsig, IReadOnlyCollection<ResourceRecord> rrset, DnsName keyOwner,
        KeyRecordData key, DateTimeOffset now, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(rrsig);
        ArgumentNullException.ThrowIfNull(rrset);
        ArgumentNullException.ThrowIfNull(keyOwner);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Algorithm != rrsig.Algorithm || key.KeyTag != rrsig.KeyTag || keyOwner != rrsig.SignerName || key.Protocol != 3
            || (key.Flags & KeyRecordData.ZoneKeyFlag) == 0)
        {
            return DnssecVerifyStatus.KeyMismatch;
        }

        var first = rrset.FirstOrDefault();
        if (first is null || rrset.Any(r => r.Type != rrsig.TypeCovered || r.Class != first.Class || r.Name != first.Name)
            || rrsig.Labels > first.Name.LabelCount || !first.Name.IsSubdomainOf(rrsig.SignerName))
        {
            return DnssecVerifyStatus.RrsetMismatch;
        }

        var data = BuildSignedData(rrsig, rrset);
        var status = VerifySignature(rrsig.Algorithm, key.PublicKey.Span, data, rrsig.Signature.Span);
        if (status != DnssecVerifyStatus.Valid)
        {
            return status;
        }

        // RFC 4034 §3.1.5: times are compared with serial number arithmetic (RFC 1982) around the current time.
        var current = (uint)now.ToUnixTimeSeconds();
        var skew = (uint)Math.Clamp(clockSkew.TotalSeconds, 0, int.MaxValue);
        if ((int)(current + skew - rrsig.Inception) < 0)
        {
            return DnssecVerifyStatus.NotYetValid;
        }

        return (int)(rrsig.Expiration + skew - current) < 0 ? DnssecVerifyStatus.Expired : DnssecVerifyStatus.Valid;
    }

    private static DnssecVerifyStatus VerifySignature(byte algorithm, ReadOnlySpan<byte> key, byte[] data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return algorithm switch
            {
                5 or 7 => VerifyRsa(key, data, signature, HashAlgorithmName.SHA1),
                8 => VerifyRsa(key, data, signature, HashAlgorithmName.SHA256),
                10 => VerifyRsa(key, data, signature, HashAlgorithmName.SHA512),
                13 => VerifyEcdsa(key, data, signature, ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, 32),
                14 => VerifyEcdsa(key, data, signature, ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, 48),
                15 => VerifyEd25519(key, data, signature),
                16 => VerifyEd448(key, data, signature),
                _ => DnssecVerifyStatus.UnsupportedAlgorithm,
            };
        }
        catch (CryptographicException)
        {
            return DnssecVerifyStatus.InvalidKey;
        }
    }

    // RFC 3110 §2: exponent length (one octet, or zero then two octets), exponent, modulus.
    private static DnssecVerifyStatus VerifyRsa(ReadOnlySpan<byte> key, byte[] data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        if (key.Length < 3)
        {
            return DnssecVerifyStatus.InvalidKey;
        }

        int exponentLength = key[0];
        var offset = 1;
        if (exponentLength == 0)
        {
            exponentLength = (key[1] << 8) | key[2];
            offset = 3;
        }

        if (exponentLength == 0 || offset + exponentLength >= key.Length)
        {
            return DnssecVerifyStatus.InvalidKey;
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Exponent = key.Slice(offset, exponentLength).ToArray(),
            Modulus = key[(offset + exponentLength)..].ToArray(),
        });
        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1) ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
    }

    // RFC 6605 §4: the key is Q = x | y and the signature r | s, each the curve's field size.
    private static DnssecVerifyStatus VerifyEcdsa(ReadOnlySpan<byte> key, byte[] data, ReadOnlySpan<byte> signature, ECCurve curve,
        HashAlgorithmName hash, int size)
    {
        if (key.Length != 2 * size)
        {
            return DnssecVerifyStatus.InvalidKey;
        }

        if (signature.Length != 2 * size)
        {
            return DnssecVerifyStatus.BadSignature;
        }

        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = key[..size].ToArray(), Y = key[size..].ToArray() },
        });
        return ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? DnssecVerifyStatus.Valid
            : DnssecVerifyStatus.BadSignature;
    }

    // RFC 8080 §3: the key is the 32-octet public key A, the signature the 64-octet R | S.
    private static DnssecVerifyStatus VerifyEd25519(ReadOnlySpan<byte> key, byte[] data, ReadOnlySpan<byte> signature)
    {
        if (key.Length != Ed25519PublicKeyParameters.KeySize)
        {
            return DnssecVerifyStatus.InvalidKey;
        }

        if (signature.Length != Ed25519.SignatureSize)
        {
            return DnssecVerifyStatus.BadSignature;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(key.ToArray(), 0));
        verifier.BlockUpdate(data, 0, data.Length);
        return verifier.VerifySignature(signature.ToArray()) ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
    }

    // RFC 8080 §3: 57-octet key, 114-octet signature, empty context (RFC 8032 §5.2).
    private static DnssecVerifyStatus VerifyEd448(ReadOnlySpan<byte> key, byte[] data, ReadOnlySpan<byte> signature)
    {
        if (key.Length != Ed448PublicKeyParameters.KeySize)
        {
            return DnssecVerifyStatus.InvalidKey;
        }

        if (signature.Length != Ed448.SignatureSize)
        {
            return DnssecVerifyStatus.BadSignature;
        }

        var verifier = new Ed448Signer([]);
        verifier.Init(false, new Ed448PublicKeyParameters(key.ToArray(), 0));
        verifier.BlockUpdate(data, 0, data.Length);
        return verifier.VerifySignature(signature.ToArray()) ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
    }
}
