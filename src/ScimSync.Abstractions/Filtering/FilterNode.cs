// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;

namespace ScimSync.Filtering;

/// <summary>A node of a parsed SCIM filter (RFC 7644 §3.4.2.2). Immutable; equal by value.</summary>
public abstract record FilterNode
{
    private protected FilterNode()
    {
    }

    /// <summary>Dispatches to the matching method of <paramref name="visitor"/>.</summary>
    /// <typeparam name="T">The visitor's result type.</typeparam>
    /// <param name="visitor">The visitor.</param>
    /// <returns>The visitor's result.</returns>
    public abstract T Accept<T>(IFilterVisitor<T> visitor);

    /// <summary>Formats the filter as canonical SCIM filter text (see <see cref="ScimFilter.Format"/>).</summary>
    /// <returns>The filter text, which parses back to an equal tree.</returns>
    public sealed override string ToString() => ScimFilter.Format(this);
}

/// <summary>The comparison operators of RFC 7644 §3.4.2.2, table 3.</summary>
public enum ComparisonOperator
{
    /// <summary><c>eq</c>: equal.</summary>
    Equal,

    /// <summary><c>ne</c>: not equal.</summary>
    NotEqual,

    /// <summary><c>co</c>: contains.</summary>
    Contains,

    /// <summary><c>sw</c>: starts with.</summary>
    StartsWith,

    /// <summary><c>ew</c>: ends with.</summary>
    EndsWith,

    /// <summary><c>gt</c>: greater than.</summary>
    GreaterThan,

    /// <summary><c>ge</c>: greater than or equal to.</summary>
    GreaterThanOrEqual,

    /// <summary><c>lt</c>: less than.</summary>
    LessThan,

    /// <summary><c>le</c>: less than or equal to.</summary>
    LessThanOrEqual,
}

/// <summary>The logical operators of RFC 7644 §3.4.2.2, table 4 (<c>not</c> is <see cref="NotNode"/>).</summary>
public enum LogicalOperator
{
    /// <summary><c>and</c>: both match. Binds tighter than <c>or</c>.</summary>
    And,

    /// <summary><c>or</c>: either matches.</summary>
    Or,
}

/// <summary>An attribute compared with a value: <c>userName eq "bjensen"</c>.</summary>
/// <param name="Path">The attribute path (relative to the complex attribute inside a value path).</param>
/// <param name="Operator">The operator.</param>
/// <param name="Value">The comparison value.</param>
public sealed record ComparisonNode(AttributePath Path, ComparisonOperator Operator, FilterValue Value) : FilterNode
{
    /// <inheritdoc/>
    public override T Accept<T>(IFilterVisitor<T> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitComparison(this);
    }
}

/// <summary>A presence test: <c>title pr</c>.</summary>
/// <param name="Path">The attribute path.</param>
public sealed record PresentNode(AttributePath Path) : FilterNode
{
    /// <inheritdoc/>
    public override T Accept<T>(IFilterVisitor<T> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitPresent(this);
    }
}

/// <summary>Two filters joined with <c>and</c> or <c>or</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record LogicalNode(LogicalOperator Operator, FilterNode Left, FilterNode Right) : FilterNode
{
    /// <inheritdoc/>
    public override T Accept<T>(IFilterVisitor<T> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitLogical(this);
    }
}

/// <summary>A negated filter: <c>not (emails co "example.com")</c>.</summary>
/// <param name="Operand">The negated filter.</param>
public sealed record NotNode(FilterNode Operand) : FilterNode
{
    /// <inheritdoc/>
    public override T Accept<T>(IFilterVisitor<T> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitNot(this);
    }
}

/// <summary>
/// A complex value filter: <c>emails[type eq "work" and value co "@example.com"]</c>. Matches when at least one
/// value of the multi-valued (or the single complex) attribute matches <see cref="Filter"/>, whose paths are
/// relative to that attribute.
/// </summary>
/// <param name="Path">The complex attribute (no sub-attribute).</param>
/// <param name="Filter">The filter over the attribute's sub-attributes.</param>
public sealed record ValuePathNode(AttributePath Path, FilterNode Filter) : FilterNode
{
    /// <inheritdoc/>
    public override T Accept<T>(IFilterVisitor<T> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitValuePath(this);
    }
}

/// <summary>Visits <see cref="FilterNode"/> trees, for example to translate a filter into SQL or LDAP.</summary>
/// <typeparam name="T">The result type.</typeparam>
public interface IFilterVisitor<out T>
{
    /// <summary>Visits a comparison.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The result.</returns>
    T VisitComparison(ComparisonNode node);

    /// <summary>Visits a presence test.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The result.</returns>
    T VisitPresent(PresentNode node);

    /// <summary>Visits an <c>and</c> or <c>or</c>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The result.</returns>
    T VisitLogical(LogicalNode node);

    /// <summary>Visits a <c>not</c>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The result.</returns>
    T VisitNot(NotNode node);

    /// <summary>Visits a complex value filter.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The result.</returns>
    T VisitValuePath(ValuePathNode node);
}
