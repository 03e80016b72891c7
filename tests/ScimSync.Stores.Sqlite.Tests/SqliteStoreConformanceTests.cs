// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Conformance;
using ScimSync.Schema;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>Runs the store conformance suite against a fresh SQLite file per test.</summary>
public sealed class SqliteStoreConformanceTests : ScimStoreConformanceTests
{
    private string? _directory;

    protected override Task<IScimStoreProvider> CreateProviderAsync()
    {
        _directory = Directory.CreateTempSubdirectory("scimsync-conformance-").FullName;
        var database = new SqliteDatabase(Path.Combine(_directory, "scim.db"));
        return Task.FromResult<IScimStoreProvider>(new SqliteStoreProvider(database, ScimSchemaRegistry.Default, TimeProvider.System, 10_000));
    }

    protected override Task DisposeProviderAsync(IScimStoreProvider provider)
    {
        ((SqliteStoreProvider)provider).Database.Dispose();
        SqliteConnection.ClearAllPools();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
