// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// Translates the indexed part of a filter into a SQL condition over table alias <c>t</c>. Values only ever become
/// parameters; the SQL text holds nothing but fixed column names. Returns <see langword="null"/> for a node it cannot
/// translate.
/// </summary>
internal sealed class SqlFilterTranslator : IFilterVisitor<string?>
{
    private readonly SqliteTable _table;
    private readonly string _coreSchema;
    private readonly List<SqliteParameter> _parameters = [];

    /// <param name="table">The table.</param>
    /// <param name="coreSchema">The resource type's core schema URN.</param>
    /// <param name="directory">The directory, bound as <c>$dir</c> (the store's own conditions use it too).</param>
    public SqlFilterTranslator(SqliteTable table, string coreSchema, string directory)
    {
        _table = table;
        _coreSchema = coreSchema;
        _parameters.Add(new SqliteParameter("$dir", directory));
    }

    public IReadOnlyList<SqliteParameter> Parameters => _parameters;

    /// <summary>Translates the whole filter, or returns <see langword="null"/> when any part needs evaluation.</summary>
    public string? TranslateAll(FilterNode filter) => filter.Accept(this);

    /// <summary>
    /// Translates the conjuncts of a top-level <c>and</c> chain that can be translated: a condition every match
    /// satisfies, narrowing the rows to evaluate. <see langword="null"/> when no conjunct can be.
    /// </summary>
    public string? TranslateNecessary(FilterNode filter)
    {
        if (filter is LogicalNode { Operator: LogicalOperator.And } and)
        {
            var left = TranslateNecessary(and.Left);
            var right = TranslateNecessary(and.Right);
            return left is null ? right : right is null ? left : $"({left} AND {right})";
        }

        return filter.Accept(this);
    }

    public string? VisitComparison(ComparisonNode node)
    {
        if (node.Operator != ComparisonOperator.Equal || node.Value.Kind != FilterValueKind.String || !IsCore(node.Path))
        {
            return null;
        }

        var text = node.Value.Text!;
        if (node.Path.SubAttributeName is null)
        {
            if (string.Equals(node.Path.AttributeName, "id", StringComparison.OrdinalIgnoreCase))
            {
                return $"t.id = {Add(text)}";
            }

            return _table.FindColumn(node.Path.AttributeName) is { } column ? $"t.{column.Column} = {Add(column.ToKey(text))}" : null;
        }

        if (_table.HasMembers && IsSubAttribute(node.Path, "members", "value"))
        {
            return MemberCondition(text);
        }

        return _table.HasEmails && IsSubAttribute(node.Path, "emails", "value") ? EmailCondition(text, type: null) : null;
    }

    public string? VisitPresent(PresentNode node) => null;

    public string? VisitLogical(LogicalNode node)
    {
        var left = node.Left.Accept(this);
        if (left is null)
        {
            return null;
        }

        var right = node.Right.Accept(this);
        if (right is null)
        {
            return null;
        }

        return node.Operator == LogicalOperator.And ? $"({left} AND {right})" : $"({left} OR {right})";
    }

    public string? VisitNot(NotNode node) => null;

    public string? VisitValuePath(ValuePathNode node)
    {
        if (_table.HasEmails && IsCore(node.Path) && node.Path.SubAttributeName is null &&
            string.Equals(node.Path.AttributeName, "emails", StringComparison.OrdinalIgnoreCase))
        {
            return EmailValuePath(node.Filter);
        }

        if (!_table.HasMembers || !IsCore(node.Path) || node.Path.SubAttributeName is not null ||
            !string.Equals(node.Path.AttributeName, "members", StringComparison.OrdinalIgnoreCase) ||
            node.Filter is not ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } inner ||
            inner.Path.SchemaUri is not null || inner.Path.SubAttributeName is not null ||
            !string.Equals(inner.Path.AttributeName, "value", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return MemberCondition(inner.Value.Text!);
    }

    private static bool IsSubAttribute(AttributePath path, string attribute, string subAttribute) =>
        string.Equals(path.AttributeName, attribute, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(path.SubAttributeName, subAttribute, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Translates <c>emails[value eq "x"]</c> and <c>emails[type eq "t" and value eq "x"]</c> (either order; the form
    /// Entra's <c>emails[type eq "t"].value eq "x"</c> parses to). One side-table row per address keeps "the same
    /// email has both" exact.
    /// </summary>
    private string? EmailValuePath(FilterNode filter)
    {
        if (EqText(filter, "value") is { } onlyValue)
        {
            return EmailCondition(onlyValue, type: null);
        }

        if (filter is LogicalNode { Operator: LogicalOperator.And } and)
        {
            if (EqText(and.Left, "type") is { } t1 && EqText(and.Right, "value") is { } v1)
            {
                return EmailCondition(v1, t1);
            }

            if (EqText(and.Left, "value") is { } v2 && EqText(and.Right, "type") is { } t2)
            {
                return EmailCondition(v2, t2);
            }
        }

        return null;
    }

    private static string? EqText(FilterNode node, string subAttribute) =>
        node is ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison &&
        comparison.Path.SchemaUri is null && comparison.Path.SubAttributeName is null &&
        string.Equals(comparison.Path.AttributeName, subAttribute, StringComparison.OrdinalIgnoreCase)
            ? comparison.Value.Text
            : null;

    private string EmailCondition(string value, string? type) =>
        "t.id IN (SELECT e.user_id FROM user_emails e WHERE e.directory = $dir AND e.value_key = " + Add(value.ToUpperInvariant()) +
        (type is null ? ")" : " AND e.type_key = " + Add(type.ToUpperInvariant()) + ")");

    private bool IsCore(AttributePath path) =>
        path.SchemaUri is null || string.Equals(path.SchemaUri, _coreSchema, StringComparison.OrdinalIgnoreCase);

    // IN (subquery) rather than EXISTS: the planner drives the lookup from the member index instead of probing per group.
    private string MemberCondition(string memberId) =>
        $"t.id IN (SELECT m.group_id FROM group_members m WHERE m.directory = $dir AND m.member_id = {Add(memberId)})";

    private string Add(string? value)
    {
        var name = "$f" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add(new SqliteParameter(name, (object?)value ?? DBNull.Value));
        return name;
    }
}
