using System.Runtime.InteropServices;

namespace DnsCert.Dns.Dnssec.Native;

/// <summary>
/// The few OpenSSL 3 libcrypto functions DNSSEC verification needs, bound directly (see docs/architecture.md,
/// "Native crypto for DNSSEC"). .NET's own <c>RSA.VerifyHash</c> builds and frees an <c>EVP_PKEY_CTX</c> (with a
/// provider fetch) on every call, which cost 17 % of OpenSSL's verify rate; binding libcrypto lets a DNSKEY keep one
/// <c>EVP_PKEY</c> and reuse its initialised contexts. Only what <see cref="NativeKey"/> uses is declared; every
/// signature is checked against the OpenSSL 3.0 headers (<c>openssl/evp.h</c>, <c>openssl/rsa.h</c>,
/// <c>openssl/x509.h</c>, <c>openssl/err.h</c>). Callers check <see cref="IsAvailable"/> first: on a system without
/// libcrypto 3 nothing here is called and the managed path (.NET, BouncyCastle) verifies instead.
/// </summary>
internal static partial class LibCrypto
{
    /// <summary>The soname of OpenSSL 3's libcrypto (Debian 12: package libssl3).</summary>
    public const string Library = "libcrypto.so.3";

    /// <summary>Operators can turn the binding off (<c>DNSCERT_DNSSEC_NATIVE=0</c>) and fall back to the managed path.</summary>
    public const string DisableVariable = "DNSCERT_DNSSEC_NATIVE";

    /// <summary><c>RSA_PKCS1_PADDING</c> from <c>openssl/rsa.h</c>: RSASSA-PKCS1-v1_5, what RFC 3110/5702 use.</summary>
    public const int RsaPkcs1Padding = 1;

    // Every export NativeKey calls: if one is missing (an OpenSSL 1.1 or a stripped build), the binding stays off.
    private static readonly string[] s_exports =
    [
        "OpenSSL_version_num", "ERR_clear_error", "d2i_PUBKEY", "EVP_PKEY_free", "EVP_PKEY_CTX_new", "EVP_PKEY_CTX_free",
        "EVP_PKEY_verify_init", "EVP_PKEY_verify", "EVP_PKEY_CTX_set_rsa_padding", "EVP_PKEY_CTX_set_signature_md",
        "EVP_sha1", "EVP_sha256", "EVP_sha512", "EVP_MD_CTX_new", "EVP_MD_CTX_free", "EVP_DigestVerifyInit", "EVP_DigestVerify",
    ];

    private static readonly Lazy<bool> s_available = new(() => Probe(Library, Environment.GetEnvironmentVariable(DisableVariable)));

    /// <summary>True when libcrypto 3 is loadable with every function used here, and the binding is not turned off.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>Whether <paramref name="library"/> loads with every export used here (tests pass a missing one).</summary>
    internal static bool Probe(string library, string? disabled)
    {
        if (disabled is "0" or "false" || !OperatingSystem.IsLinux())
        {
            return false;
        }

        if (!NativeLibrary.TryLoad(library, typeof(LibCrypto).Assembly, DllImportSearchPath.SafeDirectories, out var handle))
        {
            return false;
        }

        foreach (var name in s_exports)
        {
            if (!NativeLibrary.TryGetExport(handle, name, out _))
            {
                return false;
            }
        }

        // 0xMNN00000L: major 3 or later (the provider API, EVP_PKEY_CTX_set_signature_md as a function). The calls go
        // to the soname the imports name, which is the library loaded above in production.
        return OpenSslVersionNumber().Value >= 0x30000000;
    }

    [LibraryImport(Library, EntryPoint = "OpenSSL_version_num")]
    private static partial CULong OpenSslVersionNumber();

    /// <summary>Empties this thread's OpenSSL error queue (a failed verification leaves entries there).</summary>
    [LibraryImport(Library, EntryPoint = "ERR_clear_error")]
    public static partial void ErrClearError();

    /// <summary><c>EVP_PKEY *d2i_PUBKEY(EVP_PKEY **a, const unsigned char **pp, long length)</c>: a SubjectPublicKeyInfo.</summary>
    [LibraryImport(Library, EntryPoint = "d2i_PUBKEY")]
    public static partial nint D2iPubkey(nint reuse, ref nint input, CLong length);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_free")]
    public static partial void EvpPkeyFree(nint key);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_new")]
    public static partial nint EvpPkeyCtxNew(SafeEvpPkeyHandle key, nint engine);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_free")]
    public static partial void EvpPkeyCtxFree(nint context);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_verify_init")]
    public static partial int EvpPkeyVerifyInit(SafeEvpPkeyCtxHandle context);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_set_rsa_padding")]
    public static partial int EvpPkeyCtxSetRsaPadding(SafeEvpPkeyCtxHandle context, int padding);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_set_signature_md")]
    public static partial int EvpPkeyCtxSetSignatureMd(SafeEvpPkeyCtxHandle context, nint digest);

    /// <summary>1: valid; 0: the signature does not verify; negative: an error. The input is the message digest.</summary>
    [LibraryImport(Library, EntryPoint = "EVP_PKEY_verify")]
    public static partial int EvpPkeyVerify(SafeEvpPkeyCtxHandle context, ReadOnlySpan<byte> signature, nuint signatureLength,
        ReadOnlySpan<byte> digest, nuint digestLength);

    /// <summary>Static <c>EVP_MD</c> tables of the default implementations (never freed).</summary>
    [LibraryImport(Library, EntryPoint = "EVP_sha1")]
    public static partial nint EvpSha1();

    [LibraryImport(Library, EntryPoint = "EVP_sha256")]
    public static partial nint EvpSha256();

    [LibraryImport(Library, EntryPoint = "EVP_sha512")]
    public static partial nint EvpSha512();

    [LibraryImport(Library, EntryPoint = "EVP_MD_CTX_new")]
    public static partial nint EvpMdCtxNew();

    [LibraryImport(Library, EntryPoint = "EVP_MD_CTX_free")]
    public static partial void EvpMdCtxFree(nint context);

    /// <summary>With a NULL digest for the one-shot algorithms (Ed25519: RFC 8032 hashes inside the scheme).</summary>
    [LibraryImport(Library, EntryPoint = "EVP_DigestVerifyInit")]
    public static partial int EvpDigestVerifyInit(SafeEvpMdCtxHandle context, nint keyContextOut, nint digest, nint engine,
        SafeEvpPkeyHandle key);

    /// <summary>One-shot verification of the whole message (the only form Ed25519 supports).</summary>
    [LibraryImport(Library, EntryPoint = "EVP_DigestVerify")]
    public static partial int EvpDigestVerify(SafeEvpMdCtxHandle context, ReadOnlySpan<byte> signature, nuint signatureLength,
        ReadOnlySpan<byte> message, nuint messageLength);
}
