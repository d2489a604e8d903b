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

    /// <summary>These columns qualified by a table alias (<c>c</c> → <c>c.tlp</c>, …); already qualified ones are kept.</summary>
    public VisibilityColumns Qualified(string alias) => new(Qualify(alias, Tlp), Qualify(alias, RecipientOrganisations),
        Qualify(alias, RecipientUsers), Qualify(alias, CreatedBy));

    private static string Qualify(string alias, string column) => column.Contains('.', StringComparison.Ordinal) ? column : alias + "." + column;

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
public static partial class VisibilitySql
{
    /// <summary>Returns a parenthesised boolean expression and adds its parameters (named <c>vis_*</c>) to the command.</summary>
    /// <param name="filter">What the viewer may see.</param>
    /// <param name="command">The command the parameters are added to.</param>
    /// <param name="columns">Where the table keeps the visibility facts (default: the standard names).</param>
    /// <param name="alias">
    /// The table alias of the filtered table in a joined query: the columns are qualified with it and the parameters
    /// are named <c>vis_{alias}_*</c>, so one query can apply the predicate to several tables (organisations, their
    /// contacts, their assets) without its parameters colliding. Calling twice with the same alias on one command
    /// reuses the parameters.
    /// </param>
    public static string Condition(VisibilityFilter filter, NpgsqlCommand command, VisibilityColumns? columns = null, string? alias = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(command);
        columns ??= VisibilityColumns.Default;
        if (alias is not null)
        {
            if (!Alias().IsMatch(alias))
            {
                throw new ArgumentException($"'{alias}' is not a plain table alias", nameof(alias));
            }

            columns = columns.Qualified(alias);
        }

        columns.Validate();
        var prefix = alias is null ? "vis_" : $"vis_{alias}_";

        void Parameter(string name, NpgsqlDbType type, object value)
        {
            if (!command.Parameters.Contains(prefix + name))
            {
                command.Parameters.Add(new NpgsqlParameter(prefix + name, type) { Value = value });
            }
        }

        var grants = new List<string>();
        if (filter.Anyone is { } anyone)
        {
            Parameter("anyone", NpgsqlDbType.Smallint, (short)anyone);
            grants.Add($"{columns.Tlp} <= @{prefix}anyone");
        }

        if (filter.OrganisationId is { } org && filter.OwnOrganisation is { } own)
        {
            Parameter("own", NpgsqlDbType.Smallint, (short)own);
            Parameter("org", NpgsqlDbType.Uuid, org);
            grants.Add($"({columns.Tlp} <= @{prefix}own AND @{prefix}org = ANY({columns.RecipientOrganisations}))");
        }

        if (filter.UserId is { } user)
        {
            Parameter("user", NpgsqlDbType.Uuid, user);
            grants.Add($"@{prefix}user = ANY({columns.RecipientUsers})");
            grants.Add($"{columns.CreatedBy} IS NOT DISTINCT FROM @{prefix}user");
        }

        return grants.Count == 0 ? "(FALSE)" : "(" + string.Join(" OR ", grants) + ")";
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Alias();
}
