// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores;

/// <summary>
/// Persists resources of one type. Implementations enforce uniqueness and optimistic concurrency atomically and
/// report outcomes as <see cref="StoreResult{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// Resources arrive already validated and in canonical form, without <c>id</c> and <c>meta</c>. A
/// <c>expectedVersion</c> of <see langword="null"/> means "whatever the current version is".
/// </para>
/// <para>
/// A store instance serves one directory (see <see cref="IScimStoreProvider"/>). Outcomes a client can cause are
/// results; a store that cannot reach its database throws <see cref="ScimStoreUnavailableException"/>, which the
/// server answers with 503 and <c>Retry-After</c>. A failed write must leave nothing changed.
/// </para>
/// </remarks>
public interface IResourceStore
{
    /// <summary>Gets what the store can do natively.</summary>
    ResourceStoreCapabilities Capabilities { get; }

    /// <summary>Reads one resource.</summary>
    /// <param name="id">The resource id.</param>
    /// <param name="includeMembers">Whether to load group members (ignored for resources without members).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The resource, or not found.</returns>
    ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken);

    /// <summary>Lists resources matching a query, one page at a time.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page, or rejected (for example <c>tooMany</c> when a filter would scan too much).</returns>
    ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken);

    /// <summary>Creates a resource and assigns its id, version and timestamps.</summary>
    /// <param name="resource">The attributes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored resource, or a uniqueness conflict.</returns>
    ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken);

    /// <summary>Replaces every attribute of a resource.</summary>
    /// <param name="id">The resource id.</param>
    /// <param name="resource">The new attributes.</param>
    /// <param name="expectedVersion">The version the change is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored resource, not found, a conflict or a version mismatch.</returns>
    ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes a resource (and, for users, their group memberships).</summary>
    /// <param name="id">The resource id.</param>
    /// <param name="expectedVersion">The version the deletion is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Success with the deleted id, not found or a version mismatch.</returns>
    ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken);
}

/// <summary>Persists SCIM <c>User</c> resources.</summary>
public interface IUserStore : IResourceStore;

/// <summary>Persists SCIM <c>Group</c> resources, with a fast path for membership changes.</summary>
public interface IGroupStore : IResourceStore
{
    /// <summary>
    /// Adds and removes members of a group without rewriting the group: each change touches one membership row.
    /// Adding an existing member or removing a missing one is not an error.
    /// </summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="add">The members to add. Each must be an existing User or Group.</param>
    /// <param name="remove">The member ids to remove.</param>
    /// <param name="expectedVersion">The version the change is based on, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// The group after the change (without members), not found, a version mismatch, or rejected with
    /// <c>invalidValue</c> when a member to add does not exist.
    /// </returns>
    ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId,
        IReadOnlyCollection<GroupMember> add,
        IReadOnlyCollection<string> remove,
        string? expectedVersion,
        CancellationToken cancellationToken);

    /// <summary>Lists the members of a group one page at a time, in a stable order (by member id).</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="startIndex">The 1-based index of the first member to return.</param>
    /// <param name="count">The maximum number of members to return; 0 returns only the total.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page, or not found when the group does not exist.</returns>
    ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Lists the groups a user or group is a direct member of (the <c>groups</c> attribute of a User, RFC 7643 §4.1.2),
    /// ordered by group id.
    /// </summary>
    /// <param name="memberId">The member's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The groups; empty when the member is in none or does not exist.</returns>
    ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken);
}
