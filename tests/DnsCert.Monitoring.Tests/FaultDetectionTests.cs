using System.Text.Json;
using DnsCert.Lab.Faults;
using DnsCert.Monitoring.Model;
using DnsCert.TestSupport;

namespace DnsCert.Monitoring.Tests;

/// <summary>
/// Every fault of the lab catalogue: check the healthy zone, break it with the Lab API, check again and find the
/// fault's check IDs, fix it, check again and find exactly the healthy zone's findings.
/// </summary>
[Collection("monitoring-lab")]
public sealed class FaultDetectionTests
{
    private readonly MonitoringLabFixture _fixture;

    public FaultDetectionTests(MonitoringLabFixture fixture)
    {
        _fixture = fixture;
    }

    public static TheoryData<string, string[]> Faults
    {
        get
        {
            var data = new TheoryData<string, string[]>();
            foreach (var (fault, expected) in FaultExpectations.ByFault)
            {
                data.Add(fault, expected);
            }

            return data;
        }
    }

    [Fact]
    public void Every_fault_of_the_catalogue_has_a_test()
    {
        Faults.Select(row => (string)row[0]).Order().ShouldBe(FaultCatalogue.All.Select(f => f.Id).Order());
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_is_detected_by_its_checks_and_clears_after_fix(string fault, string[] expected)
    {
        var zone = _fixture.Take(fault);
        var healthy = await _fixture.CheckAsync(zone);
        healthy.Report.Findings.ShouldNotContain(f => f.Severity >= Severity.Error, Describe(healthy.Report));
        foreach (var id in expected)
        {
            healthy.Report.Findings.ShouldNotContain(f => f.CheckId == id, Describe(healthy.Report));
        }

        await _fixture.Lab.BreakAsync(zone.Name, fault);
        try
        {
            var broken = await _fixture.CheckAsync(zone, healthy.Snapshot);
            var ids = broken.Report.Findings.Select(f => f.CheckId).ToHashSet();
            foreach (var id in expected)
            {
                ids.ShouldContain(id, Describe(broken.Report));
            }

            // Evidence: every finding of the fault's checks carries the queries and raw responses that prove it.
            foreach (var finding in broken.Report.Findings.Where(f => expected.Contains(f.CheckId)))
            {
                finding.Evidence.ShouldNotBeEmpty($"{finding.CheckId} {finding.Subject} has no evidence");
                finding.Evidence.ShouldAllBe(e => e.QueryWire.Length > 0 || e.Transport == "axfr");
            }
        }
        finally
        {
            await _fixture.Lab.FixAsync(zone.Name);
        }

        var fixedRun = await _fixture.CheckAsync(zone, healthy.Snapshot with { SoaSerial = null });
        Summary(fixedRun.Report).ShouldBe(Summary(healthy.Report), Describe(fixedRun.Report));
    }

    [Fact]
    public async Task Check_command_prints_json_and_exits_by_worst_severity()
    {
        var zone = _fixture.Take(FaultCatalogue.ExpiredSignatures);
        var healthy = await RunCliAsync(zone.Name);
        healthy.ExitCode.ShouldBeOneOf(0, 3);
        await _fixture.Lab.BreakAsync(zone.Name, FaultCatalogue.ExpiredSignatures);
        try
        {
            var broken = await RunCliAsync(zone.Name);
            broken.ExitCode.ShouldBe(5, broken.StandardOutput + broken.StandardError);
            using var json = JsonDocument.Parse(broken.StandardOutput);
            json.RootElement.GetProperty("zone").GetString().ShouldBe(zone.Fqdn);
            var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
            findings.ShouldContain(f => f.GetProperty("checkId").GetString() == "SEC-03" && f.GetProperty("severity").GetString() == "Critical");
            json.RootElement.GetProperty("measurements").GetArrayLength().ShouldBeGreaterThan(10);
        }
        finally
        {
            await _fixture.Lab.FixAsync(zone.Name);
        }
    }

    private Task<ProcessResult> RunCliAsync(string zone) =>
        ProcessRunner.RunAsync("dotnet", [MonitoringLabFixture.CliDll, "check", zone, "--lab", _fixture.Directory, "--json"], timeout: TimeSpan.FromMinutes(2));

    private static string Summary(CheckReport report) =>
        string.Join(" ", report.Findings.Where(f => f.Severity >= Severity.Warning).Select(f => $"{f.CheckId}:{f.Severity}").Distinct().Order(StringComparer.Ordinal));

    private static string Describe(CheckReport report) =>
        report.Zone + "\n" + string.Join("\n", report.Findings.Select(f => $"{f.CheckId} {f.Severity} {f.Subject}: {f.Message}"));
}
