using System.Security.Cryptography;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Security;

/// <summary>
/// Verifies the TSIGs of a multi-message response such as AXFR (RFC 8945 §5.3.1): the first message is chained to
/// the request MAC, each later signed message to the previous MAC, and unsigned messages in between are covered
/// by the next signature.
/// </summary>
public sealed class TsigStreamVerifier
{
    /// <summary>Most unsigned messages allowed between signed ones (RFC 8945 §5.3.1: every 100th must be signed).</summary>
    public const int MaxUnsignedMessages = 99;

    private readonly TsigKey _key;
    private readonly List<byte[]> _unsigned = [];
    private byte[] _priorMac;
    private bool _first = true;

    /// <summary>Starts verification of the responses to a request that carried <paramref name="requestMac"/>.</summary>
    public TsigStreamVerifier(TsigKey key, ReadOnlySpan<byte> requestMac)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _priorMac = requestMac.ToArray();
    }

    /// <summary>True when the last message added was signed and valid, so the stream may end here.</summary>
    public bool CanEnd => !_first && _unsigned.Count == 0;

    /// <summary>
    /// Adds the next message. Returns <see cref="TsigStatus.Valid"/> for a good signed message,
    /// <see cref="TsigStatus.NotSigned"/> for an acceptable unsigned intermediate one, anything else is a failure.
    /// </summary>
    public TsigStatus Add(ReadOnlySpan<byte> message, DnsMessage decoded, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        if (_first)
        {
            var status = TsigSigner.Verify(message, decoded, _key, now, _priorMac);
            if (status == TsigStatus.Valid)
            {
                _priorMac = ((TsigRecord)decoded.Tsig!.Data).Mac.ToArray();
                _first = false;
            }

            return status;
        }

        if (decoded.Tsig is not { Data: TsigRecord tsig } record)
        {
            if (_unsigned.Count >= MaxUnsignedMessages)
            {
                return TsigStatus.BadSignature;
            }

            _unsigned.Add(message.ToArray());
            return TsigStatus.NotSigned;
        }

        if (record.Name != _key.Name || tsig.Algorithm != _key.Algorithm)
        {
            return TsigStatus.BadKey;
        }

        var expected = TsigSigner.ComputeSubsequentMac(_key, _priorMac, _unsigned, message[..decoded.TsigOffset], tsig.OriginalId,
            tsig.TimeSigned, tsig.Fudge, decrementArcount: true);
        var mac = tsig.Mac.Span;
        if (mac.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            return TsigStatus.BadSignature;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - (long)tsig.TimeSigned) > tsig.Fudge)
        {
            return TsigStatus.BadTime;
        }

        _priorMac = mac.ToArray();
        _unsigned.Clear();
        return TsigStatus.Valid;
    }
}
