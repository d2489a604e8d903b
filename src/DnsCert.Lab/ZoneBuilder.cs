using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DnsCert.Lab.Definition;
using static DnsCert.Lab.Faults.FaultCatalogue;

namespace DnsCert.Lab;

/// <summary>
/// Renders the zone files the servers load: unsigned text from the plan and the faults in force, then signed by the
/// zone's real signer, then (for a few faults) edited. A zone is rebuilt, with a new serial, only when its inputs
/// changed.
/// </summary>
internal sealed class ZoneBuilder
{
    private const int DelegationTtl = 86400;
    private const int Ttl = 3600;

    private readonly LabPlan _plan;
    private readonly LabState _state;
    private readonly LabPaths _paths;
    private readonly TimeProvider _time;
    private List<LabZone>? _providers;

    public ZoneBuilder(LabPlan plan, LabState state, LabPaths paths, TimeProvider time)
    {
        _plan = plan;
        _state = state;
        _paths = paths;
        _time = time;
    }

    /// <summary>Rebuilds the zones whose inputs changed; returns them.</summary>
    public async Task<List<LabZone>> BuildAsync(IEnumerable<LabZone> zones, FaultSet faults, Action? onZoneDone, CancellationToken cancellationToken)
    {
        var changed = new List<LabZone>();
        var work = new List<(LabZone Zone, string Text, string Fingerprint)>();
        foreach (var zone in zones)
        {
            var text = Render(zone, faults);
            var fingerprint = Fingerprint(zone, text, faults);
            var zs = _state.Zone(zone.Name);
            if (zs.Fingerprint == fingerprint && File.Exists(_paths.Served(zone)))
            {
                onZoneDone?.Invoke();
                continue;
            }

            zs.Serial = zs.Serial == 0 ? InitialSerial() : zs.Serial + 1;
            zs.Fingerprint = fingerprint;
            work.Add((zone, text, fingerprint));
            changed.Add(zone);
        }

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                await WriteAsync(item.Zone, item.Text.Replace("@SERIAL@", _state.Zone(item.Zone.Name).Serial.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                    faults, ct);
                onZoneDone?.Invoke();
            });
        return changed;
    }

    private uint InitialSerial() =>
        uint.Parse(_time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) * 100;

    private static string Fingerprint(LabZone zone, string text, FaultSet faults)
    {
        var extra = new StringBuilder();
        foreach (var f in new[] { ExpiredSignatures, NotYetValid, DsUnsigned, BrokenNsec3 })
        {
            if (faults.Has(zone, f))
            {
                extra.Append(f).Append(';');
            }
        }

        foreach (var f in faults.All.Where(f => f.Fault == DnskeyMissing && f.Zone == zone.Name))
        {
            extra.Append(f.Fault).Append('@').Append(f.Server).Append(';');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text + "|" + extra)))[..24];
    }

    private async Task WriteAsync(LabZone zone, string text, FaultSet faults, CancellationToken cancellationToken)
    {
        var unsigned = _paths.UnsignedFile(zone);
        var served = _paths.Served(zone);
        var temp = served + ".new";
        await File.WriteAllTextAsync(unsigned, text, cancellationToken);
        var offline = zone.Dnssec is { Signer: not Signer.Knot };
        if (!offline || faults.Has(zone, DsUnsigned))
        {
            // Unsigned zones, and Knot-signed zones (knotd signs them on load), are served as written.
            File.Copy(unsigned, temp, overwrite: true);
        }
        else
        {
            var window = faults.Has(zone, ExpiredSignatures) ? SigningWindow.Expired
                : faults.Has(zone, NotYetValid) ? SigningWindow.Future : SigningWindow.Normal;
            await Signing.SignAsync(zone, unsigned, temp, _paths.ZoneKeys(zone), _state.Zone(zone.Name).KeyFiles, window, _time, cancellationToken);
            if (faults.Has(zone, BrokenNsec3))
            {
                await File.WriteAllLinesAsync(temp, RemoveOneNsec3(await File.ReadAllLinesAsync(temp, cancellationToken)), cancellationToken);
            }
        }

        File.Move(temp, served, overwrite: true);
        foreach (var fault in faults.All.Where(f => f.Fault == DnskeyMissing && f.Zone == zone.Name))
        {
            var server = zone.Servers.First(s => s.Name == fault.Server);
            var lines = (await File.ReadAllLinesAsync(served, cancellationToken)).Where(l => !IsDnskeyOrItsSignature(l));
            await File.WriteAllLinesAsync(_paths.Override(zone, server), lines, cancellationToken);
        }
    }

    internal static (string Owner, string Type, string[] Rdata)? ParseLine(string line)
    {
        if (line.Length == 0 || line[0] == ';' || line[0] == '$')
        {
            return null;
        }

        var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var cls = Array.IndexOf(tokens, "IN");
        return cls < 1 || cls + 1 >= tokens.Length ? null : (tokens[0], tokens[cls + 1], tokens[(cls + 2)..]);
    }

    private static bool IsDnskeyOrItsSignature(string line) =>
        ParseLine(line) is { } rr && (rr.Type == "DNSKEY" || (rr.Type == "RRSIG" && rr.Rdata.Length > 0 && rr.Rdata[0] == "DNSKEY"));

    /// <summary>Drops the second NSEC3 record of the file and the RRSIG over it: a hole in the hashed chain.</summary>
    internal static IEnumerable<string> RemoveOneNsec3(string[] lines)
    {
        var owners = lines.Select(ParseLine).Where(rr => rr is { Type: "NSEC3" }).Select(rr => rr!.Value.Owner)
            .Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (owners.Count < 2)
        {
            throw new LabException("the zone has fewer than two NSEC3 records");
        }

        var victim = owners[1];
        return lines.Where(l => ParseLine(l) is not { } rr || !string.Equals(rr.Owner, victim, StringComparison.OrdinalIgnoreCase)
            || (rr.Type != "NSEC3" && !(rr.Type == "RRSIG" && rr.Rdata[0] == "NSEC3")));
    }

    /// <summary>The unsigned zone text, with @SERIAL@ for the serial.</summary>
    internal string Render(LabZone zone, FaultSet faults)
    {
        var sb = new StringBuilder();
        var apex = zone.Fqdn;
        sb.Append(CultureInfo.InvariantCulture, $"; {apex} — DnsCert lab zone (generated; edits are overwritten)\n");
        sb.Append(CultureInfo.InvariantCulture, $"$TTL {Ttl}\n");
        var rname = zone.Level switch
        {
            ZoneLevel.Root => "hostmaster.root-servers.net.",
            ZoneLevel.Tld => $"hostmaster.nic.{apex}",
            _ => $"hostmaster.{apex}",
        };
        sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN SOA {zone.Primary.Name}. {rname} @SERIAL@ 14400 3600 1209600 300\n");

        var servers = faults.Has(zone, SingleNs) ? zone.Servers.Take(1).ToList() : zone.Servers.ToList();
        foreach (var server in servers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN NS {server.Name}.\n");
        }

        if (faults.Has(zone, NsMismatch))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN NS ns3.{zone.Name}.\n");
            sb.Append(CultureInfo.InvariantCulture, $"ns3.{zone.Name}. {Ttl} IN A {zone.Servers[^1].Address}\n");
        }

        {
            foreach (var server in zone.Servers)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{server.Name}. {Ttl} IN A {server.Address}\n");
            }
        }

        if (faults.Get(zone, SerialDrift) is { } drift)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN TXT \"lab change {drift.Since.ToUnixTimeSeconds()}\"\n");
        }

        switch (zone.Level)
        {
            case ZoneLevel.Root:
                break;
            case ZoneLevel.Tld:
                sb.Append(CultureInfo.InvariantCulture, $"nic.{apex} {Ttl} IN A {_plan.Address(200, 1)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"nic.{apex} {Ttl} IN TXT \"Registry of .{zone.Name}: {zone.Tld?.Operator.Name ?? "lab"}\"\n");
                if (zone.Name == "net")
                {
                    foreach (var root in _plan.Root.Servers)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"{root.Name}. {Ttl} IN A {root.Address}\n");
                    }
                }

                break;
            default:
                var hostAddress = _plan.Address(200, 2);
                sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN A {hostAddress}\n");
                sb.Append(CultureInfo.InvariantCulture, $"www.{apex} {Ttl} IN A {hostAddress}\n");
                sb.Append(CultureInfo.InvariantCulture, $"mail.{apex} {Ttl} IN A {_plan.Address(200, 3)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN MX 10 mail.{apex}\n");
                sb.Append(CultureInfo.InvariantCulture, $"{apex} {Ttl} IN TXT \"v=spf1 mx -all\"\n");
                break;
        }

        foreach (var child in zone.Children)
        {
            AppendDelegation(sb, child, faults);
        }

        if (zone.Level == ZoneLevel.Tld && _state.Registered is { } registered)
        {
            _providers ??= [.. _plan.Zones.Where(z => z.Level == ZoneLevel.SecondLevel && !z.Pooled).OrderBy(z => z.Name, StringComparer.Ordinal)];
            foreach (var name in registered.Under(zone.Name).Where(n => _plan.Find(n) is null))
            {
                RegisteredNames.AppendDelegation(sb, name, registered.Changes.GetValueOrDefault(name), _providers, DelegationTtl);
            }
        }

        return sb.ToString();
    }

    private void AppendDelegation(StringBuilder sb, LabZone child, FaultSet faults)
    {
        var name = child.Fqdn;
        if (faults.Get(child, DelegationHijack) is { } hijack)
        {
            for (var i = 0; i < 2; i++)
            {
                var host = $"crackers{(i + 1).ToString(CultureInfo.InvariantCulture)}.{name}";
                sb.Append(CultureInfo.InvariantCulture, $"{name} {DelegationTtl} IN NS {host}\n");
                sb.Append(CultureInfo.InvariantCulture, $"{host} {DelegationTtl} IN A {_plan.RogueAddress(hijack.Slot, i)}\n");
            }
        }
        else
        {
            var servers = faults.Has(child, SingleNs) ? child.Servers.Take(1) : child.Servers;
            var first = true;
            foreach (var server in servers)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{name} {DelegationTtl} IN NS {server.Name}.\n");
                var glue = server.Address;
                if (first && faults.Has(child, GlueMismatch))
                {
                    glue = _plan.StaleGlueAddress(child.Name.Sum(c => c));
                }

                if (!(first && faults.Has(child, MissingGlue)))
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{server.Name}. {DelegationTtl} IN A {glue}\n");
                }

                first = false;
            }
        }

        if (!child.IsSigned || faults.Has(child, SignedWithoutDs))
        {
            return;
        }

        var zs = _state.Zone(child.Name);
        var ds = faults.Has(child, DsMismatch) && zs.StaleDs is not null ? [zs.StaleDs] : zs.Ds;
        foreach (var line in ds)
        {
            var tokens = line.Split(' ');
            sb.Append(CultureInfo.InvariantCulture, $"{name} {DelegationTtl} IN DS {string.Join(' ', tokens[3..])}\n");
        }
    }
}
