// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using ScimSync.Filtering;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// Matches top-level string comparisons, for testing the store's scan path independently of the core evaluator.
/// </summary>
internal static class TestMatcher
{
    public static bool Matches(FilterNode filter, JsonObject resource) => filter switch
    {
        LogicalNode { Operator: LogicalOperator.And } n => Matches(n.Left, resource) && Matches(n.Right, resource),
        LogicalNode n => Matches(n.Left, resource) || Matches(n.Right, resource),
        NotNode n => !Matches(n.Operand, resource),
        PresentNode n => resource[n.Path.AttributeName] is not null,
        ComparisonNode n => resource[n.Path.AttributeName]?.GetValue<string>() is { } text && n.Operator switch
        {
            ComparisonOperator.Equal => string.Equals(text, n.Value.Text, StringComparison.OrdinalIgnoreCase),
            ComparisonOperator.StartsWith => text.StartsWith(n.Value.Text!, StringComparison.OrdinalIgnoreCase),
            ComparisonOperator.Contains => text.Contains(n.Value.Text!, StringComparison.OrdinalIgnoreCase),
            _ => throw new NotSupportedException(n.Operator.ToString()),
        },
        _ => throw new NotSupportedException(filter.GetType().Name),
    };
}
