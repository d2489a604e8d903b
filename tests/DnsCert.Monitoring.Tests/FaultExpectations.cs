using DnsCert.Lab.Faults;

namespace DnsCert.Monitoring.Tests;

/// <summary>
/// The check IDs each fault of the lab catalogue must raise: one table for the one-shot check
/// (<see cref="FaultDetectionTests"/>) and the runtime (<see cref="Runtime.RuntimeFaultTests"/>).
/// </summary>
public static class FaultExpectations
{
    public static IReadOnlyDictionary<string, string[]> ByFault { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [FaultCatalogue.ExpiredSignatures] = ["SEC-03"],
        [FaultCatalogue.NotYetValid] = ["SEC-03"],
        [FaultCatalogue.DsMismatch] = ["SEC-01"],
        [FaultCatalogue.DnskeyMissing] = ["SEC-08"],
        [FaultCatalogue.SignedWithoutDs] = ["SEC-02"],
        [FaultCatalogue.DsUnsigned] = ["SEC-02"],
        [FaultCatalogue.Lame] = ["DEL-04"],
        [FaultCatalogue.ServerDown] = ["NS-01", "DEL-03", "DEL-04"],
        [FaultCatalogue.TcpBroken] = ["NS-01"],
        [FaultCatalogue.SerialDrift] = ["ZN-01"],
        [FaultCatalogue.GlueMismatch] = ["DEL-06"],
        [FaultCatalogue.MissingGlue] = ["DEL-06"],
        [FaultCatalogue.NsMismatch] = ["DEL-05"],
        [FaultCatalogue.SingleNs] = ["DEL-03"],
        [FaultCatalogue.OpenRecursion] = ["NS-02"],
        [FaultCatalogue.OpenAxfr] = ["NS-03"],
        [FaultCatalogue.BrokenNsec3] = ["SEC-05"],
        [FaultCatalogue.EdnsFormerr] = ["NS-04"],
        [FaultCatalogue.TruncationNoTcp] = ["NS-01"],

        // Against the approved baseline (the healthy zone's delegation).
        [FaultCatalogue.DelegationHijack] = ["CHG-01", "CHG-03", "CHG-04"],
        [FaultCatalogue.SlowServer] = ["NS-06"],
    };
}
