using DnsCert.Core;
using DnsCert.Monitoring.Checks;
using Microsoft.Extensions.Localization;

namespace DnsCert.Web.Monitoring;

/// <summary>
/// Translated text of the checks catalogue (<c>monitoring.check.*</c> definitions, <c>monitoring.fix.*</c> remediation
/// keys as the catalogue names them) with the catalogue's English as the fallback, and the field-error messages of
/// the monitoring pages.
/// </summary>
public static class MonitoringText
{
    public static string Definition(IStringLocalizer localizer, string checkId)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var text = localizer["monitoring.check." + checkId.ToLowerInvariant()];
        return text.ResourceNotFound ? CheckCatalogue.Get(checkId).Definition : text.Value;
    }

    public static string Remediation(IStringLocalizer localizer, string checkId)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        var definition = CheckCatalogue.Get(checkId);
        var text = localizer[definition.RemediationKey];
        return text.ResourceNotFound ? definition.Remediation : text.Value;
    }

    /// <summary>The resource key that explains a refused input to a person (the exception's own text is for the API).</summary>
    public static string ErrorKey(ValidationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return (e.Field, e.Reason) switch
        {
            ("zone", "is watched already") => "Monitoring.Error.Watched",
            ("zone", "is not watched") => "Monitoring.Error.NotWatched",
            ("zone", _) => "Monitoring.Error.Zone",
            ("intervalSeconds", _) => "Monitoring.Error.Interval",
            ("state", _) => "Monitoring.Error.State",
            ("tld", _) => "Monitoring.Error.Tld",
            ("baseline", var r) when r.StartsWith("no pending proposal by", StringComparison.Ordinal) => "Monitoring.Error.FourEyes",
            ("baseline", _) => "Monitoring.Error.NoProposal",
            ("baselineJson", _) => "Monitoring.Error.BaselineJson",
            ("changeRecord", _) => "Monitoring.Error.ChangeRecord",
            ("days", _) => "Monitoring.Error.Days",
            _ => "Monitoring.Error.Other",
        };
    }
}
