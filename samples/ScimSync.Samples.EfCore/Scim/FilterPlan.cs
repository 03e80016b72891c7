// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Linq.Expressions;
using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>
/// How a list query runs: <see cref="Sql"/> narrows the rows in the database; when <see cref="NeedsScan"/>, the
/// narrowed rows (at most <see cref="ScimTablesOptions.MaxScannedRows"/>) are evaluated in memory against the whole filter.
/// </summary>
internal sealed record FilterPlan<T>(Expression<Func<T, bool>>? Sql, bool NeedsScan)
{
    /// <summary>
    /// Plans a filter with a translator that answers <see langword="null"/> for what it cannot translate: all of it
    /// in SQL, or the translatable operands of a top-level <c>and</c> in SQL and the rest in memory.
    /// </summary>
    public static FilterPlan<T> Create(FilterNode filter, Func<FilterNode, Expression<Func<T, bool>>?> translate)
    {
        if (Translate(filter, translate) is { } whole)
        {
            return new(whole, NeedsScan: false);
        }

        Expression<Func<T, bool>>? narrowing = null;
        foreach (var operand in Conjuncts(filter))
        {
            if (Translate(operand, translate) is { } part)
            {
                narrowing = narrowing is null ? part : Predicates.And(narrowing, part);
            }
        }

        return new(narrowing, NeedsScan: true);
    }

    /// <summary>Whether a filter path names an attribute of the core schema (or has no schema prefix).</summary>
    public static bool Is(AttributePath path, string coreSchema, string attribute, string? subAttribute = null) =>
        (path.SchemaUri is null || string.Equals(path.SchemaUri, coreSchema, StringComparison.OrdinalIgnoreCase))
        && string.Equals(path.AttributeName, attribute, StringComparison.OrdinalIgnoreCase)
        && string.Equals(path.SubAttributeName, subAttribute, StringComparison.OrdinalIgnoreCase);

    /// <summary>The string of an <c>eq</c> comparison, or <see langword="null"/> for other operators and values.</summary>
    public static string? EqualsText(FilterNode node, string coreSchema, string attribute, string? subAttribute = null) =>
        node is ComparisonNode { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } c
        && Is(c.Path, coreSchema, attribute, subAttribute)
            ? c.Value.Text
            : null;

    private static Expression<Func<T, bool>>? Translate(FilterNode node, Func<FilterNode, Expression<Func<T, bool>>?> translate)
    {
        if (node is LogicalNode logical)
        {
            var left = Translate(logical.Left, translate);
            var right = left is null ? null : Translate(logical.Right, translate);
            return left is null || right is null ? null
                : logical.Operator == LogicalOperator.And ? Predicates.And(left, right) : Predicates.Or(left, right);
        }

        // "not" is left to the evaluator: SQL's three-valued logic disagrees with SCIM's on absent values.
        return translate(node);
    }

    private static IEnumerable<FilterNode> Conjuncts(FilterNode node) =>
        node is LogicalNode { Operator: LogicalOperator.And } and
            ? Conjuncts(and.Left).Concat(Conjuncts(and.Right))
            : [node];
}
