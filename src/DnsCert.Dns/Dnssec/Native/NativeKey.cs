using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace DnsCert.Dns.Dnssec.Native;

/// <summary>
/// One DNSKEY imported once into libcrypto as an <c>EVP_PKEY</c>, with its verification contexts kept for reuse:
/// RSA (algorithms 5, 7, 8, 10: RSASSA-PKCS1-v1_5 over SHA-1/256/512, RFC 3110, RFC 5702) through
/// <c>EVP_PKEY_verify</c> over a digest .NET computes, and Ed25519 (15, RFC 8080) through <c>EVP_DigestVerify</c> with a
/// NULL digest. The key is shared by all threads (it is never modified after import); a context is used by one thread
/// at a time (EVP_PKEY_CTX(3): "Contexts MUST NOT be shared between threads"): a verifier takes one out of the
/// key's small pool, or makes a new one when the pool is empty, and puts it back afterwards. EVP_PKEY_verify(3) allows
/// "more than once on the same context if several operations are performed using the same parameters"; a context
/// that returned anything but "valid" is freed rather than pooled, so no error state is carried into the next call.
/// Handles are <see cref="SafeHandle"/>s: the key and pooled contexts are freed when the DNSKEY record that caches
/// this object is collected.
/// </summary>
internal sealed class NativeKey
{
    // SubjectPublicKeyInfo prefix for Ed25519 (RFC 8410 §4): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33) }.
    private static readonly byte[] s_ed25519Prefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    // Whether an EVP_MD_CTX set up once for Ed25519 verifies again after a one-shot EVP_DigestVerify. OpenSSL 3.0's
    // own `openssl speed` relies on it; later releases may mark the context finalised, so it is tried once at start
    // (a signature made here with BouncyCastle, verified twice) and otherwise the context is set up for every call.
    private static readonly Lazy<bool> s_ed25519Reusable = new(ProbeEd25519Reuse);

    private readonly SafeEvpPkeyHandle _key;
    private readonly byte _algorithm;
    private readonly SafeHandle?[] _pool = new SafeHandle?[Math.Clamp(Environment.ProcessorCount, 2, 16)];

    private NativeKey(SafeEvpPkeyHandle key, byte algorithm)
    {
        _key = key;
        _algorithm = algorithm;
    }

    /// <summary>True for the DNSSEC algorithms this binding verifies.</summary>
    public static bool Supports(byte algorithm) => algorithm is 5 or 7 or 8 or 10 or 15;

    /// <summary>
    /// Imports an RSA key from its SubjectPublicKeyInfo (exported by the .NET key the managed path already validated),
    /// or an Ed25519 key from its 32 raw octets. Null when libcrypto is not available or refuses the key.
    /// </summary>
    public static NativeKey? TryCreate(byte algorithm, ReadOnlySpan<byte> rsaSubjectPublicKeyInfo, ReadOnlySpan<byte> ed25519Key)
    {
        if (!Supports(algorithm) || !LibCrypto.IsAvailable)
        {
            return null;
        }

        byte[] der = algorithm == 15 ? [.. s_ed25519Prefix, .. ed25519Key] : rsaSubjectPublicKeyInfo.ToArray();
        var key = Decode(der);
        if (key is null)
        {
            return null;
        }

        var native = new NativeKey(key, algorithm);
        // A context that cannot be set up (a key OpenSSL imports but will not verify with) means: use the managed path.
        var first = native.CreateContext();
        if (first is null)
        {
            key.Dispose();
            return null;
        }

        native.Return(first);
        return native;
    }

    /// <summary>Verifies an RSA signature over <paramref name="data"/> (hashed here) or an Ed25519 signature.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var context = Rent() ?? CreateContext() ?? throw new CryptographicException("libcrypto could not create a verification context");
        var valid = false;
        try
        {
            valid = _algorithm == 15 ? VerifyEd25519((SafeEvpMdCtxHandle)context, data, signature) : VerifyRsa((SafeEvpPkeyCtxHandle)context, data, signature);
            return valid;
        }
        finally
        {
            if (valid)
            {
                Return(context);
            }
            else
            {
                // The failure left entries in this thread's error queue; they would pile up and confuse the next caller.
                LibCrypto.ErrClearError();
                context.Dispose();
            }
        }
    }

    private bool VerifyRsa(SafeEvpPkeyCtxHandle context, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        var length = _algorithm switch
        {
            // Algorithms 5 and 7 (RSA/SHA-1, RFC 3110/5155) are still deployed; a validator must be able to check them.
#pragma warning disable CA5350
            5 or 7 => SHA1.HashData(data, digest),
#pragma warning restore CA5350
            8 => SHA256.HashData(data, digest),
            _ => SHA512.HashData(data, digest),
        };
        return LibCrypto.EvpPkeyVerify(context, signature, (nuint)signature.Length, digest, (nuint)length) == 1;
    }

    private bool VerifyEd25519(SafeEvpMdCtxHandle context, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!s_ed25519Reusable.Value && LibCrypto.EvpDigestVerifyInit(context, 0, 0, 0, _key) != 1)
        {
            return false;
        }

        return LibCrypto.EvpDigestVerify(context, signature, (nuint)signature.Length, data, (nuint)data.Length) == 1;
    }

    private SafeHandle? Rent()
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            if (Interlocked.Exchange(ref _pool[i], null) is { } context)
            {
                return context;
            }
        }

        return null;
    }

    private void Return(SafeHandle context)
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _pool[i], context, null) is null)
            {
                return;
            }
        }

        context.Dispose();
    }

    // An initialised context: for RSA, verify_init + PKCS#1 v1.5 padding + the digest the DigestInfo must name; for
    // Ed25519 an EVP_MD_CTX initialised for one-shot verification without a digest.
    private SafeHandle? CreateContext()
    {
        if (_algorithm == 15)
        {
            var md = new SafeEvpMdCtxHandle(LibCrypto.EvpMdCtxNew());
            if (md.IsInvalid || LibCrypto.EvpDigestVerifyInit(md, 0, 0, 0, _key) != 1)
            {
                LibCrypto.ErrClearError();
                md.Dispose();
                return null;
            }

            return md;
        }

        var context = new SafeEvpPkeyCtxHandle(LibCrypto.EvpPkeyCtxNew(_key, 0));
        var digest = _algorithm switch
        {
            5 or 7 => LibCrypto.EvpSha1(),
            8 => LibCrypto.EvpSha256(),
            _ => LibCrypto.EvpSha512(),
        };
        if (context.IsInvalid || LibCrypto.EvpPkeyVerifyInit(context) != 1
            || LibCrypto.EvpPkeyCtxSetRsaPadding(context, LibCrypto.RsaPkcs1Padding) != 1
            || LibCrypto.EvpPkeyCtxSetSignatureMd(context, digest) != 1)
        {
            LibCrypto.ErrClearError();
            context.Dispose();
            return null;
        }

        return context;
    }

    private static SafeEvpPkeyHandle? Decode(byte[] der)
    {
        var pin = GCHandle.Alloc(der, GCHandleType.Pinned);
        try
        {
            var cursor = pin.AddrOfPinnedObject();
            var key = new SafeEvpPkeyHandle(LibCrypto.D2iPubkey(0, ref cursor, new CLong(der.Length)));
            if (key.IsInvalid)
            {
                LibCrypto.ErrClearError();
                key.Dispose();
                return null;
            }

            return key;
        }
        finally
        {
            pin.Free();
        }
    }

    private static bool ProbeEd25519Reuse()
    {
        var secret = new Ed25519PrivateKeyParameters(new byte[Ed25519PrivateKeyParameters.KeySize], 0);
        byte[] message = [0x44, 0x4e, 0x53];
        var signer = new Ed25519Signer();
        signer.Init(true, secret);
        signer.BlockUpdate(message, 0, message.Length);
        var signature = signer.GenerateSignature();
        using var key = Decode([.. s_ed25519Prefix, .. secret.GeneratePublicKey().GetEncoded()]);
        if (key is null)
        {
            return false;
        }

        using var context = new SafeEvpMdCtxHandle(LibCrypto.EvpMdCtxNew());
        var reusable = !context.IsInvalid && LibCrypto.EvpDigestVerifyInit(context, 0, 0, 0, key) == 1
            && LibCrypto.EvpDigestVerify(context, signature, (nuint)signature.Length, message, (nuint)message.Length) == 1
            && LibCrypto.EvpDigestVerify(context, signature, (nuint)signature.Length, message, (nuint)message.Length) == 1;
        LibCrypto.ErrClearError();
        return reusable;
    }
}
