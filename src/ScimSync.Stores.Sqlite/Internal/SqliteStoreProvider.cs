// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Hands out the stores of each directory of one database, creating each pair once.</summary>
internal sealed class SqliteStoreProvider(SqliteDatabase database, ScimSchemaRegistry registry, TimeProvider timeProvider, int maxScannedResources)
    : IScimStoreProvider
{
    private readonly ConcurrentDictionary<string, (SqliteUserStore Users, SqliteGroupStore Groups)> _stores = new(StringComparer.Ordinal);

    public SqliteDatabase Database { get; } = database;

    public IUserStore GetUserStore(string directory) => Get(directory).Users;

    public IGroupStore GetGroupStore(string directory) => Get(directory).Groups;

    internal SqliteUserStore GetSqliteUserStore(string directory) => Get(directory).Users;

    internal SqliteGroupStore GetSqliteGroupStore(string directory) => Get(directory).Groups;

    private (SqliteUserStore Users, SqliteGroupStore Groups) Get(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return _stores.GetOrAdd(directory, name => (
            new SqliteUserStore(Database, name, registry.User, FilterMatchers.For(registry.User), timeProvider, maxScannedResources),
            new SqliteGroupStore(Database, name, registry.Group, FilterMatchers.For(registry.Group), timeProvider, maxScannedResources)));
    }
}
