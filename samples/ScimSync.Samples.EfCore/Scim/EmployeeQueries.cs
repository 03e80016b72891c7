// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ScimSync.Filtering;
using ScimSync.Samples.EfCore.Data;
using ScimSync.Schema;
using ScimSync.Stores;
using static ScimSync.Samples.EfCore.Scim.FilterPlan<ScimSync.Samples.EfCore.Data.Employee>;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>SCIM filters and sorting over the <c>Employees</c> table.</summary>
internal static class EmployeeQueries
{
    /// <summary>The <c>eq</c> comparisons answered from an index.</summary>
    public static readonly IReadOnlyList<string> PushedDown = ["id", "userName", "externalId", "displayName", "emails.value", "active"];

    public static FilterPlan<Employee> Plan(FilterNode filter) => Create(filter, Translate);

    private static Expression<Func<Employee, bool>>? Translate(FilterNode node)
    {
        const string core = ScimSchemas.User;

        // Login, Email, PersonalEmail and DisplayName have NOCASE columns, so "=" ignores case as SCIM's caseExact=false asks.
        if (EqualsText(node, core, "userName") is { } userName)
        {
            return e => e.Login == userName;
        }

        if (EqualsText(node, core, "externalId") is { } externalId)
        {
            return e => e.ExternalRef == externalId;
        }

        if (EqualsText(node, core, "displayName") is { } displayName)
        {
            return e => e.DisplayName == displayName;
        }

        if (EqualsText(node, core, "id") is { } id)
        {
            return ScimIds.TryParseEmployee(id, out var key) ? e => e.Id == key : Predicates.False<Employee>();
        }

        if (EqualsText(node, core, "emails", "value") is { } anyEmail)
        {
            return e => e.Email == anyEmail || e.PersonalEmail == anyEmail;
        }

        if (node is ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.Boolean } active && Is(active.Path, core, "active"))
        {
            var value = active.Value.Boolean;
            return e => e.IsActive == value;
        }

        if (node is ValuePathNode valuePath && Is(valuePath.Path, core, "emails"))
        {
            return TranslateEmails(valuePath.Filter);
        }

        return null;
    }

    // emails[value eq "x"] and emails[type eq "work" and value eq "x"] (Entra ID's emails[type eq "work"].value eq "x").
    private static Expression<Func<Employee, bool>>? TranslateEmails(FilterNode filter)
    {
        if (EqualsText(filter, ScimSchemas.User, "value") is { } any)
        {
            return e => e.Email == any || e.PersonalEmail == any;
        }

        if (filter is not LogicalNode { Operator: LogicalOperator.And } and)
        {
            return null;
        }

        var (type, value) = EqualsText(and.Left, ScimSchemas.User, "type") is { } leftType
            ? (leftType, EqualsText(and.Right, ScimSchemas.User, "value"))
            : (EqualsText(and.Right, ScimSchemas.User, "type"), EqualsText(and.Left, ScimSchemas.User, "value"));
        if (type is null || value is null)
        {
            return null;
        }

        return type.ToUpperInvariant() switch
        {
            "WORK" => e => e.Email == value,
            "HOME" => e => e.PersonalEmail == value,
            _ => Predicates.False<Employee>(), // the table keeps no other address types
        };
    }

    /// <summary>
    /// Orders by the column of <c>sortBy</c>, missing values last ascending and first descending (RFC 7644 §3.4.2.3),
    /// then by key. An attribute without a column is absent on every row, so the default order is its correct order.
    /// </summary>
    public static IQueryable<Employee> Sort(IQueryable<Employee> rows, ListQuery query)
    {
        var descending = query.SortOrder == SortOrder.Descending;
        var by = query.SortBy;
        if (by is null)
        {
            return rows.OrderBy(e => e.Id);
        }

        if (by.SchemaUri is not null && string.Equals(by.SchemaUri, ScimSchemas.EnterpriseUser, StringComparison.OrdinalIgnoreCase))
        {
            return by.AttributeName.ToUpperInvariant() switch
            {
                "DEPARTMENT" => ByText(rows, e => EF.Functions.Collate(e.Department, "NOCASE"), descending),
                "EMPLOYEENUMBER" => ByText(rows, e => e.EmployeeNumber, descending),
                _ => rows.OrderBy(e => e.Id),
            };
        }

        var name = by.SubAttributeName is null ? by.AttributeName : $"{by.AttributeName}.{by.SubAttributeName}";
        return name.ToUpperInvariant() switch
        {
            "USERNAME" => ByText(rows, e => e.Login, descending),
            "DISPLAYNAME" => ByText(rows, e => e.DisplayName, descending),
            "TITLE" => ByText(rows, e => EF.Functions.Collate(e.JobTitle, "NOCASE"), descending),
            "EXTERNALID" => ByText(rows, e => e.ExternalRef, descending),
            "NAME.GIVENNAME" => ByText(rows, e => EF.Functions.Collate(e.FirstName, "NOCASE"), descending),
            "NAME.FAMILYNAME" => ByText(rows, e => EF.Functions.Collate(e.LastName, "NOCASE"), descending),
            "EMAILS" or "EMAILS.VALUE" => ByText(rows, e => e.Email ?? e.PersonalEmail, descending),
            "ID" => descending ? rows.OrderByDescending(e => e.Id) : rows.OrderBy(e => e.Id),
            "ACTIVE" => descending ? rows.OrderByDescending(e => e.IsActive).ThenBy(e => e.Id) : rows.OrderBy(e => e.IsActive).ThenBy(e => e.Id),
            "META.CREATED" => descending ? rows.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id) : rows.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id),
            "META.LASTMODIFIED" => descending ? rows.OrderByDescending(e => e.UpdatedAt).ThenBy(e => e.Id) : rows.OrderBy(e => e.UpdatedAt).ThenBy(e => e.Id),
            _ => rows.OrderBy(e => e.Id),
        };
    }

    private static IQueryable<Employee> ByText(IQueryable<Employee> rows, Expression<Func<Employee, string?>> key, bool descending)
    {
        var missing = Expression.Lambda<Func<Employee, bool>>(
            Expression.Equal(key.Body, Expression.Constant(null, typeof(string))), key.Parameters);
        return descending
            ? rows.OrderByDescending(missing).ThenByDescending(key).ThenBy(e => e.Id)
            : rows.OrderBy(missing).ThenBy(key).ThenBy(e => e.Id);
    }
}
