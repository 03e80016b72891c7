// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Pull;

/// <summary>
/// An identity provider's own API seen as a source of users and groups: what a pull connector (Microsoft Graph, Okta)
/// implements for <see cref="PullSynchronizer"/>. A source only reads; the engine decides what to write.
/// </summary>
/// <remarks>
/// <para>
/// Each read is given a <see cref="SourceRead"/>. Without a <see cref="SourceRead.Cursor"/> the source lists
/// everything in scope (and says so with <see cref="SourceRead.ListsEverything"/>); with one, it may list only what
/// changed since. When the listing ends, the source sets <see cref="SourceRead.NextCursor"/>; the engine stores it
/// only when the whole run completed, so a run that failed half way is repeated from the old cursor.
/// </para>
/// <para>
/// A failure to read (the API unreachable, throttled beyond the retries, credentials refused, an answer that cannot
/// be read) is thrown as <see cref="IdentitySourceException"/>: the engine then keeps what it applied, removes nobody
/// and keeps the old cursor.
/// </para>
/// </remarks>
public interface IIdentitySource
{
    /// <summary>Lists users: everything in scope, or what changed since <see cref="SourceRead.Cursor"/>.</summary>
    /// <param name="read">The read: its cursor in, the next cursor and completeness out.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The users, each once.</returns>
    /// <exception cref="IdentitySourceException">The listing failed.</exception>
    IAsyncEnumerable<SourceUser> ReadUsersAsync(SourceRead read, CancellationToken cancellationToken = default);

    /// <summary>Lists groups with their members: everything in scope, or what changed since <see cref="SourceRead.Cursor"/>.</summary>
    /// <param name="read">The read: its cursor in, the next cursor and completeness out.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The groups, each once.</returns>
    /// <exception cref="IdentitySourceException">The listing failed.</exception>
    IAsyncEnumerable<SourceGroup> ReadGroupsAsync(SourceRead read, CancellationToken cancellationToken = default);

    /// <summary>Looks one user up by login (user principal name, Okta login, or email) for a "test one user" check.</summary>
    /// <param name="login">The login as an operator typed it; the source escapes it.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The user as a sync would read it, or <see langword="null"/> when none has that login.</returns>
    /// <exception cref="IdentitySourceException">The lookup failed.</exception>
    Task<SourceUser?> FindUserAsync(string login, CancellationToken cancellationToken = default);
}

/// <summary>One listing of users or of groups: the cursor it starts from, and what the source reports back.</summary>
public sealed class SourceRead
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="cursor">The cursor the last complete run ended with, or <see langword="null"/> to list everything.</param>
    public SourceRead(string? cursor) => Cursor = cursor;

    /// <summary>Gets the cursor to read changes from, or <see langword="null"/> to list everything in scope.</summary>
    public string? Cursor { get; }

    /// <summary>
    /// Gets or sets the cursor the next run starts from (a Graph delta link, an Okta <c>lastUpdated</c> time). Set by
    /// the source when it has listed to the end; left <see langword="null"/> by a source that has no delta reads.
    /// </summary>
    public string? NextCursor { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether this listing named every user (or group) in scope, so that one not
    /// listed is gone from the identity provider. Only then, and only when the run completed, does the engine remove
    /// what was not seen. A delta listing leaves it <see langword="false"/> and reports removals itself.
    /// </summary>
    public bool ListsEverything { get; set; }
}

/// <summary>How a listed user was removed from the identity provider.</summary>
public enum SourceRemoval
{
    /// <summary>Not removed: the user is listed with its attributes.</summary>
    None,

    /// <summary>
    /// Removed but restorable (Entra ID's deleted items, for 30 days): the user is deactivated, and comes back when
    /// restored.
    /// </summary>
    SoftDeleted,

    /// <summary>Removed for good: the connection's lifecycle policy deletes or deactivates the user.</summary>
    Deleted,
}

/// <summary>A user as a source lists it.</summary>
public sealed class SourceUser
{
    /// <summary>Gets the identity provider's immutable id of the user (Entra object id, Okta user id); stored as <c>externalId</c>.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Gets the user as a SCIM resource (core schema, enterprise extension, <c>externalId</c> equal to
    /// <see cref="Id"/>, <c>active</c>), with every attribute the source maps present and JSON <c>null</c> where the
    /// identity provider has no value; <see langword="null"/> when <see cref="Removal"/> is not
    /// <see cref="SourceRemoval.None"/>.
    /// </summary>
    public JsonObject? Resource { get; init; }

    /// <summary>Gets how the user was removed, or <see cref="SourceRemoval.None"/>.</summary>
    public SourceRemoval Removal { get; init; }

    /// <summary>Gets the source's raw record (for "test one user": what the API answered), or <see langword="null"/>.</summary>
    public JsonObject? Raw { get; init; }
}

/// <summary>A group as a source lists it. Members are named by their users' <see cref="SourceUser.Id"/>.</summary>
public sealed class SourceGroup
{
    /// <summary>Gets the identity provider's immutable id of the group; stored as <c>externalId</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the group's display name; <see langword="null"/> only when <see cref="Removed"/>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets a value indicating whether the group was deleted in the identity provider.</summary>
    public bool Removed { get; init; }

    /// <summary>
    /// Gets every member of the group when the source read them all, or <see langword="null"/> when it only knows
    /// changes (<see cref="AddedMembers"/>, <see cref="RemovedMembers"/>).
    /// </summary>
    public IReadOnlyCollection<string>? Members { get; init; }

    /// <summary>Gets the members added since the cursor (used when <see cref="Members"/> is <see langword="null"/>).</summary>
    public IReadOnlyCollection<string> AddedMembers { get; init; } = [];

    /// <summary>Gets the members removed since the cursor (used when <see cref="Members"/> is <see langword="null"/>).</summary>
    public IReadOnlyCollection<string> RemovedMembers { get; init; } = [];
}

/// <summary>Why a source could not read.</summary>
public enum IdentitySourceErrorKind
{
    /// <summary>The API could not be reached, timed out, or answered 5xx after the retries.</summary>
    Unavailable,

    /// <summary>The API kept answering 429 beyond the retries.</summary>
    Throttled,

    /// <summary>The credentials were refused (401, 403, or the token endpoint refused the client).</summary>
    Unauthorized,

    /// <summary>The cursor is no longer valid (an expired delta token): the engine starts a full listing.</summary>
    CursorExpired,

    /// <summary>The API answered something the source cannot read, or refused the request (400, 404).</summary>
    InvalidResponse,
}

/// <summary>A source could not read; the run keeps what it applied, removes nobody and keeps its old cursor.</summary>
public sealed class IdentitySourceException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public IdentitySourceException()
        : this(IdentitySourceErrorKind.Unavailable, "The identity source could not be read.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What failed.</param>
    public IdentitySourceException(string message)
        : this(IdentitySourceErrorKind.Unavailable, message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public IdentitySourceException(string message, Exception innerException)
        : this(IdentitySourceErrorKind.Unavailable, message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="kind">Why the read failed.</param>
    /// <param name="message">What failed, in words an operator can act on (never a secret).</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    /// <param name="status">The HTTP status the API answered, or <see langword="null"/>.</param>
    public IdentitySourceException(IdentitySourceErrorKind kind, string message, Exception? innerException = null, int? status = null)
        : base(message, innerException)
    {
        Kind = kind;
        Status = status;
    }

    /// <summary>Gets why the read failed.</summary>
    public IdentitySourceErrorKind Kind { get; }

    /// <summary>Gets the HTTP status the API answered, or <see langword="null"/>.</summary>
    public int? Status { get; }
}
