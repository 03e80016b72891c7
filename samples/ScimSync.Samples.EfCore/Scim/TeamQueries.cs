// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ScimSync.Filtering;
using ScimSync.Patching;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Schema;
using ScimSync.Stores;
using static ScimSync.Samples.EfCore.Scim.FilterPlan<ScimSync.Samples.EfCore.Data.Team>;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>SCIM filters and sorting over the <c>Teams</c> table.</summary>
internal static class TeamQueries
{
    /// <summary>The <c>eq</c> comparisons answered from an index.</summary>
    public static readonly IReadOnlyList<string> PushedDown = ["id", "displayName", "externalId", "members.value"];

    public static FilterPlan<Team> Plan(FilterNode filter) => Create(filter, Translate);

    /// <summary>Whether a filter looks at members (the bounded path then loads them).</summary>
    public static bool ReferencesMembers(FilterNode node) => node switch
    {
        ComparisonNode c => IsMembers(c.Path),
        PresentNode p => IsMembers(p.Path),
        ValuePathNode v => IsMembers(v.Path),
        LogicalNode l => ReferencesMembers(l.Left) || ReferencesMembers(l.Right),
        NotNode n => ReferencesMembers(n.Operand),
        _ => true,
    };

    private static bool IsMembers(AttributePath path) => string.Equals(path.AttributeName, "members", StringComparison.OrdinalIgnoreCase);

    private static Expression<Func<Team, bool>>? Translate(FilterNode node)
    {
        const string core = ScimSchemas.Group;

        // Name is a NOCASE column: displayName eq ignores case.
        if (EqualsText(node, core, "displayName") is { } displayName)
        {
            return t => t.Name == displayName;
        }

        if (EqualsText(node, core, "externalId") is { } externalId)
        {
            return t => t.ExternalRef == externalId;
        }

        if (EqualsText(node, core, "id") is { } id)
        {
            return ScimIds.TryParseTeam(id, out var key) ? t => t.Id == key : Predicates.False<Team>();
        }

        var member = EqualsText(node, core, "members", "value")
            ?? (node is ValuePathNode v && Is(v.Path, core, "members") ? EqualsText(v.Filter, core, "value") : null);
        if (member is not null)
        {
            if (ScimIds.TryParseEmployee(member, out var employeeId))
            {
                return t => t.Members.Any(m => m.EmployeeId == employeeId);
            }

            return ScimIds.TryParseTeam(member, out var teamId)
                ? t => t.Members.Any(m => m.MemberTeamId == teamId)
                : Predicates.False<Team>();
        }

        return null;
    }

    /// <summary>Orders by <c>sortBy</c> (see <see cref="EmployeeQueries.Sort"/>).</summary>
    public static IQueryable<Team> Sort(IQueryable<Team> rows, ListQuery query)
    {
        var descending = query.SortOrder == SortOrder.Descending;
        var name = query.SortBy is not { } by ? "" : by.SubAttributeName is null ? by.AttributeName : $"{by.AttributeName}.{by.SubAttributeName}";
        return name.ToUpperInvariant() switch
        {
            "DISPLAYNAME" => descending ? rows.OrderByDescending(t => t.Name).ThenBy(t => t.Id) : rows.OrderBy(t => t.Name).ThenBy(t => t.Id),
            "EXTERNALID" => descending
                ? rows.OrderByDescending(t => t.ExternalRef == null).ThenByDescending(t => t.ExternalRef).ThenBy(t => t.Id)
                : rows.OrderBy(t => t.ExternalRef == null).ThenBy(t => t.ExternalRef).ThenBy(t => t.Id),
            "ID" when descending => rows.OrderByDescending(t => t.Id),
            "META.CREATED" => descending ? rows.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id) : rows.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
            "META.LASTMODIFIED" => descending ? rows.OrderByDescending(t => t.UpdatedAt).ThenBy(t => t.Id) : rows.OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id),
            _ => rows.OrderBy(t => t.Id),
        };
    }
}
