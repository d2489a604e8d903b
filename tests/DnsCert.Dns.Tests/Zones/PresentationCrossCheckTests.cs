using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Tests.Zones;

/// <summary>
/// Every supported type, written the ways zone files write them, must give the same wire data as ldns does;
/// $GENERATE must expand exactly as BIND's named-checkzone expands it.
/// </summary>
public class PresentationCrossCheckTests
{
    private const string AllTypes = """
        $ORIGIN example.
        $TTL 3600
        @	IN SOA ns1 hostmaster.example. ( 2024010101 7200 3600 1209600 300 )
        	NS	ns1
        	NS	ns2.example.net.
        	MX	10 mail
        	MX	0 .
        	TXT	"v=spf1 -all" "a \"quoted\" \\ string" \065BC
        	TXT	"semi;colon (paren)" "\000\255"
        	SPF	"v=spf1 -all"
        	CAA	0 issue "ca.example.net; account=123"
        	CAA	128 iodef "mailto:security@example."
        	HINFO	"PC-Intel" "Linux 6"
        	RP	hostmaster.example. info.example.
        	LOC	52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
        	LOC	42 21 54 N 71 06 18 W -24m 30m
        	LOC	0 S 180 W 42849672.95m 90000000m
        	ZONEMD	2024010101 1 1 ( C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3 A1DDC0B9A87153B9A9713B3C9AE5CC27777F98B8E730044C )
        	CSYNC	2024010101 3 A NS AAAA
        	NSEC3PARAM	1 0 0 -
        	DNSKEY	257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )
        	CDNSKEY	0 3 0 AA==
        	CDS	0 0 0 00
        ns1	A	192.0.2.53
        	AAAA	2001:db8::53
        	AAAA	::ffff:192.0.2.53
        ns2	300 IN A 192.0.2.54
        www	CNAME	@
        mail	A	192.0.2.25
        sub	DNAME	other.example.net.
        _sip._tcp	SRV	10 60 5060 sip.example.
        sip	NAPTR	100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .
        	URI	10 1 "https://www.example/path"
        _443._tcp.www	TLSA	3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6
        host	SSHFP	4 2 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855
        2.0.192.in-addr.arpa.	PTR	host.example.
        svc	SVCB	1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1
        svc	SVCB	2 svc2 mandatory=alpn,port alpn=dot port=853 key65000="x y"
        svc2	SVCB	0 svc.example.
        @	HTTPS	1 . alpn=h3 no-default-alpn ech=AEX+DQBBpQAgACBd
        @	DS	60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
        @	NSEC	ns1.example. NS SOA MX TXT RRSIG NSEC DNSKEY TYPE65534
        0p9mhaveqvm6t7vbl5lop2u3t2rp3tom	NSEC3	1 1 12 AABBCCDD 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM
        @	RRSIG	A 13 2 3600 20300101000000 20200101000000 12345 example. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t
        weird	TYPE65534	\# 4 0a000001
        generic	A	\# 4 C0000202
        esc\.aped\032name	A	192.0.2.9
        Mixed.Case	MX	5 MAIL.Example.
        """;

    [Fact]
    public async Task Every_type_matches_ldns_in_canonical_wire_formAsync()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, AllTypes + "\n");
            var ours = ZoneFileReader.ReadFile(path).Select(ReferenceTools.Canonical).ToList();
            var theirs = await ReferenceTools.RunLdnsAsync(path);
            ours.Count.ShouldBe(46);
            ours.Except(theirs).ShouldBeEmpty("ours but not ldns");
            theirs.Except(ours).ShouldBeEmpty("ldns but not ours");
            ours.Count.ShouldBe(theirs.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string Generate = """
        $ORIGIN example.
        $TTL 300
        @ SOA ns1 hostmaster 1 2 3 4 5
        @ NS ns1
        ns1 A 192.0.2.1
        $GENERATE 1-4 host$ A 192.0.2.$
        $GENERATE 0-20/7 ${10,4,d}.off CNAME x${0,3,x}.example.
        $GENERATE 250-255 h${-250,2,X} TXT "v$"
        $GENERATE 10-12 rev${0,0,o} PTR \$literal$.example.
        $GENERATE 255-256 n${0,3,n}.nib A 192.0.2.1
        $GENERATE 254-255 ${0,5,N}.NIB 60 IN A 192.0.2.2
        """;

    [Fact]
    public async Task Generate_matches_bindAsync()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, Generate + "\n");
            var ours = ZoneFileReader.ReadFile(path).Select(ReferenceTools.Canonical).ToHashSet();
            var named = await ReferenceTools.RunAsync("named-checkzone", "-D", "-o", "-", "example", path);
            var zoneLines = named.Split('\n').Where(l => l.Length > 0 && l != "OK" && !l.StartsWith("zone ", StringComparison.Ordinal));
            var theirs = ZoneFileReader.Read(new StringReader(string.Join('\n', zoneLines)))
                .Select(ReferenceTools.Canonical).ToHashSet();
            theirs.Count.ShouldBe(3 + 4 + 3 + 6 + 3 + 2 + 2);
            ours.SetEquals(theirs).ShouldBeTrue($"ours only: {string.Join(" | ", ours.Except(theirs))}; BIND only: {string.Join(" | ", theirs.Except(ours))}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Nibble_width_that_fits_exactly_leaves_a_trailing_dot_like_bind()
    {
        // BIND prints "f.f." for 255 with width 4, making the owner absolute (and, in BIND, out of zone).
        var records = ZoneFileReader.Read(new StringReader("$ORIGIN example.\n$TTL 60\n$GENERATE 255-255 ${0,4,n} A 192.0.2.1\n")).ToList();
        records.Single().Name.ToString().ShouldBe("f.f.");
    }
}
