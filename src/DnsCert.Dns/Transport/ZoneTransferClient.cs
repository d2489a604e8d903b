using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;
using DnsCert.Dns.Security;

namespace DnsCert.Dns.Transport;

/// <summary>AXFR (RFC 5936) and IXFR (RFC 1995) over a dedicated TCP connection, streaming records as they arrive.</summary>
public sealed class ZoneTransferClient
{
    private readonly DnsClientOptions _options;

    /// <summary>Creates a client for <paramref name="server"/>; <see cref="DnsClientOptions.Timeout"/> bounds each message.</summary>
    public ZoneTransferClient(IPEndPoint server, DnsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _options = options ?? new DnsClientOptions();
    }

    /// <summary>The primary or secondary transferred from.</summary>
    public IPEndPoint Server { get; }

    /// <summary>Streams the zone's records, starting and ending with its SOA as on the wire.</summary>
    /// <exception cref="ZoneTransferException">Refused, or the message sequence is invalid.</exception>
    public async IAsyncEnumerable<ResourceRecord> AxfrAsync(DnsName zone, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in AxfrMessagesAsync(zone, cancellationToken))
        {
            for (var i = 0; i < message.Message.Answers.Count; i++)
            {
                yield return message.Message.Answers[i];
            }
        }
    }

    /// <summary>
    /// Streams the transfer message by message, each with its exact bytes and arrival time, for callers that keep
    /// evidence. Ends after the message holding the closing SOA.
    /// </summary>
    public async IAsyncEnumerable<ZoneTransferMessage> AxfrMessagesAsync(DnsName zone,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = DnsMessage.CreateQuery(zone, DnsRecordType.AXFR);
        var tracker = new TransferTracker(null);
        var started = _options.TimeProvider.GetTimestamp();
        await foreach (var (bytes, message, mayEnd) in TransferAsync(query, cancellationToken))
        {
            foreach (var record in message.Answers)
            {
                tracker.Add(record);
            }

            RequireSignedEnd(tracker, mayEnd);
            yield return new ZoneTransferMessage(bytes, message, _options.TimeProvider.GetElapsedTime(started));
            if (tracker.Done)
            {
                yield break;
            }
        }

        throw new ZoneTransferException($"AXFR of {zone} from {Server} ended before the closing SOA");
    }

    /// <summary>Requests changes since <paramref name="currentSerial"/> (RFC 1995).</summary>
    public async Task<IxfrResult> IxfrAsync(DnsName zone, uint currentSerial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var query = DnsMessage.CreateQuery(zone, DnsRecordType.IXFR);

        // RFC 1995 §3: the authority section carries the client's SOA; only the serial matters to servers.
        query.Authorities.Add(new ResourceRecord(zone, DnsClass.IN, 0,
            new SoaRecord(DnsName.Root, DnsName.Root, currentSerial, 0, 0, 0, 0)));
        var tracker = new TransferTracker(currentSerial);
        var records = new List<ResourceRecord>();
        var raw = new List<ReadOnlyMemory<byte>>();
        await foreach (var (bytes, message, mayEnd) in TransferAsync(query, cancellationToken))
        {
            raw.Add(bytes);
            foreach (var record in message.Answers)
            {
                tracker.Add(record);
                records.Add(record);
            }

            RequireSignedEnd(tracker, mayEnd);
            if (tracker.Done)
            {
                return BuildIxfrResult(tracker, records, raw);
            }
        }

        throw new ZoneTransferException($"IXFR of {zone} from {Server} ended before the closing SOA");
    }

    // RFC 8945 §5.3.1: the last message of a TSIG-protected transfer must itself be signed.
    private static void RequireSignedEnd(TransferTracker tracker, bool mayEnd)
    {
        if (tracker.Done && !mayEnd)
        {
            throw new ZoneTransferException("the transfer's last message is not signed");
        }
    }

    private static IxfrResult BuildIxfrResult(TransferTracker tracker, List<ResourceRecord> records, List<ReadOnlyMemory<byte>> raw)
    {
        var current = (SoaRecord)records[0].Data;
        if (tracker.UpToDate)
        {
            return new IxfrResult { CurrentSoa = current, IsUpToDate = true, ResponseMessages = raw };
        }

        if (!tracker.Incremental)
        {
            return new IxfrResult { CurrentSoa = current, FullZone = records[..^1], ResponseMessages = raw };
        }

        var deltas = new List<IxfrDelta>();
        var index = 1;
        while (index < records.Count - 1)
        {
            var oldSoa = (SoaRecord)records[index++].Data;
            var deleted = new List<ResourceRecord>();
            while (records[index].Data is not SoaRecord)
            {
                deleted.Add(records[index++]);
            }

            var newSoa = (SoaRecord)records[index++].Data;
            var added = new List<ResourceRecord>();
            while (index < records.Count - 1 && records[index].Data is not SoaRecord)
            {
                added.Add(records[index++]);
            }

            deltas.Add(new IxfrDelta(oldSoa.Serial, newSoa.Serial, deleted, added));
        }

        return new IxfrResult { CurrentSoa = current, IsIncremental = true, Deltas = deltas, ResponseMessages = raw };
    }

    private async IAsyncEnumerable<(byte[] Bytes, DnsMessage Message, bool MayEnd)> TransferAsync(DnsMessage query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        query.Id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var question = query.Questions[0];
        var bytes = query.Encode();
        TsigStreamVerifier? verifier = null;
        if (_options.TsigKey is { } key)
        {
            (bytes, var requestMac) = TsigSigner.Sign(bytes, key, _options.TimeProvider.GetUtcNow());
            verifier = new TsigStreamVerifier(key, requestMac);
        }

        using var socket = new System.Net.Sockets.Socket(Server.AddressFamily, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Tcp);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(_options.Timeout);
            try
            {
                await socket.ConnectAsync(Server, connectTimeout.Token);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new DnsTransportException($"cannot connect to {Server} for a zone transfer: {ex.Message}", ex);
            }
        }

        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        await TcpFraming.WriteAsync(stream, bytes, cancellationToken);
        var first = true;
        while (true)
        {
            byte[]? frame;
            using (var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                readTimeout.CancelAfter(_options.Timeout);
                try
                {
                    frame = await TcpFraming.ReadAsync(stream, readTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new DnsTimeoutException($"zone transfer from {Server} stalled for {_options.Timeout.TotalSeconds} s");
                }
                catch (IOException ex)
                {
                    throw new DnsTransportException($"zone transfer from {Server} failed: {ex.Message}", ex);
                }
            }

            if (frame is null)
            {
                yield break;
            }

            var message = DnsMessage.Decode(frame);
            if (message.Id != query.Id || !message.IsResponse)
            {
                throw new ZoneTransferException($"transfer message with ID {message.Id} does not answer query {query.Id}");
            }

            // RFC 5936 §2.2.1: the first message echoes the question; later ones may omit it.
            if ((first || message.Questions.Count > 0) && (message.Questions.Count != 1 || !message.Questions[0].Matches(question)))
            {
                throw new ZoneTransferException("transfer message carries a different question");
            }

            if (message.ResponseCode != DnsResponseCode.NoError)
            {
                throw new ZoneTransferException($"zone transfer refused with {message.ResponseCode}") { ResponseCode = message.ResponseCode };
            }

            if (verifier is not null)
            {
                var status = verifier.Add(frame, message, _options.TimeProvider.GetUtcNow());
                if (status != TsigStatus.Valid && (first || status != TsigStatus.NotSigned))
                {
                    throw new ZoneTransferException($"transfer message failed TSIG verification: {status}");
                }
            }

            first = false;
            yield return (frame, message, verifier?.CanEnd ?? true);
        }
    }

    /// <summary>Decides where a transfer ends from the SOA records seen (RFC 5936 §2.2, RFC 1995 §4).</summary>
    private sealed class TransferTracker(uint? clientSerial)
    {
        private uint _serial;
        private int _count;
        private int _finalSoaSeen;

        public bool Done { get; private set; }

        public bool Incremental { get; private set; }

        public bool UpToDate { get; private set; }

        public void Add(ResourceRecord record)
        {
            if (Done)
            {
                throw new ZoneTransferException("records after the closing SOA");
            }

            var soa = record.Data as SoaRecord;
            if (_count++ == 0)
            {
                _serial = soa?.Serial ?? throw new ZoneTransferException("a zone transfer must start with the SOA");
                if (clientSerial is { } known && SerialAtMost(_serial, known))
                {
                    UpToDate = true;
                    Done = true;
                }

                return;
            }

            if (_count == 2 && clientSerial is not null && soa is not null && soa.Serial != _serial)
            {
                Incremental = true;
                return;
            }

            if (soa is not null && soa.Serial == _serial)
            {
                _finalSoaSeen++;
                Done = !Incremental || _finalSoaSeen == 2;
            }
        }

        // RFC 1982 serial arithmetic: a is not newer than b.
        private static bool SerialAtMost(uint a, uint b) => a == b || (int)(a - b) < 0;
    }
}
