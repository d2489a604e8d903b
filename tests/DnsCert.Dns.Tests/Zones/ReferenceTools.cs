using System.Diagnostics;
using System.Globalization;
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

    /// <summary>ldns-read-zone's reading of a file, in the same form as <see cref="Canonical"/> (shared with the CLI tests).</summary>
    public static Task<List<string>> RunLdnsAsync(string path) => DnsCert.TestSupport.LdnsReadZone.CanonicalLinesAsync(path);

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
