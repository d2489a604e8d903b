using System.Text.Json;
using System.Text.Json.Serialization;

namespace DnsCert.Core.Incidents;

/// <summary>Incident vocabularies travel in JSON as their codes ("resolution-proposed", "in-progress"), as pages and forms spell them.</summary>
public sealed class CodeJsonConverter<T> : JsonStringEnumConverter<T>
    where T : struct, Enum
{
    public CodeJsonConverter()
        : base(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    {
    }
}
