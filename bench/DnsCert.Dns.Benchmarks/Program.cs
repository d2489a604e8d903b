using System.Globalization;
using BenchmarkDotNet.Running;
using DnsCert.Dns.Benchmarks;

// Two plain modes for the peer comparisons of bench/peers/dns-library-bench.sh (one process per run, like the peers):
//   parse-file <zone file>              stream-parse a zone file, print the record count
//   corpus <corpus.bin.gz> <rounds>     decode + re-encode every corpus message <rounds> times, print ns per message
//   verify-zone <root zone> <rounds>    parse the 2017 root zone once, validate it <rounds> times (bench/dnssec-bench.sh)
//   verify-rate <root zone> <8|13|15> <seconds>   RRSIG verifications per second over root-zone RRsets (same script)
// Anything else goes to BenchmarkDotNet (e.g. --filter '*Corpus*' --job short).
switch (args)
{
    case ["parse-file", var path]:
        Console.WriteLine(PeerModes.ParseFile(path).ToString(CultureInfo.InvariantCulture));
        return 0;
    case ["corpus", var path, var rounds]:
        var (messages, octets, elapsed, cpu) = PeerModes.DecodeEncode(path, int.Parse(rounds, CultureInfo.InvariantCulture));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dnscert {messages} messages {octets} octets {elapsed.TotalNanoseconds / messages:0.0} ns/message wall {cpu.TotalNanoseconds / messages:0.0} ns/message cpu"));
        return 0;
    case ["verify-zone", var path, var rounds]:
        Console.WriteLine(DnssecModes.VerifyZone(path, int.Parse(rounds, CultureInfo.InvariantCulture)));
        return 0;
    case ["verify-rate", var path, var algorithm, var seconds]:
        Console.WriteLine(DnssecModes.VerifyRate(path, int.Parse(algorithm, CultureInfo.InvariantCulture),
            double.Parse(seconds, CultureInfo.InvariantCulture)));
        return 0;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(PeerModes).Assembly).Run(args);
        return 0;
}
