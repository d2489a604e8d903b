using System.IO.Compression;

namespace DnsCert.TestSupport;

/// <summary>
/// The reference reading of a zone file: ldns-read-zone's canonical output, one line per record as
/// <c>owner ttl class TYPEn length hex</c> — the form the DNS library's records are compared with.
/// </summary>
public static class LdnsReadZone
{
    // -c canonicalises (lower case, sorted); "-U SOA -u SOA" prints every type in RFC 3597 "\# len hex" form.
    public static async Task<List<string>> CanonicalLinesAsync(string path)
    {
        var plain = Path.GetTempFileName();
        try
        {
            await using (var input = path.EndsWith(".gz", StringComparison.Ordinal)
                ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress)
                : (Stream)File.OpenRead(path))
            await using (var output = File.Create(plain))
            {
                await input.CopyToAsync(output);
            }

            var result = await ProcessRunner.RunAsync("ldns-read-zone", ["-c", "-U", "SOA", "-u", "SOA", plain], timeout: TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"ldns-read-zone failed on {path}: {result.StandardError}");
            }

            var lines = new List<string>();
            foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                var rdata = fields[4].Split(' ');
                if (rdata[0] != @"\#")
                {
                    throw new InvalidOperationException($"ldns-read-zone printed a record not in RFC 3597 form: {line}");
                }

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
}
