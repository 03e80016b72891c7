// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Abstractions.Tests.Filtering;

/// <summary>Terse builders for expected filter trees in test tables.</summary>
internal static class FilterTree
{
    public const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    // Built by hand (not by the parser under test): URN up to the last ':', then name[.sub].
    public static AttributePath Path(string text)
    {
        string? uri = null;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            uri = text[..colon];
            text = text[(colon + 1)..];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new AttributePath(uri, text) : new AttributePath(uri, text[..dot], text[(dot + 1)..]);
    }

    public static ComparisonNode Eq(string path, string value) => Cmp(path, ComparisonOperator.Equal, value);

    public static ComparisonNode Cmp(string path, ComparisonOperator op, string value) =>
        new(Path(path), op, FilterValue.FromString(value));

    public static ComparisonNode Cmp(string path, ComparisonOperator op, FilterValue value) => new(Path(path), op, value);

    public static PresentNode Pr(string path) => new(Path(path));

    public static LogicalNode And(FilterNode left, FilterNode right) => new(LogicalOperator.And, left, right);

    public static LogicalNode Or(FilterNode left, FilterNode right) => new(LogicalOperator.Or, left, right);

    public static NotNode Not(FilterNode operand) => new(operand);

    public static ValuePathNode Vp(string path, FilterNode filter) => new(Path(path), filter);
}
