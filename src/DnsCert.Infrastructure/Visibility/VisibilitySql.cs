using System.Text.RegularExpressions;
using DnsCert.Core.Visibility;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Visibility;

/// <summary>
/// Where a table keeps the four visibility facts. Every table of readable records has them:
/// <c>tlp smallint</c> (the <see cref="Tlp"/> value), <c>recipient_organisations uuid[]</c>,
/// <c>recipient_users uuid[]</c>, <c>created_by uuid</c>.
/// </summary>
public sealed partial record VisibilityColumns(
    string Tlp = "tlp",
    string RecipientOrganisations = "recipient_organisations",
    string RecipientUsers = "recipient_users",
    string CreatedBy = "created_by")
{
    public static VisibilityColumns Default { get; } = new();

    /// <summary>Columns are code, never input; this check keeps a typo from becoming SQL.</summary>
    internal void Validate()
    {
        foreach (var column in new[] { Tlp, RecipientOrganisations, RecipientUsers, CreatedBy })
        {
            if (!Identifier().IsMatch(column))
            {
                throw new ArgumentException($"'{column}' is not a plain column reference", nameof(column));
            }
        }
    }

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

/// <summary>
/// Renders a <see cref="VisibilityFilter"/> as a SQL condition — the only place the visibility predicate becomes SQL.
/// Every query that reads records a person may see appends <see cref="Condition"/> to its WHERE clause.
/// </summary>
public static class VisibilitySql
{
    /// <summary>Returns a parenthesised boolean expression and adds its parameters (named <c>vis_*</c>) to the command.</summary>
    public static string Condition(VisibilityFilter filter, NpgsqlCommand command, VisibilityColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(command);
        columns ??= VisibilityColumns.Default;
        columns.Validate();

        var grants = new List<string>();
        if (filter.Anyone is { } anyone)
        {
            command.Parameters.Add(new NpgsqlParameter("vis_anyone", NpgsqlDbType.Smallint) { Value = (short)anyone });
            grants.Add($"{columns.Tlp} <= @vis_anyone");
        }

        if (filter.OrganisationId is { } org && filter.OwnOrganisation is { } own)
        {
            command.Parameters.Add(new NpgsqlParameter("vis_own", NpgsqlDbType.Smallint) { Value = (short)own });
            command.Parameters.Add(new NpgsqlParameter("vis_org", NpgsqlDbType.Uuid) { Value = org });
            grants.Add($"({columns.Tlp} <= @vis_own AND @vis_org = ANY({columns.RecipientOrganisations}))");
        }

        if (filter.UserId is { } user)
        {
            command.Parameters.Add(new NpgsqlParameter("vis_user", NpgsqlDbType.Uuid) { Value = user });
            grants.Add($"@vis_user = ANY({columns.RecipientUsers})");
            grants.Add($"{columns.CreatedBy} IS NOT DISTINCT FROM @vis_user");
        }

        return grants.Count == 0 ? "(FALSE)" : "(" + string.Join(" OR ", grants) + ")";
    }
}
