namespace DnsCert.Dns.Security;

/// <summary>Which implementation verifies RSA and Ed25519 signatures (the others always use .NET or BouncyCastle).</summary>
internal enum DnssecCryptoBackend
{
    /// <summary>libcrypto when it is loadable, otherwise the managed path.</summary>
    Automatic,

    /// <summary>.NET's RSA and BouncyCastle's Ed25519.</summary>
    Managed,

    /// <summary>The libcrypto binding; an error when it is not available.</summary>
    Native,
}
