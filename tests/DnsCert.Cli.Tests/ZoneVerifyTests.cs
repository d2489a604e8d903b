using System.IO.Compression;
using DnsCert.Cli.Commands;

namespace DnsCert.Cli.Tests;

/// <summary><c>dnscert zone verify</c> on the signed root zone of 2017-08-21 (DNSCERT_ROOT_ZONE_DIR or /work/shared/data/root-zone).</summary>
public class ZoneVerifyTests
{
    private const string Ksk2010 = ". IN DS 19036 8 2 49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5";

    private static string RootZone =>
        Path.Combine(Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone", "root-2017-08-21-signed.zone.gz");

    private static (int Exit, string Output, string Error) Run(string file, string anchor, string? at)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ZoneVerifyCommand.Run(file, anchor, at, 300, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_root_zone_verifies_through_the_built_command()
    {
        var result = await CliProcess.RunAsync(null, "zone", "verify", RootZone, "--anchor", Ksk2010, "--at", "2017-08-25T00:00:00Z");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldContain("secure=2950 insecure=148 bogus=0");
        result.StandardOutput.ShouldContain("chain: DS 19036/8/2 matches DNSKEY 19036 of .");
    }

    [Fact]
    public void A_flipped_signature_byte_is_reported_with_its_reason_and_exit_1()
    {
        var dir = Directory.CreateTempSubdirectory("dnscert-zone-verify-");
        try
        {
            var lines = new List<string>();
            using (var reader = new StreamReader(new GZipStream(File.OpenRead(RootZone), CompressionMode.Decompress)))
            {
                while (reader.ReadLine() is { } line)
                {
                    lines.Add(line);
                }
            }

            var index = lines.FindIndex(l => l.StartsWith("nl.\t", StringComparison.OrdinalIgnoreCase) && l.Contains("\tRRSIG\tNSEC ", StringComparison.Ordinal));
            index.ShouldBeGreaterThan(0);
            var at = lines[index].Length - 30;
            lines[index] = lines[index][..at] + (lines[index][at] == 'x' ? 'y' : 'x') + lines[index][(at + 1)..];
            var path = Path.Combine(dir.FullName, "root.zone");
            File.WriteAllLines(path, lines);

            var (exit, output, _) = Run(path, Ksk2010, "2017-08-25T00:00:00Z");

            exit.ShouldBe(1);
            output.ShouldContain("secure=2949 insecure=148 bogus=1");
            output.Split('\n').Where(l => l.StartsWith("bogus ", StringComparison.Ordinal)).ShouldHaveSingleItem()
                .ShouldStartWith("bogus nl. NSEC: SIGNATURE_INVALID");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void After_expiry_every_ZSK_signature_is_reported_expired()
    {
        var (exit, output, _) = Run(RootZone, Ksk2010, "2017-09-05T00:00:00Z");

        exit.ShouldBe(1);
        output.ShouldContain("secure=1 insecure=148 bogus=2949");
        output.ShouldContain("bogus . SOA: EXPIRATION_IN_PAST");
    }

    [Fact]
    public void Bad_input_exits_2_with_the_field_named()
    {
        Run(RootZone, ". IN A 192.0.2.1", null).Error.ShouldContain("--anchor");
        Run(RootZone, Ksk2010, "yesterday").Error.ShouldContain("--at");
        var missing = Run("/nonexistent/zone", Ksk2010, null);
        missing.Exit.ShouldBe(ZoneVerifyCommand.UsageError);
        missing.Error.ShouldContain("no such file");
    }
}
