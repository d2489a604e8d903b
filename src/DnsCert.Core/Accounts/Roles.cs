namespace DnsCert.Core.Accounts;

/// <summary>The roles of DESIGN §2. A person holds one or more; organisation scope is added per user.</summary>
public static class Roles
{
    public const string Administrator = "administrator";
    public const string DutyOfficer = "duty-officer";
    public const string IncidentHandler = "incident-handler";
    public const string Augmenter = "augmenter";
    public const string Analyst = "analyst";
    public const string Constituent = "constituent";
    public const string Partner = "partner";
    public const string Governance = "governance";

    /// <summary>Runs the duty roster (shifts, overrides, swap approvals) and is the last rung of page escalation.</summary>
    public const string HeadOfOperations = "head-of-operations";

    public static IReadOnlyList<string> All { get; } =
        [Administrator, HeadOfOperations, DutyOfficer, IncidentHandler, Augmenter, Analyst, Constituent, Partner, Governance];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
