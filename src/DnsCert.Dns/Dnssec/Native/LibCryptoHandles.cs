using System.Runtime.InteropServices;

namespace DnsCert.Dns.Dnssec.Native;

/// <summary>
/// An <c>EVP_PKEY*</c>. Once imported it is never modified, so threads may share it (openssl-threads(7): objects are
/// thread-safe as long as the calls made do not modify them); each thread verifies through its own context.
/// </summary>
internal sealed class SafeEvpPkeyHandle : SafeHandle
{
    public SafeEvpPkeyHandle()
        : base(0, ownsHandle: true)
    {
    }

    public SafeEvpPkeyHandle(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibCrypto.EvpPkeyFree(handle);
        return true;
    }
}

/// <summary>An <c>EVP_PKEY_CTX*</c> (holds its own reference to the key). Never used by two threads at once.</summary>
internal sealed class SafeEvpPkeyCtxHandle : SafeHandle
{
    public SafeEvpPkeyCtxHandle()
        : base(0, ownsHandle: true)
    {
    }

    public SafeEvpPkeyCtxHandle(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibCrypto.EvpPkeyCtxFree(handle);
        return true;
    }
}

/// <summary>An <c>EVP_MD_CTX*</c> (frees the key context it owns). Never used by two threads at once.</summary>
internal sealed class SafeEvpMdCtxHandle : SafeHandle
{
    public SafeEvpMdCtxHandle()
        : base(0, ownsHandle: true)
    {
    }

    public SafeEvpMdCtxHandle(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibCrypto.EvpMdCtxFree(handle);
        return true;
    }
}
