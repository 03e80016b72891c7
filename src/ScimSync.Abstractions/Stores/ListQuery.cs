// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Filtering;
using ScimSync.Patching;

namespace ScimSync.Stores;

/// <summary>The sort direction of a list query.</summary>
/// <remarks>RFC 7644 §3.4.2.3.</remarks>
public enum SortOrder
{
    /// <summary>Ascending (the default).</summary>
    Ascending,

    /// <summary>Descending.</summary>
    Descending,
}

/// <summary>A list (query) request handed to a store: filter, sorting and paging, already parsed and validated.</summary>
/// <remarks>RFC 7644 §3.4.2. Paging is 1-based, as on the wire.</remarks>
public sealed record ListQuery
{
    /// <summary>Gets the filter, or <see langword="null"/> to list every resource.</summary>
    public FilterNode? Filter { get; init; }

    /// <summary>Gets the 1-based index of the first result to return.</summary>
    /// <value>Defaults to 1.</value>
    public int StartIndex { get; init; } = 1;

    /// <summary>Gets the maximum number of resources to return; 0 returns only the total.</summary>
    /// <value>Defaults to 100.</value>
    public int Count { get; init; } = 100;

    /// <summary>Gets the attribute to sort by, or <see langword="null"/> for the store's stable default order.</summary>
    public AttributePath? SortBy { get; init; }

    /// <summary>Gets the sort direction.</summary>
    /// <value>Defaults to <see cref="SortOrder.Ascending"/>.</value>
    public SortOrder SortOrder { get; init; } = SortOrder.Ascending;

    /// <summary>
    /// Gets a value indicating whether group members must be loaded. The server clears it when the response will not
    /// contain them (<c>excludedAttributes=members</c>), so large groups cost nothing.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool IncludeMembers { get; init; } = true;
}

/// <summary>What a store can do natively; the server advertises and plans with it.</summary>
/// <param name="PushedDownAttributes">
/// The attributes whose <c>eq</c> comparisons the store answers from an index (for example <c>userName</c>,
/// <c>members.value</c>). Other filters are evaluated over a bounded scan.
/// </param>
/// <param name="MaxScannedResources">
/// How many resources a filter that cannot be pushed down may examine before the store answers <c>tooMany</c>.
/// </param>
/// <param name="SupportsSorting">Whether the store honours <see cref="ListQuery.SortBy"/>.</param>
public sealed record ResourceStoreCapabilities(
    IReadOnlyList<string> PushedDownAttributes,
    int MaxScannedResources,
    bool SupportsSorting);
