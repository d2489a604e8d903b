namespace DnsCert.Lab;

/// <summary>Read-only view of the faults in force, as the renderers and config writers ask for them.</summary>
internal sealed class FaultSet
{
    private readonly IReadOnlyList<ActiveFault> _faults;

    public FaultSet(IReadOnlyList<ActiveFault> faults)
    {
        _faults = faults;
    }

    public bool Has(LabZone zone, string fault) =>
        _faults.Any(f => f.Fault == fault && string.Equals(f.Zone, zone.Name, StringComparison.OrdinalIgnoreCase));

    public ActiveFault? Get(LabZone zone, string fault) =>
        _faults.FirstOrDefault(f => f.Fault == fault && string.Equals(f.Zone, zone.Name, StringComparison.OrdinalIgnoreCase));

    public bool On(LabServer server, string fault) =>
        _faults.Any(f => f.Fault == fault && string.Equals(f.Zone, server.Zone, StringComparison.OrdinalIgnoreCase)
            && string.Equals(f.Server, server.Name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ActiveFault> OnServer(LabServer server) =>
        _faults.Where(f => string.Equals(f.Zone, server.Zone, StringComparison.OrdinalIgnoreCase)
            && string.Equals(f.Server, server.Name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<ActiveFault> All => _faults;
}
