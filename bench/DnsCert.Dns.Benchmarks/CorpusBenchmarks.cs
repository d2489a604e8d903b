using BenchmarkDotNet.Attributes;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Benchmarks;

/// <summary>
/// Decode and decode + re-encode over the whole lab corpus (tests/DnsCert.Dns.Tests/Corpus, 14,070 real responses).
/// Divide the figures by the message count for per-message cost; the allocation column is what decoding builds.
/// </summary>
[MemoryDiagnoser]
public class CorpusBenchmarks
{
    private List<byte[]> _corpus = [];
    private readonly DnsWireWriter _writer = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        var path = Environment.GetEnvironmentVariable("DNSCERT_CORPUS") ?? FindCorpus();
        _corpus = PeerModes.LoadCorpus(path);
        Console.WriteLine($"// corpus: {_corpus.Count} messages, {_corpus.Sum(m => m.Length)} octets");
    }

    private static string FindCorpus()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "DnsCert.Dns.Tests", "Corpus", "Data", "lab-responses.bin.gz");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("lab-responses.bin.gz not found; set DNSCERT_CORPUS");
    }

    [Benchmark]
    public int DecodeAll()
    {
        var records = 0;
        foreach (var bytes in _corpus)
        {
            records += DnsMessage.Decode(bytes).Answers.Count;
        }

        return records;
    }

    [Benchmark]
    public long DecodeEncodeAll()
    {
        long octets = 0;
        foreach (var bytes in _corpus)
        {
            _writer.Reset();
            DnsMessage.Decode(bytes).Encode(_writer);
            octets += _writer.Position;
        }

        return octets;
    }
}
