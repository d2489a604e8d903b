using System.Text;

namespace DnsCert.Core.Campaigns;

/// <summary>
/// The CSV a registry answers with, whichever way it comes back (portal upload, signed link, reply mail): a first line
/// naming the columns — at least <c>name</c> and <c>outcome</c>, optionally <c>detail</c> — and one row per name.
/// Rows without an outcome are not reported yet. The slice file in the request mail is this CSV with the outcome column
/// empty, so the registry fills it in and sends it back.
/// </summary>
public static class CampaignOutcomeCsv
{
    /// <summary>The slice as the request mail attaches it.</summary>
    public static string Slice(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var csv = new StringBuilder("name,outcome,detail\r\n");
        foreach (var name in names)
        {
            csv.Append(name.TrimEnd('.')).Append(",,\r\n");
        }

        return csv.ToString();
    }

    /// <summary>Reads the outcomes; a bad outcome word refuses the file (ValidationException naming the line).</summary>
    public static async Task<List<ReportedOutcome>> ReadAsync(TextReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var outcomes = new List<ReportedOutcome>();
        var header = (await reader.ReadLineAsync(cancellationToken) ?? "").TrimStart('\uFEFF').Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToList();
        var (name, outcome, detail) = (header.IndexOf("name"), header.IndexOf("outcome"), header.IndexOf("detail"));
        if (name < 0 || outcome < 0)
        {
            throw new ValidationException("file", "the first line must name the columns, with at least name and outcome");
        }

        var line = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            var cells = text.Split(',');
            if (text.Trim().Length == 0 || cells.Length <= outcome || cells[outcome].Trim().Length == 0)
            {
                continue; // A name left without an outcome is not reported yet.
            }

            outcomes.Add(new ReportedOutcome(cells[name].Trim(), NameOutcomes.Parse(cells[outcome], $"line {line}"),
                detail >= 0 && detail < cells.Length ? cells[detail].Trim() : null));
        }

        return outcomes;
    }
}
