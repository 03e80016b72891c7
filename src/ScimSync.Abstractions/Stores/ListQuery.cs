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

    /// <summary>
    /// Gets the cursor for cursor-based paging (RFC 9865): <see langword="null"/> for index paging
    /// (<see cref="StartIndex"/>), the empty string for the first page, otherwise a
    /// <see cref="ListResult.NextCursor"/> or <see cref="ListResult.PreviousCursor"/> the same store returned. Cursor
    /// pages are stable while resources change: each resource that exists throughout is returned exactly once.
    /// </summary>
    /// <remarks>
    /// A store answers a cursor it did not issue with <see cref="Errors.ScimError.InvalidCursor"/>, and one it no
    /// longer honours with <see cref="Errors.ScimError.ExpiredCursor"/>, both as <see cref="StoreResult.Rejected{T}"/>.
    /// </remarks>
    public string? Cursor { get; init; }

    /// <summary>
    /// Gets the attributes the response will contain (<c>attributes</c>), or <see langword="null"/> for the defaults.
    /// A store may use it to load less; the server projects the response either way.
    /// </summary>
    public IReadOnlyList<AttributePath>? Attributes { get; init; }

    /// <summary>Gets the attributes the response will leave out (<c>excludedAttributes</c>), or <see langword="null"/>.</summary>
    public IReadOnlyList<AttributePath>? ExcludedAttributes { get; init; }
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
    bool SupportsSorting)
{
    /// <summary>Gets a value indicating whether the store honours <see cref="ListQuery.Cursor"/> (RFC 9865).</summary>
    public bool SupportsCursor { get; init; }

    /// <summary>Gets how long a cursor stays valid, or <see langword="null"/> when cursors do not expire.</summary>
    public TimeSpan? CursorTimeout { get; init; }
}
