using DnsCert.Dns.Messages.Edns;

namespace DnsCert.Dns.Messages;

/// <summary>EDNS(0) parameters of a message, carried on the wire as the OPT pseudo-record (RFC 6891 §6.1).</summary>
public sealed class EdnsInfo
{
    /// <summary>Smallest payload size a sender may advertise; lower values are treated as 512 (RFC 6891 §6.2.3).</summary>
    public const ushort MinUdpPayloadSize = 512;

    /// <summary>Payload size recommended by DNS Flag Day 2020 to avoid IP fragmentation.</summary>
    public const ushort DefaultUdpPayloadSize = 1232;

    /// <summary>DO bit in the OPT TTL flags (RFC 3225).</summary>
    public const ushort DnssecOkFlag = 0x8000;

    /// <summary>Advertised UDP payload size.</summary>
    public ushort UdpPayloadSize { get; set; } = DefaultUdpPayloadSize;

    /// <summary>EDNS version (only 0 is defined).</summary>
    public byte Version { get; set; }

    /// <summary>The 16 flag bits of the OPT TTL (DO is the top bit).</summary>
    public ushort Flags { get; set; }

    /// <summary>DNSSEC OK: ask for DNSSEC records (RFC 3225).</summary>
    public bool DnssecOk
    {
        get => (Flags & DnssecOkFlag) != 0;
        set => Flags = value ? (ushort)(Flags | DnssecOkFlag) : (ushort)(Flags & ~DnssecOkFlag);
    }

    /// <summary>Options in wire order.</summary>
    public IList<EdnsOption> Options { get; } = new List<EdnsOption>();

    /// <summary>First option of type <typeparamref name="T"/>, or null.</summary>
    public T? GetOption<T>()
        where T : EdnsOption => Options.OfType<T>().FirstOrDefault();
}
