namespace DnsCert.Dns.Security;

/// <summary>Result of checking a TSIG (RFC 8945 §5.2); values mirror the TSIG error codes where one exists.</summary>
public enum TsigStatus
{
    /// <summary>MAC and time are good.</summary>
    Valid = 0,

    /// <summary>The message carries no TSIG record.</summary>
    NotSigned = 1,

    /// <summary>The MAC does not match (TSIG error BADSIG, 16).</summary>
    BadSignature = 16,

    /// <summary>Unknown key name or algorithm (BADKEY, 17).</summary>
    BadKey = 17,

    /// <summary>Time signed is outside now ± fudge (BADTIME, 18).</summary>
    BadTime = 18,

    /// <summary>MAC truncated below the allowed minimum (BADTRUNC, 22).</summary>
    BadTruncation = 22,

    /// <summary>The message could not be decoded.</summary>
    Malformed = 1000,
}
