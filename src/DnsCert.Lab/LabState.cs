using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DnsCert.Lab;

/// <summary>What `lab up` decided and what `lab break` changed, kept in state.json of the lab folder.</summary>
public sealed class LabState
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string Base { get; set; } = "127.53";

    public LabSize Size { get; set; }

    public DateTimeOffset CreatedUtc { get; set; }

    /// <summary>TSIG secret (hmac-sha256) for transfers and notifies between the lab's servers.</summary>
    public string TsigSecret { get; set; } = NewSecret();

    /// <summary>Secret of BIND's control channel.</summary>
    public string RndcSecret { get; set; } = NewSecret();

    public Dictionary<string, ZoneState> Zones { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<ActiveFault> Faults { get; set; } = [];

    /// <summary>
    /// Round trip added to every name server of the lab (<c>lab rtt</c>), or null: the relay (the fault responder in
    /// added-rtt mode) then holds every public server address. Forgotten by <c>lab down</c>, like the faults.
    /// </summary>
    public int? AddedRttMilliseconds { get; set; }

    /// <summary>Names registered in the TLD zones from a list (lab up --registered; the Conficker lab), or null.</summary>
    public RegisteredNames? Registered { get; set; }

    public ZoneState Zone(string name)
    {
        if (!Zones.TryGetValue(name, out var state))
        {
            state = new ZoneState();
            Zones[name] = state;
        }

        return state;
    }

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static LabState? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<LabState>(File.ReadAllText(path), s_json) : null;

    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }
}

public sealed class ZoneState
{
    public uint Serial { get; set; }

    /// <summary>Hash of everything the served zone file is made from; a change means a new serial.</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>DS records (presentation, digest type 2) of the zone's key-signing key.</summary>
    public List<string> Ds { get; set; } = [];

    /// <summary>Key files (without extension) for the offline signers.</summary>
    public List<string> KeyFiles { get; set; } = [];

    /// <summary>A DS record of a key that was never published (ds-mismatch fault).</summary>
    public string? StaleDs { get; set; }
}

/// <summary>A fault in force: on which zone, optionally on which server, since when.</summary>
public sealed class ActiveFault
{
    public string Zone { get; set; } = "";

    public string Fault { get; set; } = "";

    /// <summary>Host name of the server the fault is on, for per-server faults.</summary>
    public string? Server { get; set; }

    /// <summary>Allocated address slot (rogue servers), or -1.</summary>
    public int Slot { get; set; } = -1;

    public DateTimeOffset Since { get; set; }

    /// <summary>Delay of a slow-server fault when the break named one (null: the catalogue's default).</summary>
    public int? DelayMilliseconds { get; set; }

    public override string ToString() => (Server is null ? $"{Zone} {Fault}" : $"{Zone} {Fault} on {Server}")
        + (DelayMilliseconds is { } delay ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({delay} ms)") : "");
}

/// <summary>Where the lab keeps its files.</summary>
public sealed class LabPaths
{
    public LabPaths(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string State => Path.Combine(Directory, "state.json");

    public string Run => Path.Combine(Directory, "run");

    public string Logs => Path.Combine(Directory, "logs");

    public string Keys => Path.Combine(Directory, "keys");

    public string Zones => Path.Combine(Directory, "zones");

    public string Work => Path.Combine(Directory, "work");

    public string Faults => Path.Combine(Directory, "faults");

    public string Daemon(string name) => Path.Combine(Directory, name);

    public string Served(LabZone zone) => Path.Combine(Zones, zone.FileName + ".zone");

    public string Override(LabZone zone, LabServer server) => Path.Combine(Zones, zone.FileName + "@" + server.Label + ".zone");

    public string UnsignedFile(LabZone zone) => Path.Combine(Work, zone.FileName + ".unsigned");

    public string ZoneKeys(LabZone zone) => Path.Combine(Keys, zone.FileName);

    public string PidFile(string name) => Path.Combine(Run, name + ".pid");

    public void Create()
    {
        foreach (var dir in new[] { Directory, Run, Logs, Keys, Zones, Work, Faults })
        {
            System.IO.Directory.CreateDirectory(dir);
        }
    }
}
