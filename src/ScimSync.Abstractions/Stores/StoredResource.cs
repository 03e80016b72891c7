// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores;

/// <summary>
/// A resource as a store holds it: its id, its attributes in canonical form, and the metadata the store maintains.
/// </summary>
/// <remarks>
/// <see cref="Resource"/> holds neither <c>id</c> nor <c>meta</c>; the server writes both from the other properties
/// (RFC 7643 §3.1), so a store never has to keep <c>meta.location</c> in step with the base URL.
/// </remarks>
/// <param name="Id">The service provider's identifier.</param>
/// <param name="Resource">The attributes, in canonical form. Owned by the caller after it is returned.</param>
/// <param name="Version">An opaque version that changes on every modification (the ETag value without quotes).</param>
/// <param name="Created">When the resource was created.</param>
/// <param name="LastModified">When the resource was last modified.</param>
public sealed record StoredResource(string Id, JsonObject Resource, string Version, DateTimeOffset Created, DateTimeOffset LastModified);

/// <summary>One page of a list query.</summary>
/// <param name="Resources">The resources of the page, in order.</param>
/// <param name="TotalResults">How many resources match the filter in total, across all pages.</param>
public sealed record ListResult(IReadOnlyList<StoredResource> Resources, int TotalResults)
{
    /// <summary>
    /// Gets the opaque cursor of the next page when the query was cursor-paged (<see cref="ListQuery.Cursor"/> set)
    /// and more results follow; otherwise <see langword="null"/>.
    /// </summary>
    public string? NextCursor { get; init; }

    /// <summary>Gets the opaque cursor of the previous page of a cursor-paged query, when the store supports going back.</summary>
    public string? PreviousCursor { get; init; }
}

/// <summary>One page of a group's members.</summary>
/// <param name="Members">The members of the page, ordered by member id.</param>
/// <param name="TotalResults">How many members the group has.</param>
public sealed record MemberPage(IReadOnlyList<GroupMember> Members, int TotalResults);

/// <summary>A group a resource belongs to, for the <c>groups</c> attribute of a User (RFC 7643 §4.1.2).</summary>
/// <param name="Id">The group's id.</param>
/// <param name="DisplayName">The group's display name.</param>
public sealed record GroupReference(string Id, string? DisplayName);

/// <summary>A member of a group, as the group membership fast path and stores handle it.</summary>
/// <param name="Value">The member's id (a User or Group id).</param>
/// <param name="Type">The member's resource type (<c>User</c> or <c>Group</c>), when known.</param>
/// <param name="Display">A human-readable name, when known.</param>
public sealed record GroupMember(string Value, string? Type = null, string? Display = null);
