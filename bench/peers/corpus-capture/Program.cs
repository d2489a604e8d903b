// Corpus capture: starts a small lab on its own loopback /16 (default 127.57, so it never meets the lab of
// ./dnscert lab up on 127.53 or the lab tests on 127.54/127.55), asks every server of every zone a fixed list of
// questions with DnsClient, and writes every response it receives, byte for byte, to a gzip file of
// [uint16 big-endian length][message] frames. The lab is stopped and its folder deleted at the end.
//
//   dotnet run -c Release --project bench/peers/corpus-capture -- [--base 127.57] [--out file] [--lab-dir folder]
//
// With --lab-dir the lab of that folder is used as it is (already running, e.g. .data/lab) and left running.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using DnsCert.Dns;
using DnsCert.Dns.Names;
using DnsCert.Dns.Transport;
using DnsCert.Lab;

var basePrefix = "127.57";
var output = Path.GetFullPath("lab-responses.bin.gz");
string? labDir = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--base": basePrefix = args[i + 1]; break;
        case "--out": output = Path.GetFullPath(args[i + 1]); break;
        case "--lab-dir": labDir = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var ownLab = labDir is null;
var directory = labDir ?? Path.Combine(Path.GetTempPath(), "dnscert-corpus-lab-" + Guid.NewGuid().ToString("N")[..8]);
LabUniverse lab;
if (ownLab)
{
    Console.WriteLine($"starting a lab on {basePrefix} in {directory}");
    lab = await LabUniverse.UpAsync(new LabUpOptions(directory, basePrefix));
}
else
{
    lab = LabUniverse.Open(directory);
}

try
{
    var questions = new List<(string Server, string Name, DnsRecordType Type, bool Dnssec)>();
    foreach (var zone in lab.Plan.Zones.OrderBy(z => z.Fqdn, StringComparer.Ordinal))
    {
        var apex = zone.Fqdn;
        var sub = apex == "." ? string.Empty : apex;
        foreach (var server in zone.Servers)
        {
            void Ask(string name, DnsRecordType type, bool both = true)
            {
                questions.Add((server.Address, name, type, true));
                if (both)
                {
                    questions.Add((server.Address, name, type, false));
                }
            }

            // Answers at the apex (NODATA for the types the zone lacks: AAAA, CAA, and NSEC3PARAM in NSEC zones).
            foreach (var type in new[] { DnsRecordType.SOA, DnsRecordType.NS, DnsRecordType.DNSKEY, DnsRecordType.A, DnsRecordType.MX, DnsRecordType.TXT })
            {
                Ask(apex, type);
            }

            foreach (var type in new[] { DnsRecordType.NSEC3PARAM, DnsRecordType.AAAA, DnsRecordType.CAA, DnsRecordType.RRSIG, DnsRecordType.NSEC })
            {
                Ask(apex, type, both: false);
            }

            // Hosts, the servers' own names, names that do not exist (NXDOMAIN with NSEC/NSEC3 proofs).
            Ask("www." + sub, DnsRecordType.A);
            Ask("www." + sub, DnsRecordType.AAAA, both: false);
            Ask("mail." + sub, DnsRecordType.A, both: false);
            Ask("nic." + sub, DnsRecordType.TXT, both: false);
            Ask(server.Name + ".", DnsRecordType.A, both: false);
            Ask("no-such-name." + sub, DnsRecordType.A);
            Ask("zz-missing." + sub, DnsRecordType.MX, both: false);

            // Referrals (with DS or an insecure-delegation proof) and DS answers for every child.
            foreach (var child in zone.Children)
            {
                Ask(child.Fqdn, DnsRecordType.DS, both: false);
                Ask("www." + child.Fqdn, DnsRecordType.A, both: false);
                Ask(child.Fqdn, DnsRecordType.NS, both: false);
            }
        }
    }

    Console.WriteLine($"{questions.Count} questions to {lab.Plan.AllServers.Select(s => s.Address).Distinct().Count()} addresses");
    var responses = new ConcurrentDictionary<int, byte[]>();
    var failures = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (index, ct) =>
    {
        var (server, name, type, dnssec) = questions[index];
        await using var client = new DnsClient(new IPEndPoint(IPAddress.Parse(server), 53),
            new DnsClientOptions { DnssecOk = dnssec, RequestNsid = index % 3 == 0, Retries = 2, Timeout = TimeSpan.FromSeconds(2) });
        try
        {
            var exchange = await client.QueryAsync(DnsName.Parse(name), type, cancellationToken: ct);
            responses[index] = exchange.ResponseBytes.ToArray();
        }
        catch (DnsTransportException e)
        {
            Interlocked.Increment(ref failures);
            Console.Error.WriteLine($"{server} {name} {type}: {e.Message}");
        }
    });

    // Question order, so that a re-run against the same lab writes the frames in the same order.
    await using (var file = new GZipStream(File.Create(output), CompressionLevel.SmallestSize))
    {
        var length = new byte[2];
        foreach (var (_, bytes) in responses.OrderBy(r => r.Key))
        {
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
            file.Write(length);
            file.Write(bytes);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"wrote {responses.Count} responses ({responses.Values.Sum(r => (long)r.Length)} octets, {failures} questions unanswered) to {output}"));
    return failures > questions.Count / 100 ? 1 : 0;
}
finally
{
    if (ownLab)
    {
        await lab.DownAsync();
        Directory.Delete(directory, recursive: true);
    }
}
