// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Atlassian.Products;

/// <summary>
/// The user and group administration ScimSync needs from one Atlassian product, over its REST API. One instance talks
/// to one product instance with one set of credentials.
/// </summary>
/// <remarks>
/// <para>
/// Every method either succeeds or throws <see cref="AtlassianProductException"/>; transient failures (no answer,
/// 5xx, 429) are retried by the <see cref="HttpClient"/>'s resilience pipeline before they surface as
/// <see cref="AtlassianErrorKind.Unavailable"/>. Operations are idempotent where the product allows it: adding an
/// existing member, removing a missing one, creating an existing group or deleting a missing one is not an error.
/// </para>
/// <para>
/// Usernames are matched as the products match them: case-insensitively. Lists include inactive users.
/// </para>
/// </remarks>
public abstract class AtlassianProductClient
{
    /// <summary>Gets the product this client talks to.</summary>
    public abstract AtlassianProduct Product { get; }

    /// <summary>
    /// Gets a value indicating whether the product can deactivate a user through its REST API. When it cannot,
    /// <see cref="SetActiveAsync"/> throws <see cref="NotSupportedException"/> and ScimSync revokes access by removing
    /// the user from every group instead (see the package documentation).
    /// </summary>
    public abstract bool CanDeactivateUsers { get; }

    /// <summary>Finds a user by username, active or not.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user, or <see langword="null"/> when the product has none with that name.</returns>
    public abstract Task<AtlassianUser?> FindUserAsync(string username, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a user in the product's default writable directory, active, with a random password the product never
    /// tells anyone (users sign in through SSO or the product's password reset), without notification email.
    /// </summary>
    /// <param name="user">The user's fields.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user as created.</returns>
    public abstract Task<AtlassianUser> CreateUserAsync(AtlassianUserData user, CancellationToken cancellationToken);

    /// <summary>
    /// Updates a user's display name and email and, when <see cref="AtlassianUserData.Name"/> differs from
    /// <paramref name="existing"/>'s name, renames the user (the key stays).
    /// </summary>
    /// <param name="existing">The user as the product holds it (from <see cref="FindUserAsync"/>).</param>
    /// <param name="user">The fields to write.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user after the update.</returns>
    public abstract Task<AtlassianUser> UpdateUserAsync(AtlassianUser existing, AtlassianUserData user, CancellationToken cancellationToken);

    /// <summary>Activates or deactivates a user.</summary>
    /// <param name="username">The username.</param>
    /// <param name="active">Whether the user may log in.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the product has applied the change.</returns>
    /// <exception cref="NotSupportedException"><see cref="CanDeactivateUsers"/> is <see langword="false"/>.</exception>
    public abstract Task SetActiveAsync(string username, bool active, CancellationToken cancellationToken);

    /// <summary>Deletes a user. A missing user is not an error.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the user is gone.</returns>
    public abstract Task DeleteUserAsync(string username, CancellationToken cancellationToken);

    /// <summary>Creates a group unless it exists.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the group was created, <see langword="false"/> when it existed.</returns>
    public abstract Task<bool> EnsureGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Deletes a group. A missing group is not an error.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the group is gone.</returns>
    public abstract Task DeleteGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Adds users to a group. Existing members are not an error; the group must exist.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="usernames">The usernames to add.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every user is a member.</returns>
    public abstract Task AddMembersAsync(string group, IReadOnlyCollection<string> usernames, CancellationToken cancellationToken);

    /// <summary>Removes a user from a group. A user who is not a member is not an error.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the user is not a member.</returns>
    public abstract Task RemoveMemberAsync(string group, string username, CancellationToken cancellationToken);

    /// <summary>Lists the usernames of a group's direct members, every page, inactive users included.</summary>
    /// <param name="group">The group name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The usernames.</returns>
    /// <exception cref="AtlassianProductException">With <see cref="AtlassianErrorKind.NotFound"/> when the group does not exist.</exception>
    public abstract Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken);

    /// <summary>Lists the names of the groups a user is a direct member of, every page.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The group names.</returns>
    /// <exception cref="AtlassianProductException">With <see cref="AtlassianErrorKind.NotFound"/> when the user does not exist.</exception>
    public abstract Task<IReadOnlyList<string>> ListGroupsOfUserAsync(string username, CancellationToken cancellationToken);
}
