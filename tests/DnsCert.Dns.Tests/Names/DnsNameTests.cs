using DnsCert.Dns.Names;

namespace DnsCert.Dns.Tests.Names;

public class DnsNameTests
{
    [Fact]
    public void Equality_ignores_case_but_storage_preserves_it()
    {
        var a = DnsName.Parse("WWW.Example.COM.");
        var b = DnsName.Parse("www.example.com.");
        a.ShouldBe(b);
        (a == b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ToString().ShouldBe("WWW.Example.COM.");
        a.ToLowerInvariant().ToString().ShouldBe("www.example.com.");
    }

    [Fact]
    public void Relative_names_take_the_origin()
    {
        var origin = DnsName.Parse("example.com.");
        DnsName.Parse("www", origin).ToString().ShouldBe("www.example.com.");
        DnsName.Parse("@", origin).ShouldBe(origin);
        DnsName.Parse("www.other.", origin).ToString().ShouldBe("www.other.");
        DnsName.Parse(".").IsRoot.ShouldBeTrue();
        DnsName.Parse("a.b", origin).LabelCount.ShouldBe(4);
    }

    [Theory]
    [InlineData(@"a\.b.example.", 2, @"a\.b.example.")]
    [InlineData(@"\065bc.", 1, "Abc.")]
    [InlineData(@"a\032b.", 1, @"a\032b.")]
    [InlineData(@"\000.", 1, @"\000.")]
    [InlineData(@"semi\;colon.", 1, @"semi\;colon.")]
    [InlineData(@"\255\128.", 1, @"\255\128.")]
    [InlineData(@"quo\""te.", 1, @"quo\""te.")]
    public void Escapes_parse_and_print(string text, int labels, string printed)
    {
        var name = DnsName.Parse(text);
        name.LabelCount.ShouldBe(labels);
        name.ToString().ShouldBe(printed);
        DnsName.Parse(printed).ShouldBe(name);
    }

    [Fact]
    public void Escaped_dot_is_part_of_the_label()
    {
        var name = DnsName.Parse(@"a\.b.example.");
        name.GetLabel(0).ToArray().ShouldBe("a.b"u8.ToArray());
        name.WireBytes.ToArray().ShouldBe(Convert.FromHexString("03612E62076578616D706C6500"));
    }

    [Theory]
    [InlineData("a..b.")]
    [InlineData(".a.")]
    [InlineData("")]
    [InlineData(@"a\")]
    [InlineData(@"a\25")]
    [InlineData(@"a\256.")]
    [InlineData("bücher.example.")]
    public void Invalid_text_is_rejected(string text)
    {
        DnsName.TryParse(text, null, out _).ShouldBeFalse();
        Should.Throw<FormatException>(() => DnsName.Parse(text));
    }

    [Fact]
    public void Label_limit_is_63_octets()
    {
        var ok = new string('a', 63) + ".example.";
        DnsName.Parse(ok).GetLabel(0).Length.ShouldBe(63);
        DnsName.TryParse(new string('a', 64) + ".example.", null, out _).ShouldBeFalse();
    }

    [Fact]
    public void Name_limit_is_255_wire_octets()
    {
        // Four 62-octet labels: 4 * 63 + 1 = 253 octets; one more 1-octet label makes 255, another makes 257.
        var label = new string('x', 62);
        var name253 = $"{label}.{label}.{label}.{label}.";
        DnsName.Parse(name253).WireLength.ShouldBe(253);
        DnsName.Parse("a." + name253).WireLength.ShouldBe(255);
        DnsName.TryParse("a.b." + name253, null, out _).ShouldBeFalse();
        DnsName.TryParse("ab." + name253, null, out _).ShouldBeFalse();

        var origin = DnsName.Parse(name253);
        DnsName.TryParse("a", origin, out var relative).ShouldBeTrue();
        relative.WireLength.ShouldBe(255);
        DnsName.TryParse("ab", origin, out _).ShouldBeFalse();
    }

    [Fact]
    public void Canonical_order_matches_rfc4034_section_6_1()
    {
        // The example list from RFC 4034 §6.1, already in canonical order.
        string[] ordered =
        [
            "example.", "a.example.", "yljkjljk.a.example.", @"Z.a.example.", @"zABC.a.EXAMPLE.", "z.example.",
            @"\001.z.example.", "*.z.example.", @"\200.z.example.",
        ];
        var names = ordered.Select(n => DnsName.Parse(n)).ToList();
        var shuffled = names.OrderBy(n => n.GetHashCode()).ThenBy(n => n.ToString(), StringComparer.Ordinal).Reverse().ToList();
        shuffled.Sort();
        shuffled.Select(n => n.ToString()).ShouldBe(ordered);
        for (var i = 0; i + 1 < names.Count; i++)
        {
            (names[i] < names[i + 1]).ShouldBeTrue($"{names[i]} < {names[i + 1]}");
            names[i + 1].CompareTo(names[i]).ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void Subdomain_and_parent()
    {
        var name = DnsName.Parse("www.Example.com.");
        name.IsSubdomainOf(DnsName.Parse("example.COM.")).ShouldBeTrue();
        name.IsSubdomainOf(DnsName.Root).ShouldBeTrue();
        name.IsSubdomainOf(DnsName.Parse("ample.com.")).ShouldBeFalse();
        name.Parent.ToString().ShouldBe("Example.com.");
        DnsName.Root.Parent.IsRoot.ShouldBeTrue();
        DnsName.Parse("www").Concat(DnsName.Parse("example.org.")).ToString().ShouldBe("www.example.org.");
    }

    [Fact]
    public void Idn_round_trips_through_punycode()
    {
        var name = DnsName.FromUnicode("bücher.example");
        name.ToString().ShouldBe("xn--bcher-kva.example.");
        name.ToUnicodeString().ShouldBe("bücher.example.");
        DnsName.Parse("xn--a.example.").ToUnicodeString().ShouldBe("xn--a.example.");
        Should.Throw<FormatException>(() => DnsName.FromUnicode("a..b"));
    }
}
