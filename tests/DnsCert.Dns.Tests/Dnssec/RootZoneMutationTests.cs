using DnsCert.Dns.Dnssec;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Dnssec;

/// <summary>
/// Issue 5: "changing any single RDATA byte turns exactly that RRset bogus", on the real 2017 root zone.
/// A change is one RDATA octet XOR 0x01 (never a letter's case: RFC 4034 §6.2 lowers names in NS, SOA, … RDATA,
/// so a case change there is not a change of the signed data and rightly stays secure — tested separately). Changed
/// RDATA that no longer decodes (a label length, a bitmap window) cannot reach a validator and is skipped, counted.
/// What is not signed cannot turn bogus: glue and the NS RRsets at delegations (RFC 4035 §2.2) keep every verdict.
/// The apex DNSKEY RRset is the exception by design: every other RRset depends on it, so a change there makes the
/// key set, and with it every RRset, bogus.
/// </summary>
public class RootZoneMutationTests
{
    private static readonly DateTimeOffset s_at = new(2017, 8, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly DnssecValidationOptions s_options = new() { Now = s_at };
    private static readonly Lazy<List<ResourceRecord>> s_zone = new(() => ZoneFileReader.ReadFile(RootZoneValidationTests.RootZonePath).ToList());

    private static ZoneVerifyReport Verify(IEnumerable<ResourceRecord> records) =>
        ZoneVerifier.Verify(records, TrustAnchor.Parse(RootZoneValidationTests.Ksk2010), s_options);

    // The record with one RDATA octet changed, or null when the result does not decode.
    private static ResourceRecord? Flip(ResourceRecord record, int index)
    {
        var wire = record.Data.ToWire();
        wire[index] ^= 0x01;
        try
        {
            return new ResourceRecord(record.Name, record.Class, record.Ttl, RecordData.FromWire(record.Type, wire));
        }
        catch (DnsFormatException)
        {
            return null;
        }
    }

    private static DnsRecordType Covered(ResourceRecord r) => r.Data is RrsigRecord s ? s.TypeCovered : r.Type;

    [Fact]
    public void Every_RDATA_byte_of_one_RRset_of_each_signed_type_makes_that_RRset_bogus()
    {
        var zone = s_zone.Value;
        var keys = Verify(zone).KeySet!.ZoneKeys;
        // One RRset per signed type of the root zone: the apex SOA and NS, a DS, an NSEC, and their RRSIGs.
        var samples = new (string Owner, DnsRecordType Type)[]
        {
            (".", DnsRecordType.SOA), (".", DnsRecordType.NS), ("se.", DnsRecordType.DS), ("nl.", DnsRecordType.NSEC),
            ("xn--p1ai.", DnsRecordType.DS),
        };
        var checkedBytes = 0;
        var undecodable = 0;
        foreach (var (ownerText, type) in samples)
        {
            var owner = DnsName.Parse(ownerText);
            var at = zone.Where(r => r.Name == owner).ToList();
            var rrset = at.Where(r => r.Type == type).ToList();
            var sigs = at.Select(r => r.Data).OfType<RrsigRecord>().Where(s => s.TypeCovered == type).ToList();
            rrset.ShouldNotBeEmpty(ownerText);
            RrsetValidator.Validate(rrset, sigs, DnsName.Root, keys, s_options).IsSecure.ShouldBeTrue();

            // Each byte of each record of the RRset, and of its RRSIG (fields and signature).
            foreach (var record in rrset.Concat(at.Where(r => r.Data is RrsigRecord s && s.TypeCovered == type)))
            {
                var length = record.Data.ToWire().Length;
                for (var i = 0; i < length; i++)
                {
                    if (Flip(record, i) is not { } changed)
                    {
                        undecodable++;
                        continue;
                    }

                    var changedSet = record.Type == type ? rrset.Select(r => ReferenceEquals(r, record) ? changed : r).ToList() : rrset;
                    var changedSigs = record.Type == type ? sigs
                        : [.. sigs.Select(s => ReferenceEquals(s, record.Data) ? (RrsigRecord)changed.Data : s)];
                    var verdict = RrsetValidator.Validate(changedSet, changedSigs, DnsName.Root, keys, s_options);
                    verdict.Security.ShouldBe(DnssecSecurity.Bogus, $"{ownerText} {type}: byte {i} of {record} ({verdict.Reason})");
                    checkedBytes++;
                }
            }
        }

        checkedBytes.ShouldBeGreaterThan(1000);
        // Only length octets of names in NS/SOA/NSEC/RRSIG signer RDATA and bitmap headers fail to decode.
        undecodable.ShouldBeLessThan(checkedBytes / 5);
    }

    [Fact]
    public void Every_byte_of_the_DNSKEY_RRset_makes_the_key_set_and_so_everything_bogus()
    {
        var zone = s_zone.Value;
        var dnskeys = zone.Where(r => r.Type == DnsRecordType.DNSKEY).ToList();
        var sigs = zone.Select(r => r.Data).OfType<RrsigRecord>().Where(s => s.TypeCovered == DnsRecordType.DNSKEY).ToList();
        var anchor = TrustAnchor.Parse(RootZoneValidationTests.Ksk2010);
        KeySetValidator.Validate(DnsName.Root, dnskeys, sigs, anchor, s_options).Security.ShouldBe(DnssecSecurity.Secure);
        var reasons = new HashSet<string>();
        foreach (var record in dnskeys)
        {
            var length = record.Data.ToWire().Length;
            for (var i = 0; i < length; i++)
            {
                var changed = Flip(record, i).ShouldNotBeNull();
                var result = KeySetValidator.Validate(DnsName.Root, [.. dnskeys.Select(r => ReferenceEquals(r, record) ? changed : r)], sigs,
                    anchor, s_options);
                result.Security.ShouldNotBe(DnssecSecurity.Secure, $"byte {i} of {record}");
                reasons.Add(result.Reason!);
            }
        }

        // The KSK changed: its key tag changes with any octet (XOR 0x01 moves the checksum), so no key matches the DS
        // (NO_SEP, never DIGEST_INVALID); any other key changed: the KSK's signature over the set fails.
        reasons.ShouldBe([DnssecReasons.NoSep, DnssecReasons.SignatureInvalid], ignoreOrder: true);

        // Whole zone, one flipped byte of the ZSK: nothing is secure any more.
        var zsk = dnskeys.First(r => r.Data is DnskeyRecord { Flags: 256 });
        var report = Verify(zone.Select(r => ReferenceEquals(r, zsk) ? Flip(zsk, 40)! : r));
        report.Secure.ShouldBe(0);
        report.KeySet!.Reason.ShouldBe(DnssecReasons.SignatureInvalid);
    }

    [Fact]
    public void A_random_sample_of_byte_changes_over_all_records_changes_exactly_the_verdict_of_their_RRset()
    {
        var zone = s_zone.Value;
        var baseline = Verify(zone);
        baseline.Summary.ShouldBe("secure=2950 insecure=148 bogus=0");
        var cuts = zone.Where(r => r.Type == DnsRecordType.NS && r.Name != DnsName.Root).Select(r => r.Name).ToHashSet();

        // Seeded, so a failure names a reproducible record and byte; every record type of the zone is drawn.
        var random = new Random(20170821);
        var candidates = zone.Where(r => Covered(r) != DnsRecordType.DNSKEY).ToList();
        var seenTypes = new HashSet<DnsRecordType>();
        var (signedRuns, unsignedRuns) = (0, 0);
        for (var run = 0; run < 48; run++)
        {
            // Half of the draws are of a type not seen yet, so that rare types (SOA, apex NS) are covered.
            var pool = run % 2 == 0 ? candidates.Where(r => !seenTypes.Contains(r.Type)).ToList() : candidates;
            if (pool.Count == 0)
            {
                pool = candidates;
            }

            var record = pool[random.Next(pool.Count)];
            var index = random.Next(record.Data.ToWire().Length);
            if (Flip(record, index) is not { } changed)
            {
                continue;
            }

            seenTypes.Add(record.Type);
            var report = Verify(zone.Select(r => ReferenceEquals(r, record) ? changed : r));
            var type = Covered(record);
            // Below a zone cut (glue) or the NS RRset of a delegation: not signed, nothing may change.
            var isSigned = !UnderCut(record.Name, cuts) && (!cuts.Contains(record.Name) || type is DnsRecordType.DS or DnsRecordType.NSEC);
            if (!isSigned)
            {
                report.Summary.ShouldBe(baseline.Summary, $"{record} byte {index}");
                unsignedRuns++;
                continue;
            }

            report.Secure.ShouldBe(baseline.Secure - 1, $"{record} byte {index}");
            report.Insecure.ShouldBe(baseline.Insecure, $"{record} byte {index}");
            report.Findings.Select(f => (f.Owner, f.Type)).Distinct().ShouldHaveSingleItem($"{record} byte {index}")
                .ShouldBe((record.Name, type), $"{record} byte {index}");
            signedRuns++;
        }

        seenTypes.ShouldBeSubsetOf([DnsRecordType.SOA, DnsRecordType.NS, DnsRecordType.DS, DnsRecordType.NSEC, DnsRecordType.RRSIG,
            DnsRecordType.A, DnsRecordType.AAAA]);
        seenTypes.Count.ShouldBe(7);
        signedRuns.ShouldBeGreaterThan(10);
        unsignedRuns.ShouldBeGreaterThan(3);
    }

    private static bool UnderCut(DnsName name, HashSet<DnsName> cuts)
    {
        for (var n = name.Parent; !n.IsRoot; n = n.Parent)
        {
            if (cuts.Contains(n))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void A_case_change_in_a_name_inside_NS_RDATA_is_no_change_of_the_signed_data()
    {
        // RFC 4034 §6.2: NS RDATA names are lowered in canonical form, so "A.ROOT-SERVERS.NET." signs like the original.
        var zone = s_zone.Value;
        var ns = zone.First(r => r.Type == DnsRecordType.NS && r.Name == DnsName.Root);
        var upper = new ResourceRecord(ns.Name, ns.Class, ns.Ttl, new NsRecord(DnsName.Parse(((NsRecord)ns.Data).Target.ToString().ToUpperInvariant())));
        upper.Data.ToWire().ShouldNotBe(ns.Data.ToWire());
        Verify(zone.Select(r => ReferenceEquals(r, ns) ? upper : r)).Summary.ShouldBe("secure=2950 insecure=148 bogus=0");
    }
}
