// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using ScimSync.Schema;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// Hands out the stores of any directory of one database: every table has a <c>directory</c> column, so directories
/// are isolated rows, not schemas, and need no provisioning.
/// </summary>
internal sealed class PostgreSqlStoreProvider : IScimStoreProvider, IAsyncDisposable
{
    /// <summary>The longest directory name accepted.</summary>
    public const int MaxDirectoryLength = 200;

    private readonly bool _ownsDatabase;
    private readonly ScimSchemaRegistry _schemas;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxScannedResources;
    private readonly ConcurrentDictionary<string, (PostgreSqlUserStore Users, PostgreSqlGroupStore Groups)> _stores = new(StringComparer.Ordinal);
    private int _disposed;

    public PostgreSqlStoreProvider(PostgreSqlDatabase database, bool ownsDatabase, ScimSchemaRegistry schemas, TimeProvider timeProvider, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(schemas);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        Database = database;
        _ownsDatabase = ownsDatabase;
        _schemas = schemas;
        _timeProvider = timeProvider;
        _maxScannedResources = options.MaxScannedResources;
    }

    public PostgreSqlDatabase Database { get; }

    public IUserStore GetUserStore(string directory) => Get(directory).Users;

    public IGroupStore GetGroupStore(string directory) => Get(directory).Groups;

    public async ValueTask DisposeAsync()
    {
        // The container may dispose it twice: once as itself and once as the IScimStoreProvider it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsDatabase)
        {
            await Database.DisposeAsync().ConfigureAwait(false);
        }
    }

    private (PostgreSqlUserStore Users, PostgreSqlGroupStore Groups) Get(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (directory.Length > MaxDirectoryLength)
        {
            throw new ArgumentException($"Directory names are at most {MaxDirectoryLength} characters.", nameof(directory));
        }

        return _stores.GetOrAdd(directory, d => (
            new PostgreSqlUserStore(Database, d, _schemas.User, _timeProvider, _maxScannedResources),
            new PostgreSqlGroupStore(Database, d, _schemas.Group, _timeProvider, _maxScannedResources)));
    }
}
