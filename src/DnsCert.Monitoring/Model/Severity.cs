using System.Text.Json.Serialization;

namespace DnsCert.Monitoring.Model;

/// <summary>Finding severities, lowest first, as Zonemaster's levels (reference dns-health.md §1).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Worth recording only.</summary>
    Info,

    /// <summary>Worth knowing.</summary>
    Notice,

    /// <summary>A problem in some circumstances.</summary>
    Warning,

    /// <summary>Very likely breaks function.</summary>
    Error,

    /// <summary>The zone cannot be reached or validated at all, or its delegation was changed without approval.</summary>
    Critical,
}
