using BenchmarkDotNet.Attributes;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Benchmarks;

/// <summary>Streaming parse of a real root zone (DNSCERT_ROOT_ZONE_DIR or /work/shared/data/root-zone).</summary>
[MemoryDiagnoser]
public class ZoneBenchmarks
{
    private string _text = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Environment.GetEnvironmentVariable("DNSCERT_ROOT_ZONE_DIR") ?? "/work/shared/data/root-zone";
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(
            File.OpenRead(Path.Combine(dir, "root-2017-08-21-signed.zone.gz")), System.IO.Compression.CompressionMode.Decompress));
        _text = reader.ReadToEnd();
    }

    [Benchmark]
    public int ParseSignedRootZone()
    {
        var count = 0;
        foreach (var unused in ZoneFileReader.Read(new StringReader(_text)))
        {
            count++;
        }

        return count;
    }
}
