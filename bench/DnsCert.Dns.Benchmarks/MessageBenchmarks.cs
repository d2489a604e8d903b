using System.Net;
using BenchmarkDotNet.Attributes;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Benchmarks;

/// <summary>Decoding and encoding a typical delegation-sized response (compressed names, EDNS, DNSSEC records).</summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private byte[] _response = [];
    private DnsMessage _message = new();
    private readonly DnsWireWriter _writer = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        var zone = DnsName.Parse("example.com.");
        _message = new DnsMessage { Id = 1, IsResponse = true, Edns = new EdnsInfo { DnssecOk = true } };
        _message.Questions.Add(new DnsQuestion(DnsName.Parse("www.example.com."), DnsRecordType.A));
        for (var i = 0; i < 4; i++)
        {
            _message.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 172800, new NsRecord(DnsName.Parse($"ns{i}.example.com."))));
            _message.Additionals.Add(new ResourceRecord(DnsName.Parse($"ns{i}.example.com."), DnsClass.IN, 172800, new ARecord(IPAddress.Parse($"192.0.2.{i}"))));
            _message.Additionals.Add(new ResourceRecord(DnsName.Parse($"ns{i}.example.com."), DnsClass.IN, 172800, new AaaaRecord(IPAddress.Parse($"2001:db8::{i}"))));
        }

        _message.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 86400,
            RecordData.Parse(DnsRecordType.DS, "60485 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")));
        _message.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 86400,
            RecordData.Parse(DnsRecordType.NSEC, "a.example.com. NS DS RRSIG NSEC")));
        _message.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 86400,
            RecordData.Parse(DnsRecordType.RRSIG, "DS 8 2 86400 20300101000000 20200101000000 12345 com. " + Convert.ToBase64String(new byte[256]))));
        _response = _message.Encode();
    }

    [Benchmark]
    public DnsMessage Decode() => DnsMessage.Decode(_response);

    [Benchmark]
    public int Encode()
    {
        _writer.Reset();
        _message.Encode(_writer);
        return _writer.Position;
    }

    [Benchmark]
    public DnsName ParseName() => DnsName.Parse("www.Example.COM.");
}
