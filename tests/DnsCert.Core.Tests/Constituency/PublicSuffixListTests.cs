using System.Text.RegularExpressions;
using DnsCert.Core.Constituency;

namespace DnsCert.Core.Tests.Constituency;

/// <summary>The official test vectors shipped by Debian's publicsuffix package (test_psl.txt), against the installed list.</summary>
public partial class PublicSuffixListTests
{
    private const string Vectors = "/usr/share/doc/publicsuffix/examples/test_psl.txt";

    private static readonly Lazy<PublicSuffixList> s_list = new(() => PublicSuffixList.Load());

    public static TheoryData<string?, string?> OfficialVectors()
    {
        var data = new TheoryData<string?, string?>();
        foreach (var line in File.ReadLines(Vectors))
        {
            var match = Check().Match(line);
            if (match.Success)
            {
                data.Add(Value(match.Groups[1].Value), Value(match.Groups[2].Value));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OfficialVectors))]
    public void Official_vector(string? name, string? registrable)
    {
        s_list.Value.RegistrableDomain(name).ShouldBe(registrable);
    }

    [Fact]
    public void All_official_vectors_are_read()
    {
        var expected = File.ReadLines(Vectors).Count(l => l.StartsWith("checkPublicSuffix(", StringComparison.Ordinal));
        OfficialVectors().Count.ShouldBe(expected);
        expected.ShouldBeGreaterThan(70);
    }

    [Fact]
    public void Public_suffix_is_given_in_ascii()
    {
        s_list.Value.PublicSuffix("www.example.co.uk").ShouldBe("co.uk");
        s_list.Value.PublicSuffix("食狮.公司.cn").ShouldBe("xn--55qx5d.cn");
        s_list.Value.RuleCount.ShouldBeGreaterThan(5000);
    }

    private static string? Value(string token) => token == "null" ? null : token.Trim('\'');

    [GeneratedRegex(@"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);")]
    private static partial Regex Check();
}
