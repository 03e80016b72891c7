// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores;

/// <summary>
/// A small durable set of named documents for ScimSync's own settings: what an operator changes at run time (for
/// example in the operator console of <c>ScimSync.Admin</c>: connections, tokens, mapping policies), kept next to the
/// users and groups so it survives a restart and is shared by every instance of the host.
/// </summary>
/// <remarks>
/// Writes are optimistic: each document carries a version that every write increments, and a write names the version
/// it replaces, so two operators editing at once never overwrite each other silently. Documents are small (a few
/// kilobytes) and few (one per connection); implementations may read them all at once. Implementations are
/// thread-safe. Store packages register one with their store (<c>AddSqliteStore</c>, <c>UsePostgreSqlStore</c>,
/// <c>AddInMemoryStore</c>).
/// </remarks>
public interface IScimSettingsStore
{
    /// <summary>Reads every document.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The documents, in no particular order.</returns>
    /// <exception cref="ScimStoreUnavailableException">The store cannot be reached for now.</exception>
    ValueTask<IReadOnlyList<ScimSetting>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a document, if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <param name="key">The document's key (1 to 200 characters, case-sensitive).</param>
    /// <param name="value">The document (usually JSON).</param>
    /// <param name="expectedVersion">The version being replaced, or 0 to create a document that must not exist yet.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The document's new version, or <see langword="null"/> when its version is not <paramref name="expectedVersion"/> (nothing was written).</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or longer than 200 characters, or <paramref name="expectedVersion"/> is negative.</exception>
    /// <exception cref="ScimStoreUnavailableException">The store cannot be reached for now; nothing was written.</exception>
    ValueTask<long?> WriteAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document, if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <param name="key">The document's key.</param>
    /// <param name="expectedVersion">The version being deleted.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when it was deleted; <see langword="false"/> when it does not exist or has another version.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or longer than 200 characters.</exception>
    /// <exception cref="ScimStoreUnavailableException">The store cannot be reached for now; nothing was deleted.</exception>
    ValueTask<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default);
}

/// <summary>A document of an <see cref="IScimSettingsStore"/>.</summary>
/// <param name="Key">The document's key.</param>
/// <param name="Value">The document.</param>
/// <param name="Version">Its version: 1 when created, incremented by every write.</param>
public sealed record ScimSetting(string Key, string Value, long Version);
