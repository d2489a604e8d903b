using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Tests.Zones;

/// <summary>Runs the Debian reference tools (ldns-read-zone, named-checkzone) and normalises their output.</summary>
internal static class ReferenceTools
{
    public static string Canonical(ResourceRecord record)
    {
        var rdata = record.Data.ToCanonicalWire();
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.Name.ToLowerInvariant()} {record.Ttl} {DnsMnemonics.ClassToString(record.Class)} TYPE{(ushort)record.Type} {rdata.Length} {Convert.ToHexStringLower(rdata)}");
    }

    // ldns-read-zone -c canonicalises; "-U SOA -u SOA" prints every type in RFC 3597 "\# len hex" form.
    public static async Task<List<string>> RunLdnsAsync(string gzPath)
    {
        var plain = Path.GetTempFileName();
        try
        {
            await using (var input = gzPath.EndsWith(".gz", StringComparison.Ordinal)
                ? new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress)
                : (Stream)File.OpenRead(gzPath))
            await using (var output = File.Create(plain))
            {
                await input.CopyToAsync(output);
            }

            var start = new ProcessStartInfo("ldns-read-zone", ["-c", "-U", "SOA", "-u", "SOA", plain])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, await stderr);
            var lines = new List<string>();
            foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                var rdata = fields[4].Split(' ');
                rdata[0].ShouldBe(@"\#");
                var hex = rdata.Length > 2 ? string.Concat(rdata.Skip(2)).ToLowerInvariant() : string.Empty;
                lines.Add($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} {rdata[1]} {hex}");
            }

            return lines;
        }
        finally
        {
            File.Delete(plain);
        }
    }

    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, $"{tool} failed: {await stderr}{await stdout}");
        return await stdout;
    }
}
