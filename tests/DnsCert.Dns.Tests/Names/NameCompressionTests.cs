using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Tests.Names;

public class NameCompressionTests
{
    private static DnsName Read(string hex, int start)
    {
        var bytes = Convert.FromHexString(hex);
        var reader = new DnsWireReader(bytes);
        reader.Skip(start);
        return reader.ReadName();
    }

    [Fact]
    public void Backward_pointer_is_followed()
    {
        // "example.com." at 0, then "www" + pointer to 0 at 13.
        var hex = "076578616d706c6503636f6d00" + "03777777c000";
        Read(hex, 13).ToString().ShouldBe("www.example.com.");
    }

    [Fact]
    public void Reader_position_continues_after_the_pointer()
    {
        var bytes = Convert.FromHexString("076578616d706c6503636f6d00" + "03777777c000" + "ff");
        var reader = new DnsWireReader(bytes);
        reader.ReadName();
        reader.ReadName();
        reader.ReadByte().ShouldBe((byte)0xff);
    }

    [Fact]
    public void Pointer_to_itself_is_rejected()
    {
        var ex = Should.Throw<DnsFormatException>(() => Read("0000c002", 2));
        ex.Offset.ShouldBe(2);
    }

    [Fact]
    public void Pointer_loop_is_rejected()
    {
        // Label at 0 points to 4, label at 4 points back to 0: the forward hop is refused.
        Should.Throw<DnsFormatException>(() => Read("0161c004" + "0162c000", 0));
        Should.Throw<DnsFormatException>(() => Read("0161c004" + "0162c000", 4));
    }

    [Fact]
    public void Forward_pointer_is_rejected()
    {
        Should.Throw<DnsFormatException>(() => Read("c00400000000", 0));
    }

    [Fact]
    public void Pointer_out_of_bounds_is_rejected()
    {
        Should.Throw<DnsFormatException>(() => Read("00c0ff", 1));
        Should.Throw<DnsFormatException>(() => Read("00c0", 1));
    }

    [Fact]
    public void Truncated_label_is_rejected()
    {
        Should.Throw<DnsFormatException>(() => Read("0561626364", 0));
        Should.Throw<DnsFormatException>(() => Read("03616263", 0));
    }

    [Fact]
    public void Extended_label_types_are_rejected()
    {
        Should.Throw<DnsFormatException>(() => Read("4100", 0));
        Should.Throw<DnsFormatException>(() => Read("8100", 0));
    }

    [Fact]
    public void Names_assembled_from_pointers_must_stay_within_255_octets()
    {
        // A 250-octet name at 0, then a 6-octet label pointing to it: 257 octets in all.
        var label = "3f" + string.Concat(Enumerable.Repeat("61", 63));
        var longName = label + label + label + "3a" + string.Concat(Enumerable.Repeat("61", 58)) + "00";
        Convert.FromHexString(longName).Length.ShouldBe(252);
        Read(longName, 0).WireLength.ShouldBe(252);
        Should.Throw<DnsFormatException>(() => Read(longName + "0461626364c000", 252));
        Read(longName + "0161c000", 252).WireLength.ShouldBe(254);
    }

    [Fact]
    public void Writer_compresses_repeated_suffixes()
    {
        using var writer = new DnsWireWriter();
        writer.WriteName(DnsName.Parse("example.com."), compress: true);
        writer.WriteName(DnsName.Parse("www.EXAMPLE.com."), compress: true);
        writer.WriteName(DnsName.Parse("mail.com."), compress: true);
        writer.WriteName(DnsName.Parse("example.com."), compress: true);
        Convert.ToHexStringLower(writer.WrittenSpan).ShouldBe(
            "076578616d706c6503636f6d00" + "03777777c000" + "046d61696cc008" + "c000");
    }

    [Fact]
    public void Writer_without_compression_writes_full_names()
    {
        using var writer = new DnsWireWriter();
        writer.WriteName(DnsName.Parse("a.example."), compress: false);
        writer.WriteName(DnsName.Parse("b.EXAMPLE."), compress: false, lowerCase: true);
        Convert.ToHexStringLower(writer.WrittenSpan).ShouldBe("0161076578616d706c6500" + "0162076578616d706c6500");
    }
}
