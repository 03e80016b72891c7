// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Server;

namespace ScimSync.Atlassian.State;

/// <summary>Which product user a ScimSync user is.</summary>
/// <param name="ScimId">The ScimSync user's id.</param>
/// <param name="Key">The product's stable key for the user.</param>
/// <param name="Username">The product username last written.</param>
public sealed record AtlassianUserLink(string ScimId, string Key, string Username);

/// <summary>A change waiting in a target's outbox: bring the product in line with one resource.</summary>
/// <param name="Sequence">The entry's position (entries are processed in this order).</param>
/// <param name="Kind">The resource type.</param>
/// <param name="ResourceId">The ScimSync id of the resource that changed.</param>
/// <param name="Attempts">How many times the entry has failed.</param>
/// <param name="LastError">The last failure, or <see langword="null"/>.</param>
public sealed record AtlassianOutboxEntry(long Sequence, ScimResourceKind Kind, string ResourceId, int Attempts, string? LastError);

/// <summary>
/// What a target must remember across restarts: which product user and group each ScimSync user and group is (so
/// that a rename in ScimSync renames in the product), and the outbox of changes not yet applied. The default
/// implementation is <see cref="SqliteAtlassianTargetState"/>; register another implementation to keep it elsewhere.
/// </summary>
public interface IAtlassianTargetState
{
    /// <summary>Reads a user's link.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="scimId">The ScimSync user's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The link, or <see langword="null"/> when the user has not been written to the product.</returns>
    ValueTask<AtlassianUserLink?> GetUserLinkAsync(string target, string scimId, CancellationToken cancellationToken);

    /// <summary>Writes (or, with a <see langword="null"/> key, removes) a user's link.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="scimId">The ScimSync user's id.</param>
    /// <param name="link">The link, or <see langword="null"/> to remove it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the link is durable.</returns>
    ValueTask SetUserLinkAsync(string target, string scimId, AtlassianUserLink? link, CancellationToken cancellationToken);

    /// <summary>Reads the product name of a ScimSync group.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="scimId">The ScimSync group's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The product group's name, or <see langword="null"/> when the group has not been written.</returns>
    ValueTask<string?> GetGroupNameAsync(string target, string scimId, CancellationToken cancellationToken);

    /// <summary>Writes (or, with <see langword="null"/>, removes) the product name of a ScimSync group.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="scimId">The ScimSync group's id.</param>
    /// <param name="name">The product group's name, or <see langword="null"/> to forget the group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the link is durable.</returns>
    ValueTask SetGroupNameAsync(string target, string scimId, string? name, CancellationToken cancellationToken);

    /// <summary>Lists the product names of every group the target manages.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The names.</returns>
    ValueTask<IReadOnlyCollection<string>> ListGroupNamesAsync(string target, CancellationToken cancellationToken);

    /// <summary>Appends an entry to a target's outbox.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="kind">The resource type.</param>
    /// <param name="resourceId">The ScimSync id of the resource that changed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry's sequence number, once it is durable.</returns>
    ValueTask<long> EnqueueAsync(string target, ScimResourceKind kind, string resourceId, CancellationToken cancellationToken);

    /// <summary>Reads the oldest entries of a target's outbox, in order (dead-lettered entries excluded).</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="max">The most entries to return.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<AtlassianOutboxEntry>> PeekAsync(string target, int max, CancellationToken cancellationToken);

    /// <summary>Removes an applied entry, or records a failure.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="sequence">The entry's sequence number.</param>
    /// <param name="failure">The failure, or <see langword="null"/> when the entry was applied (it is removed).</param>
    /// <param name="deadLetter">Whether the failure is permanent: the entry is kept for operators but no longer retried.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    ValueTask CompleteAsync(string target, long sequence, string? failure, bool deadLetter, CancellationToken cancellationToken);

    /// <summary>Lists dead-lettered entries (changes the product refused), oldest first.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<AtlassianOutboxEntry>> ListDeadLettersAsync(string target, CancellationToken cancellationToken);
}
