using System.Text.Json;
using DnsCert.Monitoring.Model;
using static DnsCert.Monitoring.Checks.CheckCatalogue;

namespace DnsCert.Monitoring.Changes;

/// <summary>Registry lock state of a domain, as a registry reports it (EPP status values, RFC 5731 §2.3).</summary>
public sealed record RegistryLockState(string Domain, IReadOnlyList<string> Statuses, DateTimeOffset ObservedAt)
{
    /// <summary>The three server-side prohibitions that make up a registry lock (SAC044).</summary>
    public static readonly string[] LockStatuses = ["serverUpdateProhibited", "serverDeleteProhibited", "serverTransferProhibited"];

    public bool Locked => LockStatuses.All(s => Statuses.Contains(s, StringComparer.OrdinalIgnoreCase));
}

/// <summary>Where CHG-06 gets the lock state from (RDAP, an EPP feed of the registry, a manual entry).</summary>
public interface IRegistryLockSource
{
    Task<RegistryLockState?> GetAsync(string domain, CancellationToken cancellationToken = default);
}

/// <summary>A certificate seen in a Certificate Transparency log for a watched name (CHG-07).</summary>
public sealed record LoggedCertificate(string Name, string Issuer, string SerialNumber, DateTimeOffset NotBefore, string Log);

/// <summary>Where CHG-07 gets certificates from. No implementation yet: see docs/monitoring.md.</summary>
public interface ICertificateLogSource
{
    IAsyncEnumerable<LoggedCertificate> SinceAsync(string name, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>
/// Registry lock from an RDAP domain response (RFC 9083 §4.6: "status" holds the EPP statuses in RDAP spelling,
/// e.g. "server update prohibited"). Reads from a base URL such as https://rdap.example/ with GET domain/&lt;name&gt;.
/// </summary>
public sealed class RdapRegistryLockSource : IRegistryLockSource
{
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly TimeProvider _time;

    public RdapRegistryLockSource(HttpClient http, Uri baseUri, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _baseUri = baseUri ?? throw new ArgumentNullException(nameof(baseUri));
        _time = time ?? TimeProvider.System;
    }

    public async Task<RegistryLockState?> GetAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        using var response = await _http.GetAsync(new Uri(_baseUri, "domain/" + Uri.EscapeDataString(domain.TrimEnd('.'))), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        return Parse(domain, await response.Content.ReadAsStringAsync(cancellationToken), _time.GetUtcNow());
    }

    /// <summary>Maps RDAP status strings ("server update prohibited") to EPP names ("serverUpdateProhibited").</summary>
    public static RegistryLockState Parse(string domain, string json, DateTimeOffset at)
    {
        using var document = JsonDocument.Parse(json);
        var statuses = document.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Array
            ? status.EnumerateArray().Select(s => s.GetString() ?? "").Select(Epp).ToList()
            : [];
        return new RegistryLockState(domain, statuses, at);
    }

    private static string Epp(string rdap)
    {
        var words = rdap.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(words.Select((w, i) => i == 0 ? w.ToLowerInvariant() : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
    }
}

/// <summary>CHG-06: a lock that was in place at the baseline and is gone now.</summary>
public static class RegistryLockCheck
{
    public static IEnumerable<Finding> Compare(RegistryLockState? baseline, RegistryLockState? observed)
    {
        if (baseline is { Locked: true } && observed is { Locked: false })
        {
            var gone = RegistryLockState.LockStatuses.Where(s => !observed.Statuses.Contains(s, StringComparer.OrdinalIgnoreCase));
            yield return Finding("CHG-06", observed.Domain, observed.Domain, $"registry lock removed: {string.Join(", ", gone)} no longer set");
        }
    }
}
