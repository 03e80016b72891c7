// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using ScimSync.Internal;

namespace ScimSync.Ldap;

/// <summary>What a source remembers between runs.</summary>
/// <param name="HighWaterMark">The largest <c>uSNChanged</c> or <c>modifyTimestamp</c> seen by the last complete run, or <see langword="null"/>.</param>
/// <param name="LastRun">When the last run finished.</param>
/// <param name="LastFullRun">When the last complete full run finished.</param>
/// <param name="RunsSinceFull">How many runs were made since the last full one.</param>
public sealed record LdapSyncState(string? HighWaterMark, DateTimeOffset? LastRun, DateTimeOffset? LastFullRun, int RunsSinceFull);

/// <summary>Keeps each LDAP source's <see cref="LdapSyncState"/> between runs (and restarts).</summary>
public interface ILdapSyncStateStore
{
    /// <summary>Reads a connection's state.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/> before the first run.</returns>
    Task<LdapSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default);

    /// <summary>Saves a connection's state.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the state is saved.</returns>
    Task SetAsync(string connection, LdapSyncState state, CancellationToken cancellationToken = default);
}

/// <summary>Keeps the state in memory (tests, or hosts that run full syncs only).</summary>
public sealed class InMemoryLdapSyncStateStore : ILdapSyncStateStore
{
    private readonly ConcurrentDictionary<string, LdapSyncState> _states = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<LdapSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default) =>
        Task.FromResult(_states.TryGetValue(connection, out var state) ? state : null);

    /// <inheritdoc/>
    public Task SetAsync(string connection, LdapSyncState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states[connection] = state;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Keeps each connection's state in a JSON file (<c>ldap-sync-{connection}.json</c>) in a directory, written to a
/// temporary file and renamed over the old one, so a crash never leaves half a file. A file that cannot be read as
/// JSON counts as no state (the next run is full).
/// </summary>
public sealed class FileLdapSyncStateStore : ILdapSyncStateStore
{
    private readonly string _directory;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="directory">The directory; created when missing.</param>
    public FileLdapSyncStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
    }

    /// <inheritdoc/>
    public Task<LdapSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default) =>
        JsonStateFile.ReadAsync<LdapSyncState>(JsonStateFile.PathOf(_directory, "ldap-sync-", connection), cancellationToken);

    /// <inheritdoc/>
    public Task SetAsync(string connection, LdapSyncState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonStateFile.WriteAsync(JsonStateFile.PathOf(_directory, "ldap-sync-", connection), state, cancellationToken);
    }
}
