using DnsCert.Core.Visibility;

namespace DnsCert.Core.Campaigns;

/// <summary>What a registry is asked to do with every name of its slice.</summary>
public enum CampaignAction
{
    /// <summary>Block or reserve the name so nobody can register it (the Conficker response).</summary>
    Block,

    /// <summary>Suspend a registered name: EPP status serverHold, so it leaves the zone.</summary>
    Suspend,

    /// <summary>Delegate the name to the agreed sinkhole name servers.</summary>
    Sinkhole,

    /// <summary>Transfer the name to a trusted registrar.</summary>
    Transfer,
}

public static class CampaignActions
{
    public static IReadOnlyList<CampaignAction> All { get; } = Enum.GetValues<CampaignAction>();

    /// <summary>The word used in storage, the API, the CLI and templates.</summary>
    public static string Code(this CampaignAction action) => action switch
    {
        CampaignAction.Block => "block",
        CampaignAction.Suspend => "suspend",
        CampaignAction.Sinkhole => "sinkhole",
        CampaignAction.Transfer => "transfer",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a campaign action"),
    };

    public static CampaignAction Parse(string? text, string field = "action")
    {
        var wanted = (text ?? "").Trim().ToLowerInvariant();
        foreach (var action in All)
        {
            if (action.Code() == wanted)
            {
                return action;
            }
        }

        // The EPP and registry words people use for the same actions.
        return wanted switch
        {
            "reserve" => CampaignAction.Block,
            "serverhold" or "hold" => CampaignAction.Suspend,
            "delegate" => CampaignAction.Sinkhole,
            _ => throw new ValidationException(field, $"'{text}' is not a campaign action ({string.Join(", ", All.Select(Code))})"),
        };
    }
}

/// <summary>Where one name stands. Registries move it to acknowledged and actioned; the DNS check to verified or contradicted.</summary>
public enum NameStatus
{
    Requested,
    Acknowledged,
    Actioned,
    Verified,
    Contradicted,

    /// <summary>No registry in the directory runs the name's TLD: nobody was asked.</summary>
    Unroutable,
}

public static class NameStatuses
{
    public static IReadOnlyList<NameStatus> All { get; } = Enum.GetValues<NameStatus>();

    public static string Code(this NameStatus status) => status switch
    {
        NameStatus.Requested => "requested",
        NameStatus.Acknowledged => "acknowledged",
        NameStatus.Actioned => "actioned",
        NameStatus.Verified => "verified",
        NameStatus.Contradicted => "contradicted",
        NameStatus.Unroutable => "unroutable",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not a name status"),
    };

    public static NameStatus Parse(string? text, string field = "status")
    {
        var wanted = (text ?? "").Trim().ToLowerInvariant();
        foreach (var status in All)
        {
            if (status.Code() == wanted)
            {
                return status;
            }
        }

        throw new ValidationException(field, $"'{text}' is not a name status ({string.Join(", ", All.Select(Code))})");
    }
}

/// <summary>
/// A new campaign as a person describes it. <see cref="NamesPerDay"/> is the time window the threat works in
/// (Conficker.B: 250 names a day; Conficker.C: 50,000): each day's names arrive as one upload.
/// </summary>
public sealed record CampaignDraft(
    string Name,
    Tlp Tlp,
    DateTimeOffset Deadline,
    CampaignAction Action,
    int NamesPerDay = 0,
    IReadOnlyList<string>? SinkholeNameServers = null,
    string? TrustedRegistrar = null,
    string? Description = null)
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxSinkholeNameServers = 13;

    /// <summary>Checks every field, naming the first one that is wrong. Returns the draft with normalised sinkhole names.</summary>
    public CampaignDraft Validate(DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > MaxNameLength)
        {
            throw new ValidationException("name", $"give a name of 1 to {MaxNameLength} characters");
        }

        if (Deadline <= now)
        {
            throw new ValidationException("deadline", "must be in the future");
        }

        if (NamesPerDay < 0)
        {
            throw new ValidationException("namesPerDay", "must be 0 (unknown) or more");
        }

        if ((Description ?? "").Length > MaxDescriptionLength)
        {
            throw new ValidationException("description", $"is longer than {MaxDescriptionLength} characters");
        }

        var sinkholes = new List<string>();
        foreach (var server in SinkholeNameServers ?? [])
        {
            var result = CampaignNames.Normalise(server);
            if (result.Name is null)
            {
                throw new ValidationException("sinkholeNameServers", $"'{server}': {result.Error}");
            }

            if (!sinkholes.Contains(result.Name))
            {
                sinkholes.Add(result.Name);
            }
        }

        if (Action == CampaignAction.Sinkhole && sinkholes.Count == 0)
        {
            throw new ValidationException("sinkholeNameServers", "a sinkhole action needs the sinkhole's name servers");
        }

        if (sinkholes.Count > MaxSinkholeNameServers)
        {
            throw new ValidationException("sinkholeNameServers", $"give at most {MaxSinkholeNameServers} name servers");
        }

        if (Action == CampaignAction.Transfer && string.IsNullOrWhiteSpace(TrustedRegistrar))
        {
            throw new ValidationException("trustedRegistrar", "a transfer action needs the trusted registrar");
        }

        return this with
        {
            Name = Name.Trim(),
            SinkholeNameServers = sinkholes,
            TrustedRegistrar = string.IsNullOrWhiteSpace(TrustedRegistrar) ? null : TrustedRegistrar.Trim(),
            Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
        };
    }
}
