// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using ScimSync.Internal;

namespace ScimSync.Pull;

/// <summary>What a pull source remembers between runs.</summary>
/// <param name="UserCursor">The cursor the last complete run's user listing ended with, or <see langword="null"/>.</param>
/// <param name="GroupCursor">The cursor the last complete run's group listing ended with, or <see langword="null"/>.</param>
/// <param name="LastRun">When the last run finished.</param>
/// <param name="LastFullRun">When the last complete full run finished.</param>
/// <param name="RunsSinceFull">How many runs were made since the last complete full one.</param>
public sealed record PullSyncState(string? UserCursor, string? GroupCursor, DateTimeOffset? LastRun, DateTimeOffset? LastFullRun, int RunsSinceFull);

/// <summary>Keeps each pull source's <see cref="PullSyncState"/> between runs (and restarts).</summary>
public interface IPullStateStore
{
    /// <summary>Reads a connection's state.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/> before the first run.</returns>
    Task<PullSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default);

    /// <summary>Saves a connection's state.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the state is saved.</returns>
    Task SetAsync(string connection, PullSyncState state, CancellationToken cancellationToken = default);
}

/// <summary>Keeps the state in memory (tests, or hosts that run full syncs only).</summary>
public sealed class InMemoryPullStateStore : IPullStateStore
{
    private readonly ConcurrentDictionary<string, PullSyncState> _states = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<PullSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default) =>
        Task.FromResult(_states.TryGetValue(connection, out var state) ? state : null);

    /// <inheritdoc/>
    public Task SetAsync(string connection, PullSyncState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states[connection] = state;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Keeps each connection's state in a JSON file (<c>pull-sync-{connection}.json</c>) in a directory, written to a
/// temporary file and renamed over the old one, so a crash never leaves half a file. A file that cannot be read as
/// JSON counts as no state (the next run is full). The cursors are delta links, which carry no secret, but they do
/// name the tenant: keep the directory private to the host.
/// </summary>
public sealed class FilePullStateStore : IPullStateStore
{
    private readonly string _directory;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="directory">The directory; created when missing.</param>
    public FilePullStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
    }

    /// <inheritdoc/>
    public Task<PullSyncState?> GetAsync(string connection, CancellationToken cancellationToken = default) =>
        JsonStateFile.ReadAsync<PullSyncState>(JsonStateFile.PathOf(_directory, "pull-sync-", connection), cancellationToken);

    /// <inheritdoc/>
    public Task SetAsync(string connection, PullSyncState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonStateFile.WriteAsync(JsonStateFile.PathOf(_directory, "pull-sync-", connection), state, cancellationToken);
    }
}
