using System.Text;
using DnsCert.Dns.Names;
using DnsCert.Dns.Wire;

namespace DnsCert.Dns.Records;

/// <summary>Base for SVCB and HTTPS RDATA (RFC 9460 §2.2). Parameters are kept as raw values, sorted by key.</summary>
public abstract class ServiceBindingData : RecordData
{
    private readonly KeyValuePair<ushort, byte[]>[] _parameters;

    /// <summary>Initialises the fields; parameters must have distinct keys and valid values.</summary>
    /// <exception cref="ArgumentException">Duplicate keys or a value invalid for its key.</exception>
    protected ServiceBindingData(ushort priority, DnsName target, IEnumerable<KeyValuePair<ushort, byte[]>> parameters)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(parameters);
        Priority = priority;
        Target = target;
        _parameters = [.. parameters.OrderBy(p => p.Key)];
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (i > 0 && _parameters[i].Key == _parameters[i - 1].Key)
            {
                throw new ArgumentException($"duplicate SvcParamKey {_parameters[i].Key}", nameof(parameters));
            }

            var problem = SvcParams.Validate(_parameters[i].Key, _parameters[i].Value);
            if (problem is not null)
            {
                throw new ArgumentException(problem, nameof(parameters));
            }
        }
    }

    /// <summary>0 is AliasMode, anything else ServiceMode priority.</summary>
    public ushort Priority { get; }

    /// <summary>Target name (<c>.</c> means the owner in ServiceMode).</summary>
    public DnsName Target { get; }

    /// <summary>SvcParams in ascending key order, values in wire form.</summary>
    public IReadOnlyList<KeyValuePair<ushort, byte[]>> Parameters => _parameters;

    /// <summary>The wire value of <paramref name="key"/>, or null when absent.</summary>
    public byte[]? GetParameter(SvcParamKey key) =>
        _parameters.FirstOrDefault(p => p.Key == (ushort)key) is { Value: not null } found ? found.Value : null;

    internal override void WriteData(DnsWireWriter writer, bool compress, bool canonical)
    {
        writer.WriteUInt16(Priority);

        // RFC 9460 §2.2: the target is never compressed, and stays as written in canonical form.
        writer.WriteName(Target, false, false);
        foreach (var (key, value) in _parameters)
        {
            writer.WriteUInt16(key);
            writer.WriteUInt16((ushort)value.Length);
            writer.WriteBytes(value);
        }
    }

    internal override void AppendPresentation(StringBuilder sb)
    {
        sb.Append(N(Priority)).Append(' ');
        Target.AppendTo(sb);
        foreach (var (key, value) in _parameters)
        {
            sb.Append(' ').Append(SvcParams.KeyName(key));
            if (value.Length > 0)
            {
                sb.Append('=');
                SvcParams.AppendValue(sb, key, value);
            }
        }
    }

    private protected static (ushort Priority, DnsName Target, List<KeyValuePair<ushort, byte[]>> Parameters) ReadFields(ref DnsWireReader reader)
    {
        var priority = reader.ReadUInt16();
        var target = reader.ReadName();
        var parameters = new List<KeyValuePair<ushort, byte[]>>();
        var last = -1;
        while (reader.Remaining > 0)
        {
            var at = reader.Position;
            var key = reader.ReadUInt16();
            var length = reader.ReadUInt16();
            var value = reader.ReadBytes(length);
            if (key <= last)
            {
                throw new DnsFormatException(at, "SvcParamKeys must be strictly increasing (RFC 9460 §2.2)");
            }

            var problem = SvcParams.Validate(key, value);
            if (problem is not null)
            {
                throw new DnsFormatException(at, problem);
            }

            last = key;
            parameters.Add(new(key, value.ToArray()));
        }

        // RFC 9460 §8: an RR whose mandatory list names an absent key is malformed.
        if (parameters.Count > 0 && parameters[0].Key == 0)
        {
            var mandatory = parameters[0].Value;
            for (var i = 0; i < mandatory.Length; i += 2)
            {
                var required = (ushort)((mandatory[i] << 8) | mandatory[i + 1]);
                if (parameters.All(p => p.Key != required))
                {
                    throw new DnsFormatException(reader.Position, $"mandatory key {SvcParams.KeyName(required)} is missing");
                }
            }
        }

        return (priority, target, parameters);
    }

    private protected static (ushort Priority, DnsName Target, List<KeyValuePair<ushort, byte[]>> Parameters) ParseFields(PresentationReader reader)
    {
        var priority = reader.NextUInt16("priority");
        var target = reader.NextName("target");
        var parameters = new List<KeyValuePair<ushort, byte[]>>();
        while (!reader.AtEnd)
        {
            var token = reader.Next("SvcParam");
            var eq = token.Text.IndexOf('=', StringComparison.Ordinal);
            var keyText = eq < 0 ? token.Text : token.Text[..eq];
            var valueText = eq < 0 ? null : token.Text[(eq + 1)..];
            if (!SvcParams.TryParseKey(keyText, out var key))
            {
                throw reader.Error(token, $"unknown SvcParamKey '{keyText}'");
            }

            if (parameters.Any(p => p.Key == key))
            {
                throw reader.Error(token, $"SvcParamKey '{keyText}' appears twice");
            }

            parameters.Add(new(key, SvcParams.ParseValue(reader, token, key, valueText)));
        }

        // RFC 9460 §8: every key listed in mandatory must be present.
        var mandatory = parameters.FirstOrDefault(p => p.Key == 0).Value;
        if (mandatory is not null)
        {
            for (var i = 0; i < mandatory.Length; i += 2)
            {
                var required = (ushort)((mandatory[i] << 8) | mandatory[i + 1]);
                if (parameters.All(p => p.Key != required))
                {
                    throw reader.ErrorAtEnd($"mandatory key '{SvcParams.KeyName(required)}' is missing");
                }
            }
        }

        return (priority, target, parameters);
    }
}
