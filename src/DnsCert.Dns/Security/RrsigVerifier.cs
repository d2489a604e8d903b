using System.Buffers;
using System.Security.Cryptography;
using DnsCert.Dns.Dnssec.Native;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace DnsCert.Dns.Security;

/// <summary>
/// Verifies RRSIGs over RRsets (RFC 4034 §3.1.8.1, RFC 4035 §5.3) for the RSA and ECDSA algorithms that
/// .NET implements: 5/7 (RSA/SHA-1), 8 (RSA/SHA-256), 10 (RSA/SHA-512), 13 (ECDSA P-256), 14 (ECDSA P-384),
/// and with BouncyCastle 15 (Ed25519) and 16 (Ed448) (RFC 8080). Where libcrypto 3 is loadable, RSA and Ed25519
/// signatures are verified through a direct binding instead (<see cref="NativeKey"/>, docs/architecture.md): same
/// results, about a fifth faster; ECDSA stays with .NET, which already reaches OpenSSL's rate.
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
        var records = rrset as IReadOnlyCollection<ResourceRecord> ?? [.. rrset];
        return WriteSignedData(rrsig, records).ToArray();
    }

    // Scratch buffers reused per thread: canonicalising an RRset allocates nothing once they have grown.
    [ThreadStatic]
    private static DnsWireWriter? s_signed;

    [ThreadStatic]
    private static DnsWireWriter? s_rdata;

    [ThreadStatic]
    private static (int Start, int Length)[]? s_slices;

    // Writes the signed data into the thread's scratch writer and returns it (valid until the next call on the thread).
    private static ReadOnlySpan<byte> WriteSignedData(RrsigRecord rrsig, IReadOnlyCollection<ResourceRecord> records)
    {
        var writer = s_signed ??= new DnsWireWriter(4096);
        writer.Reset();
        rrsig.WritePrefix(writer, canonical: true);
        if (records.Count == 0)
        {
            return writer.WrittenSpan;
        }

        // Every RR's canonical RDATA goes once into one buffer; the set is then ordered by slices of it (RFC 4034 §6.3).
        var rdata = s_rdata ??= new DnsWireWriter(4096);
        rdata.Reset();
        var slices = s_slices is { } cached && cached.Length >= records.Count ? cached : (s_slices = new (int, int)[Math.Max(records.Count, 16)]);
        var count = 0;
        ResourceRecord? first = null;
        foreach (var record in records)
        {
            first ??= record;
            var start = rdata.Position;
            record.Data.WriteData(rdata, compress: false, canonical: true);
            slices[count++] = (start, rdata.Position - start);
        }

        var all = rdata.WrittenSpan;
        if (count > 1)
        {
            SortSlices(slices.AsSpan(0, count), all);
        }

        var owner = SignedOwner(first!.Name, rrsig.Labels);
        var previous = -1;
        for (var i = 0; i < count; i++)
        {
            var (start, length) = slices[i];
            var bytes = all.Slice(start, length);
            // RFC 4034 §6.3: duplicate RRs are removed before signing.
            if (previous >= 0 && all.Slice(slices[previous].Start, slices[previous].Length).SequenceEqual(bytes))
            {
                continue;
            }

            writer.WriteName(owner, lowerCase: true);
            writer.WriteUInt16((ushort)rrsig.TypeCovered);
            writer.WriteUInt16((ushort)first.Class);
            writer.WriteUInt32(rrsig.OriginalTtl);
            writer.WriteUInt16((ushort)length);
            writer.WriteBytes(bytes);
            previous = i;
        }

        return writer.WrittenSpan;
    }

    // Insertion sort of the RDATA slices as unsigned octet strings: RRsets are small (the root's largest has 13 RRs).
    private static void SortSlices(Span<(int Start, int Length)> slices, ReadOnlySpan<byte> all)
    {
        for (var i = 1; i < slices.Length; i++)
        {
            var current = slices[i];
            var bytes = all.Slice(current.Start, current.Length);
            var j = i - 1;
            while (j >= 0 && all.Slice(slices[j].Start, slices[j].Length).SequenceCompareTo(bytes) > 0)
            {
                slices[j + 1] = slices[j];
                j--;
            }

            slices[j + 1] = current;
        }
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
        KeyRecordData key, DateTimeOffset now, TimeSpan clockSkew) =>
        Verify(rrsig, rrset, keyOwner, key, now, clockSkew, DnssecCryptoBackend.Automatic);

    /// <summary>True when RSA and Ed25519 signatures of <paramref name="algorithm"/> go through libcrypto here.</summary>
    internal static bool IsNativeAvailable(byte algorithm) => NativeKey.Supports(algorithm) && LibCrypto.IsAvailable;

    /// <summary>As the public overload, with the crypto implementation chosen (tests compare both on the same vectors).</summary>
    internal static DnssecVerifyStatus Verify(RrsigRecord rrsig, IReadOnlyCollection<ResourceRecord> rrset, DnsName keyOwner,
        KeyRecordData key, DateTimeOffset now, TimeSpan clockSkew, DnssecCryptoBackend backend)
    {
        ArgumentNullException.ThrowIfNull(rrsig);
        ArgumentNullException.ThrowIfNull(rrset);
        ArgumentNullException.ThrowIfNull(keyOwner);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Algorithm != rrsig.Algorithm || KeyTagOf(key) != rrsig.KeyTag || keyOwner != rrsig.SignerName || key.Protocol != 3
            || (key.Flags & KeyRecordData.ZoneKeyFlag) == 0)
        {
            return DnssecVerifyStatus.KeyMismatch;
        }

        ResourceRecord? first = null;
        foreach (var record in rrset)
        {
            first ??= record;
            if (record.Type != rrsig.TypeCovered || record.Class != first.Class || record.Name != first.Name)
            {
                return DnssecVerifyStatus.RrsetMismatch;
            }
        }

        if (first is null || rrsig.Labels > first.Name.LabelCount || !first.Name.IsSubdomainOf(rrsig.SignerName))
        {
            return DnssecVerifyStatus.RrsetMismatch;
        }

        var status = VerifySignature(key, WriteSignedData(rrsig, rrset), rrsig.Signature.Span, backend);
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

    /// <summary>
    /// The key tag of <paramref name="key"/>, computed once per DNSKEY record with its parsed key (validators compare it
    /// for every RRSIG and every key of the zone).
    /// </summary>
    internal static ushort KeyTagOf(KeyRecordData key) => ParsedKey.For(key).KeyTag;

    private static DnssecVerifyStatus VerifySignature(KeyRecordData key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature,
        DnssecCryptoBackend backend)
    {
        if (!IsSupportedAlgorithm(key.Algorithm))
        {
            return DnssecVerifyStatus.UnsupportedAlgorithm;
        }

        return ParsedKey.For(key).Verify(data, signature, backend);
    }

    /// <summary>
    /// A DNSKEY's public key imported once and kept on the record (<see cref="KeyRecordData.VerifierCache"/>): a zone
    /// key signs thousands of RRsets, and importing it again for each (RSA modulus checks, EC point validation) cost
    /// more than the verification itself. The key bytes are compared on every use, so a record whose key memory was
    /// changed afterwards is re-imported, never verified with a stale key.
    /// </summary>
    private sealed class ParsedKey
    {
        private readonly byte _algorithm;
        private readonly ushort _flags;
        private readonly byte _protocol;
        private readonly byte[] _key;
        private readonly bool _valid;
        private readonly RSAParameters _rsa;
        private readonly ECParameters _ec;

        // The key in libcrypto, for RSA and Ed25519 when the binding is available (null: the managed path verifies).
        private readonly NativeKey? _native;

        // One pooled .NET key object: instance members of RSA/ECDsa are not documented as thread-safe, so a verifier
        // takes it out (Interlocked), and a concurrent verifier that finds the slot empty imports its own.
        private AsymmetricAlgorithm? _pooled;

        private ParsedKey(KeyRecordData record)
        {
            var algorithm = record.Algorithm;
            var key = record.PublicKey.ToArray();
            _algorithm = algorithm;
            _key = key;
            _flags = record.Flags;
            _protocol = record.Protocol;
            KeyTag = record.KeyTag;
            switch (algorithm)
            {
                case 5 or 7 or 8 or 10:
                    _valid = TryRsaParameters(key, out _rsa);
                    break;
                case 13 or 14:
                    var size = algorithm == 13 ? 32 : 48;
                    _valid = key.Length == 2 * size;
                    if (_valid)
                    {
                        // RFC 6605 §4: the key is Q = x | y, each the curve's field size.
                        _ec = new ECParameters
                        {
                            Curve = algorithm == 13 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
                            Q = new ECPoint { X = key[..size], Y = key[size..] },
                        };
                    }

                    break;
                case 15:
                    _valid = key.Length == Ed25519PublicKeyParameters.KeySize;
                    break;
                case 16:
                    _valid = key.Length == Ed448PublicKeyParameters.KeySize;
                    break;
            }

            if (_valid && algorithm is not (15 or 16))
            {
                try
                {
                    _pooled = CreateDotNetKey();
                }
                catch (CryptographicException)
                {
                    _valid = false;
                }
            }

            if (_valid && NativeKey.Supports(algorithm) && LibCrypto.IsAvailable)
            {
                // RSA goes to libcrypto as the SubjectPublicKeyInfo of the key .NET has just accepted, so both paths
                // take exactly the same keys.
                _native = algorithm == 15
                    ? NativeKey.TryCreate(algorithm, default, key)
                    : NativeKey.TryCreate(algorithm, ((RSA)_pooled!).ExportSubjectPublicKeyInfo(), default);
            }
        }

        public static ParsedKey For(KeyRecordData key)
        {
            if (key.VerifierCache is ParsedKey cached && cached._algorithm == key.Algorithm && cached._flags == key.Flags
                && cached._protocol == key.Protocol && cached._key.AsSpan().SequenceEqual(key.PublicKey.Span))
            {
                return cached;
            }

            var parsed = new ParsedKey(key);
            key.VerifierCache = parsed;
            return parsed;
        }

        /// <summary>RFC 4034 Appendix B key tag of the record this was parsed from.</summary>
        public ushort KeyTag { get; }

        public DnssecVerifyStatus Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, DnssecCryptoBackend backend)
        {
            if (!_valid)
            {
                return DnssecVerifyStatus.InvalidKey;
            }

            if (backend == DnssecCryptoBackend.Native && _native is null)
            {
                throw new InvalidOperationException($"no libcrypto binding for algorithm {_algorithm}");
            }

            if (_native is not null && backend != DnssecCryptoBackend.Managed)
            {
                // RFC 8080 §3: an Ed25519 signature is exactly 64 octets (the managed path checks the same).
                if (_algorithm == 15 && signature.Length != Ed25519.SignatureSize)
                {
                    return DnssecVerifyStatus.BadSignature;
                }

                return _native.Verify(data, signature) ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
            }

            return _algorithm switch
            {
                15 => VerifyEd25519(data, signature),
                16 => VerifyEd448(data, signature),
                _ => VerifyDotNet(data, signature),
            };
        }

        private AsymmetricAlgorithm CreateDotNetKey() => _algorithm is 13 or 14 ? ECDsa.Create(_ec) : CreateRsa(_rsa);

        private static RSA CreateRsa(RSAParameters parameters)
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(parameters);
                return rsa;
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
        }

        private DnssecVerifyStatus VerifyDotNet(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            AsymmetricAlgorithm? algorithm = null;
            try
            {
                algorithm = Interlocked.Exchange(ref _pooled, null) ?? CreateDotNetKey();
                var valid = _algorithm switch
                {
                    5 or 7 => ((RSA)algorithm).VerifyData(data, signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1),
                    8 => ((RSA)algorithm).VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    10 => ((RSA)algorithm).VerifyData(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
                    // RFC 6605 §4: the signature is r | s, each the field size.
                    13 => signature.Length == 64 && ((ECDsa)algorithm).VerifyData(data, signature, HashAlgorithmName.SHA256,
                        DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                    _ => signature.Length == 96 && ((ECDsa)algorithm).VerifyData(data, signature, HashAlgorithmName.SHA384,
                        DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                };
                return valid ? DnssecVerifyStatus.Valid : DnssecVerifyStatus.BadSignature;
            }
            catch (CryptographicException)
            {
                return DnssecVerifyStatus.InvalidKey;
            }
            finally
            {
                if (algorithm is not null && Interlocked.CompareExchange(ref _pooled, algorithm, null) is not null)
                {
                    algorithm.Dispose();
                }
            }
        }

        // RFC 8080 §3: the key is the 32-octet public key A, the signature the 64-octet R | S.
        private DnssecVerifyStatus VerifyEd25519(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != Ed25519.SignatureSize)
            {
                return DnssecVerifyStatus.BadSignature;
            }

            // BouncyCastle 1.8 takes arrays only: the message is copied into a pooled buffer.
            var message = ArrayPool<byte>.Shared.Rent(data.Length);
            try
            {
                data.CopyTo(message);
                return Ed25519.Verify(signature.ToArray(), 0, _key, 0, message, 0, data.Length)
                    ? DnssecVerifyStatus.Valid
                    : DnssecVerifyStatus.BadSignature;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message);
            }
        }

        // RFC 8080 §3: 57-octet key, 114-octet signature, empty context (RFC 8032 §5.2).
        private DnssecVerifyStatus VerifyEd448(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != Ed448.SignatureSize)
            {
                return DnssecVerifyStatus.BadSignature;
            }

            var message = ArrayPool<byte>.Shared.Rent(data.Length);
            try
            {
                data.CopyTo(message);
                return Ed448.Verify(signature.ToArray(), 0, _key, 0, [], message, 0, data.Length)
                    ? DnssecVerifyStatus.Valid
                    : DnssecVerifyStatus.BadSignature;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message);
            }
        }

        // RFC 3110 §2: exponent length (one octet, or zero then two octets), exponent, modulus.
        private static bool TryRsaParameters(byte[] key, out RSAParameters parameters)
        {
            parameters = default;
            if (key.Length < 3)
            {
                return false;
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
                return false;
            }

            parameters = new RSAParameters
            {
                Exponent = key[offset..(offset + exponentLength)],
                Modulus = key[(offset + exponentLength)..],
            };
            return true;
        }
    }
}
