// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Filtering;
using ScimSync.Internal;
using ScimSync.Schema;

namespace ScimSync.Patching;

/// <summary>
/// Interim evaluation of a PATCH value filter against one element of a multi-valued complex attribute, until the
/// filter branch's <c>ScimFilterEvaluator.MatchesValue</c> is merged; then this class is deleted.
/// </summary>
#pragma warning disable CA1822 // Instance method: the same shape as ScimFilterEvaluator, which replaces it.
internal sealed class InterimValueFilterMatcher
{
    public bool MatchesValue(FilterNode valueFilter, JsonNode value, ScimAttributeDefinition complexAttribute) => valueFilter switch
    {
        LogicalNode { Operator: LogicalOperator.And } n => MatchesValue(n.Left, value, complexAttribute) && MatchesValue(n.Right, value, complexAttribute),
        LogicalNode n => MatchesValue(n.Left, value, complexAttribute) || MatchesValue(n.Right, value, complexAttribute),
        NotNode n => !MatchesValue(n.Operand, value, complexAttribute),
        PresentNode n => Find(value, n.Path, complexAttribute, out _) is { } v && v.GetValueKind() != JsonValueKind.Null,
        ComparisonNode n => Compare(Find(value, n.Path, complexAttribute, out var sub), n.Operator, n.Value, sub?.CaseExact ?? false),
        _ => false,
    };

    private static JsonNode? Find(JsonNode value, AttributePath path, ScimAttributeDefinition attribute, out ScimAttributeDefinition? sub)
    {
        var name = path.SubAttributeName ?? path.AttributeName;
        sub = attribute.FindSubAttribute(name);
        return value is JsonObject obj ? obj.GetPropertyIgnoreCase(name) : null;
    }

    private static bool Compare(JsonNode? actual, ComparisonOperator op, FilterValue expected, bool caseExact)
    {
        if (actual is not JsonValue v)
        {
            return op == ComparisonOperator.NotEqual;
        }

        var kind = v.GetValueKind();
        int? order = null;
        if (kind == JsonValueKind.String && expected.Kind == FilterValueKind.String)
        {
            var text = v.GetValue<string>();
            var comparison = caseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            switch (op)
            {
                case ComparisonOperator.Contains:
                    return text.Contains(expected.Text!, comparison);
                case ComparisonOperator.StartsWith:
                    return text.StartsWith(expected.Text!, comparison);
                case ComparisonOperator.EndsWith:
                    return text.EndsWith(expected.Text!, comparison);
                default:
                    order = string.Compare(text, expected.Text, comparison);
                    break;
            }
        }
        else if (kind is JsonValueKind.True or JsonValueKind.False && expected.Kind == FilterValueKind.Boolean)
        {
            order = (kind == JsonValueKind.True) == expected.Boolean ? 0 : 1;
        }
        else if (kind == JsonValueKind.Number && expected.Kind == FilterValueKind.Number)
        {
            order = decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).CompareTo(expected.Number);
        }

        return order is { } o && op switch
        {
            ComparisonOperator.Equal => o == 0,
            ComparisonOperator.NotEqual => o != 0,
            ComparisonOperator.GreaterThan => o > 0,
            ComparisonOperator.GreaterThanOrEqual => o >= 0,
            ComparisonOperator.LessThan => o < 0,
            ComparisonOperator.LessThanOrEqual => o <= 0,
            _ => false,
        } || (order is null && op == ComparisonOperator.NotEqual);
    }
}
