using DnsCert.Dns.Messages;

namespace DnsCert.Dns.Transport;

/// <summary>One message of a zone transfer as received.</summary>
/// <param name="Bytes">Exact message bytes (without the TCP length prefix).</param>
/// <param name="Message">The decoded message.</param>
/// <param name="Elapsed">Time from the start of the transfer until this message was read.</param>
public sealed record ZoneTransferMessage(ReadOnlyMemory<byte> Bytes, DnsMessage Message, TimeSpan Elapsed);
