using System.Buffers.Binary;
using System.IO.Compression;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Wire;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Benchmarks;

/// <summary>The work the peer comparisons time, shared by the plain modes of Program and by the benchmarks.</summary>
public static class PeerModes
{
    /// <summary>Streams every record of a zone file (the same work as ldns-read-zone / named-checkzone parsing).</summary>
    public static long ParseFile(string path)
    {
        long count = 0;
        foreach (var unused in ZoneFileReader.ReadFile(path))
        {
            count++;
        }

        return count;
    }

    /// <summary>The corpus of tests/DnsCert.Dns.Tests/Corpus: gzip of [uint16 length][message] frames.</summary>
    public static List<byte[]> LoadCorpus(string path)
    {
        using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var messages = new List<byte[]>();
        var length = new byte[2];
        while (input.ReadAtLeast(length, 2, throwOnEndOfStream: false) == 2)
        {
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            input.ReadExactly(message);
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>
    /// Decodes and re-encodes (into one reused writer) every message, <paramref name="rounds"/> times after five warm-up
    /// rounds; returns wall time and the CPU time of the whole process (GC threads included), which a loaded machine
    /// disturbs less.
    /// </summary>
    public static (long Messages, long Octets, TimeSpan Elapsed, TimeSpan Cpu) DecodeEncode(string path, int rounds)
    {
        var corpus = LoadCorpus(path);
        using var writer = new DnsWireWriter(4096);
        // Five warm-up rounds (about a second): enough for tiered compilation to reach optimised code.
        for (var w = 0; w < 5; w++)
        {
            RunRound(corpus, writer);
        }

        long messages = 0, octets = 0;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            octets += RunRound(corpus, writer);
            messages += corpus.Count;
        }

        var elapsed = stopwatch.Elapsed;
        process.Refresh();
        return (messages, octets, elapsed, process.TotalProcessorTime - cpu);
    }

    private static long RunRound(List<byte[]> corpus, DnsWireWriter writer)
    {
        long octets = 0;
        foreach (var bytes in corpus)
        {
            writer.Reset();
            DnsMessage.Decode(bytes).Encode(writer);
            octets += writer.Position;
        }

        return octets;
    }
}
