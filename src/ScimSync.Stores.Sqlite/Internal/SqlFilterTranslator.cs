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

    public SqlFilterTranslator(SqliteTable table, string coreSchema)
    {
        _table = table;
        _coreSchema = coreSchema;
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

        return _table.HasMembers && IsMembersValue(node.Path) ? MemberCondition(text) : null;
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

    private static bool IsMembersValue(AttributePath path) =>
        string.Equals(path.AttributeName, "members", StringComparison.OrdinalIgnoreCase) &&
        string.Equals(path.SubAttributeName, "value", StringComparison.OrdinalIgnoreCase);

    private bool IsCore(AttributePath path) =>
        path.SchemaUri is null || string.Equals(path.SchemaUri, _coreSchema, StringComparison.OrdinalIgnoreCase);

    private string MemberCondition(string memberId) =>
        $"EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = t.id AND m.member_id = {Add(memberId)})";

    private string Add(string? value)
    {
        var name = "$f" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add(new SqliteParameter(name, (object?)value ?? DBNull.Value));
        return name;
    }
}
