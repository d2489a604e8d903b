using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;

namespace DnsCert.Lab;

/// <summary>A minimal stub client the lab uses to wait for its own servers (tests check with kdig/dig/delv instead).</summary>
public static class DnsProbe
{
    public static async Task<DnsMessage?> QueryAsync(string address, string name, DnsRecordType type, bool tcp = false,
        bool edns = true, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var query = DnsMessage.CreateQuery(DnsName.Parse(name.EndsWith('.') ? name : name + "."), type,
            id: (ushort)Random.Shared.Next(ushort.MaxValue), edns: edns ? new EdnsInfo() : null);
        var bytes = query.Encode();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(2));
        var endpoint = new IPEndPoint(IPAddress.Parse(address), 53);
        try
        {
            if (!tcp)
            {
                using var udp = new UdpClient(AddressFamily.InterNetwork);
                udp.Connect(endpoint);
                await udp.SendAsync(bytes, cts.Token);
                var result = await udp.ReceiveAsync(cts.Token);
                return DnsMessage.Decode(result.Buffer);
            }

            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(endpoint, cts.Token);
            var stream = client.GetStream();
            var framed = new byte[bytes.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)bytes.Length);
            bytes.CopyTo(framed, 2);
            await stream.WriteAsync(framed, cts.Token);
            var lengthBytes = new byte[2];
            await stream.ReadExactlyAsync(lengthBytes, cts.Token);
            var answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
            await stream.ReadExactlyAsync(answer, cts.Token);
            return DnsMessage.Decode(answer);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or DnsFormatException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return null;
        }
    }

    /// <summary>The SOA serial a server answers authoritatively for the zone, or null.</summary>
    public static async Task<uint?> SerialAsync(string address, string zone, CancellationToken cancellationToken = default)
    {
        var answer = await QueryAsync(address, zone, DnsRecordType.SOA, cancellationToken: cancellationToken);
        if (answer is null || !answer.IsAuthoritative || answer.ResponseCode != DnsResponseCode.NoError)
        {
            return null;
        }

        return answer.Answers.Select(a => a.Data).OfType<DnsCert.Dns.Records.SoaRecord>().FirstOrDefault()?.Serial;
    }
}
