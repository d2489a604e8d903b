using DnsCert.Dns.Wire;
using DnsCert.Dns.Zones;

namespace DnsCert.Dns.Records;

/// <summary>Dispatch from a type code to the RDATA class that decodes or parses it.</summary>
internal static class RecordDataCodec
{
    /// <summary>Largest generic RDATA (16-bit RDLENGTH).</summary>
    private const int MaxRdataLength = ushort.MaxValue;

    public static RecordData Read(DnsRecordType type, ref DnsWireReader reader, int length)
    {
        var start = reader.Position;
        var saved = reader.PushLimit(start + length);
        var data = ReadTyped(type, ref reader);
        if (reader.Remaining != 0)
        {
            throw new DnsFormatException(reader.Position, $"{reader.Remaining} unused octets at the end of {DnsMnemonics.TypeToString(type)} RDATA");
        }

        reader.PopLimit(saved);
        return data;
    }

    private static RecordData ReadTyped(DnsRecordType type, ref DnsWireReader reader) => type switch
    {
        DnsRecordType.A => ARecord.Read(ref reader),
        DnsRecordType.AAAA => AaaaRecord.Read(ref reader),
        DnsRecordType.NS => NsRecord.Read(ref reader),
        DnsRecordType.CNAME => CnameRecord.Read(ref reader),
        DnsRecordType.DNAME => DnameRecord.Read(ref reader),
        DnsRecordType.PTR => PtrRecord.Read(ref reader),
        DnsRecordType.SOA => SoaRecord.Read(ref reader),
        DnsRecordType.MX => MxRecord.Read(ref reader),
        DnsRecordType.TXT => TxtRecord.Read(ref reader),
        DnsRecordType.SPF => SpfRecord.Read(ref reader),
        DnsRecordType.HINFO => HinfoRecord.Read(ref reader),
        DnsRecordType.RP => RpRecord.Read(ref reader),
        DnsRecordType.SRV => SrvRecord.Read(ref reader),
        DnsRecordType.NAPTR => NaptrRecord.Read(ref reader),
        DnsRecordType.CAA => CaaRecord.Read(ref reader),
        DnsRecordType.URI => UriRecord.Read(ref reader),
        DnsRecordType.TLSA => TlsaRecord.Read(ref reader),
        DnsRecordType.SSHFP => SshfpRecord.Read(ref reader),
        DnsRecordType.SVCB => SvcbRecord.Read(ref reader),
        DnsRecordType.HTTPS => HttpsRecord.Read(ref reader),
        DnsRecordType.DS => DsRecord.Read(ref reader),
        DnsRecordType.CDS => CdsRecord.Read(ref reader),
        DnsRecordType.DNSKEY => DnskeyRecord.Read(ref reader),
        DnsRecordType.CDNSKEY => CdnskeyRecord.Read(ref reader),
        DnsRecordType.RRSIG => RrsigRecord.Read(ref reader),
        DnsRecordType.NSEC => NsecRecord.Read(ref reader),
        DnsRecordType.NSEC3 => Nsec3Record.Read(ref reader),
        DnsRecordType.NSEC3PARAM => Nsec3ParamRecord.Read(ref reader),
        DnsRecordType.ZONEMD => ZonemdRecord.Read(ref reader),
        DnsRecordType.CSYNC => CsyncRecord.Read(ref reader),
        DnsRecordType.LOC => LocRecord.Read(ref reader),
        DnsRecordType.OPT => OptRecord.Read(ref reader),
        DnsRecordType.TSIG => TsigRecord.Read(ref reader),
        _ => new UnknownRecord(type, reader.ReadToLimit().ToArray()),
    };

    public static RecordData Parse(DnsRecordType type, PresentationReader reader)
    {
        if (reader.NextIsGeneric)
        {
            return ParseGeneric(type, reader);
        }

        return type switch
        {
            DnsRecordType.A => ARecord.Parse(reader),
            DnsRecordType.AAAA => AaaaRecord.Parse(reader),
            DnsRecordType.NS => NsRecord.Parse(reader),
            DnsRecordType.CNAME => CnameRecord.Parse(reader),
            DnsRecordType.DNAME => DnameRecord.Parse(reader),
            DnsRecordType.PTR => PtrRecord.Parse(reader),
            DnsRecordType.SOA => SoaRecord.Parse(reader),
            DnsRecordType.MX => MxRecord.Parse(reader),
            DnsRecordType.TXT => TxtRecord.Parse(reader),
            DnsRecordType.SPF => SpfRecord.Parse(reader),
            DnsRecordType.HINFO => HinfoRecord.Parse(reader),
            DnsRecordType.RP => RpRecord.Parse(reader),
            DnsRecordType.SRV => SrvRecord.Parse(reader),
            DnsRecordType.NAPTR => NaptrRecord.Parse(reader),
            DnsRecordType.CAA => CaaRecord.Parse(reader),
            DnsRecordType.URI => UriRecord.Parse(reader),
            DnsRecordType.TLSA => TlsaRecord.Parse(reader),
            DnsRecordType.SSHFP => SshfpRecord.Parse(reader),
            DnsRecordType.SVCB => SvcbRecord.Parse(reader),
            DnsRecordType.HTTPS => HttpsRecord.Parse(reader),
            DnsRecordType.DS => DsRecord.Parse(reader),
            DnsRecordType.CDS => CdsRecord.Parse(reader),
            DnsRecordType.DNSKEY => DnskeyRecord.Parse(reader),
            DnsRecordType.CDNSKEY => CdnskeyRecord.Parse(reader),
            DnsRecordType.RRSIG => RrsigRecord.Parse(reader),
            DnsRecordType.NSEC => NsecRecord.Parse(reader),
            DnsRecordType.NSEC3 => Nsec3Record.Parse(reader),
            DnsRecordType.NSEC3PARAM => Nsec3ParamRecord.Parse(reader),
            DnsRecordType.ZONEMD => ZonemdRecord.Parse(reader),
            DnsRecordType.CSYNC => CsyncRecord.Parse(reader),
            DnsRecordType.LOC => LocRecord.Parse(reader),
            DnsRecordType.TSIG => TsigRecord.Parse(reader),
            DnsRecordType.OPT => OptRecord.Parse(reader),
            _ => throw reader.ErrorAtEnd($"type {DnsMnemonics.TypeToString(type)} has no presentation format here; use \\# generic RDATA"),
        };
    }

    // RFC 3597 §5: "\# length hex..."; a known type given this way is converted to its typed form.
    private static RecordData ParseGeneric(DnsRecordType type, PresentationReader reader)
    {
        reader.Next("\\#");
        var lengthToken = reader.AtEnd ? throw reader.ErrorAtEnd("missing generic RDATA length") : reader.Peek();
        var length = (int)reader.NextNumber("RDATA length", MaxRdataLength);
        var bytes = length == 0 && reader.AtEnd ? [] : reader.RestHex("RDATA hex", allowEmpty: length == 0);
        if (bytes.Length != length)
        {
            throw reader.Error(lengthToken, $"generic RDATA length {length} does not match {bytes.Length} octets of hex");
        }

        try
        {
            return RecordData.FromWire(type, bytes);
        }
        catch (DnsFormatException ex)
        {
            throw new ZoneFileException(reader.FileName, lengthToken.Line, lengthToken.Column,
                $"generic RDATA is not valid {DnsMnemonics.TypeToString(type)}: {ex.Reason}", ex);
        }
    }
}
