// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using ScimSync.Schema;
using ScimSync.Stores.InMemory.Internal;

namespace ScimSync.Stores.InMemory;

/// <summary>
/// Keeps users, groups and memberships in memory, one isolated set per directory. Thread-safe; every operation of a
/// directory is atomic (uniqueness, versions and membership are checked and changed under one lock).
/// </summary>
/// <remarks>
/// Meant for tests, demos and development: nothing survives a restart. Filters are evaluated with
/// <see cref="Filtering.ScimFilterEvaluator"/> over every resource of the directory; cursors (RFC 9865) follow creation
/// order and never expire.
/// </remarks>
public sealed class InMemoryScimStoreProvider : IScimStoreProvider
{
    private readonly ConcurrentDictionary<string, InMemoryDirectory> _directories = new(StringComparer.Ordinal);
    private readonly ScimSchemaRegistry _registry;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new, empty provider.</summary>
    /// <param name="registry">The schemas (with the host's extensions), or <see langword="null"/> for <see cref="ScimSchemaRegistry.Default"/>.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryScimStoreProvider(ScimSchemaRegistry? registry = null, TimeProvider? timeProvider = null)
    {
        _registry = registry ?? ScimSchemaRegistry.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public IUserStore GetUserStore(string directory) => GetDirectory(directory).Users;

    /// <inheritdoc />
    public IGroupStore GetGroupStore(string directory) => GetDirectory(directory).Groups;

    private InMemoryDirectory GetDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return _directories.GetOrAdd(directory, static (_, self) => new InMemoryDirectory(self._registry, self._timeProvider), this);
    }
}
