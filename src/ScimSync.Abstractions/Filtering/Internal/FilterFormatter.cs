// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ScimSync.Patching;

namespace ScimSync.Filtering.Internal;

/// <summary>Writes the canonical text of a filter: lower-case operators, JSON strings, minimal parentheses.</summary>
internal static class FilterFormatter
{
    public static string Format(FilterNode node)
    {
        var builder = new StringBuilder(64);
        Write(builder, node);
        return builder.ToString();
    }

    public static void Write(StringBuilder builder, FilterNode node)
    {
        // Trees built in code may be arbitrarily deep; fail cleanly rather than overflow the stack.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case ComparisonNode comparison:
                WritePath(builder, comparison.Path);
                builder.Append(' ').Append(OperatorText(comparison.Operator)).Append(' ');
                WriteValue(builder, comparison.Value);
                break;
            case PresentNode present:
                WritePath(builder, present.Path);
                builder.Append(" pr");
                break;
            case LogicalNode logical:
                // Parsing is left-associative and "and" binds tighter than "or": parenthesize an "or" under an
                // "and", and any right operand that would otherwise re-associate to the left.
                var leftParens = logical.Operator == LogicalOperator.And &&
                                 logical.Left is LogicalNode { Operator: LogicalOperator.Or };
                var rightParens = logical.Right is LogicalNode right &&
                                  !(logical.Operator == LogicalOperator.Or && right.Operator == LogicalOperator.And);
                WriteOperand(builder, logical.Left, leftParens);
                builder.Append(logical.Operator == LogicalOperator.And ? " and " : " or ");
                WriteOperand(builder, logical.Right, rightParens);
                break;
            case NotNode not:
                builder.Append("not (");
                Write(builder, not.Operand);
                builder.Append(')');
                break;
            case ValuePathNode valuePath:
                WritePath(builder, valuePath.Path);
                builder.Append('[');
                Write(builder, valuePath.Filter);
                builder.Append(']');
                break;
            default:
                throw new ArgumentException($"Unknown filter node type {node.GetType()}.", nameof(node));
        }
    }

    public static void WritePath(StringBuilder builder, AttributePath path)
    {
        if (path.SchemaUri is not null)
        {
            builder.Append(path.SchemaUri).Append(':');
        }

        builder.Append(path.AttributeName);
        if (path.SubAttributeName is not null)
        {
            builder.Append('.').Append(path.SubAttributeName);
        }
    }

    public static string OperatorText(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "ne",
        ComparisonOperator.Contains => "co",
        ComparisonOperator.StartsWith => "sw",
        ComparisonOperator.EndsWith => "ew",
        ComparisonOperator.GreaterThan => "gt",
        ComparisonOperator.GreaterThanOrEqual => "ge",
        ComparisonOperator.LessThan => "lt",
        ComparisonOperator.LessThanOrEqual => "le",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static void WriteOperand(StringBuilder builder, FilterNode node, bool parens)
    {
        if (parens)
        {
            builder.Append('(');
        }

        Write(builder, node);
        if (parens)
        {
            builder.Append(')');
        }
    }

    private static void WriteValue(StringBuilder builder, FilterValue value)
    {
        switch (value.Kind)
        {
            case FilterValueKind.String:
                WriteJsonString(builder, value.Text ?? string.Empty);
                break;
            case FilterValueKind.Number:
                builder.Append(value.Number.ToString(CultureInfo.InvariantCulture));
                break;
            case FilterValueKind.Boolean:
                builder.Append(value.Boolean ? "true" : "false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteJsonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
