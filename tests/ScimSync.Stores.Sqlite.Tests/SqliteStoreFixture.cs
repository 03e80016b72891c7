// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ScimSync.Filtering;
using ScimSync.Schema;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>A database in a fresh temporary directory, with user and group stores over it.</summary>
public sealed class SqliteStoreFixture : IDisposable
{
    private SqliteDatabase _database;

    public SqliteStoreFixture(int maxScannedResources = 10_000)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("scimsync-sqlite-").FullName;
        MaxScannedResources = maxScannedResources;
        _database = Open();
        Provider = CreateProvider(_database);
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "data", "scim.db");

    public int MaxScannedResources { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    internal SqliteStoreProvider Provider { get; private set; }

    internal IUserStore Users => Provider.GetUserStore("default");

    internal IGroupStore Groups => Provider.GetGroupStore("default");

    public static JsonObject User(string userName, string? externalId = null, string? title = null)
    {
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemas.User),
            ["userName"] = userName,
            ["active"] = true,
        };
        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        if (title is not null)
        {
            user["title"] = title;
        }

        return user;
    }

    public static JsonObject Group(string displayName, params string[] memberIds) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemas.Group),
        ["displayName"] = displayName,
        ["members"] = new JsonArray([.. memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id })]),
    };

    /// <summary>Closes every connection and opens the same file again, as a restarted process would.</summary>
    public void Reopen()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        _database = Open();
        Provider = CreateProvider(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    internal SqliteDatabase Open() => new(DatabasePath);

    private SqliteStoreProvider CreateProvider(SqliteDatabase database) => new(database, ScimSchemaRegistry.Default, Time, MaxScannedResources);
}
