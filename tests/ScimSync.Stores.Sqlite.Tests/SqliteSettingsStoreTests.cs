// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// Runs the settings store contract against table <c>setting_documents</c> of a fresh SQLite file per test; the second
/// instance is another <see cref="SqliteDatabase"/> on the same file (its own group commit, as another process has).
/// </summary>
public sealed class SqliteSettingsStoreTests : ScimSettingsStoreContractTests, IDisposable
{
    private readonly SqliteStoreFixture _db = new();
    private readonly List<SqliteDatabase> _others = [];

    private static CancellationToken None => CancellationToken.None;

    public void Dispose()
    {
        foreach (var other in _others)
        {
            other.Dispose();
        }

        _db.Dispose();
    }

    [Fact]
    public async Task Reopen_NewProviderOnTheSameFile_ReadsEveryDocument()
    {
        await Store.WriteAsync("a", "a1", 0, None);
        await Store.WriteAsync("a", "a2", 1, None);
        await Store.WriteAsync("b", "b1", 0, None);

        _db.Reopen();
        var reopened = new SqliteSettingsStore(_db.Provider.Database, _db.Time);

        var all = (await reopened.ReadAllAsync(None)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([new ScimSetting("a", "a2", 2), new ScimSetting("b", "b1", 1)], all);
        Assert.Null(await reopened.WriteAsync("a", "stale", 1, None));
        Assert.Equal(3, await reopened.WriteAsync("a", "a3", 2, None));
    }

    [Fact]
    public async Task Write_RecordsTheTimeOfTheWrite()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        _db.Time.Advance(TimeSpan.FromMinutes(5));
        await Store.WriteAsync("k", "v2", 1, None);

        Assert.Equal("2026-01-02T03:09:05.0000000Z", Scalar("SELECT updated FROM setting_documents WHERE key = 'k';"));
    }

    [Fact]
    public async Task Open_SchemaVersionThreeDatabase_AddsTheSettingsTableAndKeepsResources()
    {
        var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User("bjensen"), None)).Value!;
        Execute(
            """
            DROP TABLE setting_documents;
            DROP TRIGGER tr_users_count_delete;
            DROP TRIGGER tr_groups_count_delete;
            ALTER TABLE resource_counts DROP COLUMN deletes;
            CREATE TRIGGER tr_users_count_delete AFTER DELETE ON users BEGIN
                UPDATE resource_counts SET count = count - 1 WHERE directory = OLD.directory AND resource_table = 'users';
            END;
            CREATE TRIGGER tr_groups_count_delete AFTER DELETE ON groups BEGIN
                UPDATE resource_counts SET count = count - 1 WHERE directory = OLD.directory AND resource_table = 'groups';
            END;
            DROP INDEX ix_group_members_member;
            CREATE INDEX ix_group_members_member ON group_members (directory, member_id);
            DELETE FROM schema_version WHERE version >= 4;
            """);

        _db.Reopen();
        var store = new SqliteSettingsStore(_db.Provider.Database, _db.Time);

        Assert.Empty(await store.ReadAllAsync(None));
        Assert.Equal(1, await store.WriteAsync("k", "v", 0, None));
        Assert.True((await _db.Users.GetAsync(user.Id, false, None)).IsSuccess);
        Assert.Equal((long)SqliteDatabase.SchemaVersion, Scalar("SELECT MAX(version) FROM schema_version;"));
        Assert.Equal(0L, Scalar("SELECT deletes FROM resource_counts WHERE directory = 'default' AND resource_table = 'users';"));
        Assert.Equal(6, SqliteDatabase.SchemaVersion);
    }

    [Fact]
    public async Task Writes_DatabaseLockedByAnotherWriter_ThrowUnavailableAndWriteNothing()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        using var database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = _db.DatabasePath, DefaultTimeout = 1 });
        var store = new SqliteSettingsStore(database, _db.Time);
        Assert.Single(await store.ReadAllAsync(None));

        using (var locker = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE;";
            begin.ExecuteNonQuery();

            var error = await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.WriteAsync("k", "blocked", 1, None));
            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.WriteAsync("new", "blocked", 0, None));
            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.DeleteAsync("k", 1, None));
            Assert.IsType<SqliteException>(error.InnerException);
            Assert.NotNull(error.RetryAfter);

            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        Assert.Equal(new ScimSetting("k", "v1", 1), Assert.Single(await store.ReadAllAsync(None)));
        Assert.Equal(2, await store.WriteAsync("k", "v2", 1, None));
    }

    [Fact]
    public async Task Writes_InterleavedWithResourceWrites_ShareTheGroupCommitAndAllLand()
    {
        var users = _db.Provider.GetUserStore("default");
        var writes = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? Task.Run(async () => (await users.CreateAsync(SqliteStoreFixture.User("user" + i), None)).IsSuccess)
            : Task.Run(async () => await Store.WriteAsync("k" + i, "v", 0, None) == 1)).ToList();

        Assert.All(await Task.WhenAll(writes), Assert.True);

        Assert.Equal(10, (await Store.ReadAllAsync(None)).Count);
        Assert.Equal(10, (await users.ListAsync(new ListQuery { Count = 0 }, None)).Value!.TotalResults);
        Assert.Equal(20, _db.Provider.Database.Batcher.CommittedWrites);
    }

    [Fact]
    public async Task AddSqliteStore_RegistersASettingsStoreOverTheStoresFile()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = _db.DatabasePath).AddSqliteStore(o => o.DatabasePath = _db.DatabasePath));
        await using var serviceProvider = services.BuildServiceProvider();

        var store = serviceProvider.GetRequiredService<IScimSettingsStore>();
        await store.WriteAsync("via-di", "v", 0, None);

        Assert.IsType<SqliteSettingsStore>(store);
        Assert.Single(services, d => d.ServiceType == typeof(IScimSettingsStore));
        Assert.Equal(new ScimSetting("via-di", "v", 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public void AddSqliteStore_AfterAnotherStorePackage_TakesOverTheSettingsToo()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScimProvisioning(scim => scim.AddInMemoryStore().AddSqliteStore(o => o.DatabasePath = _db.DatabasePath));
        using var serviceProvider = services.BuildServiceProvider();

        Assert.IsType<SqliteSettingsStore>(serviceProvider.GetRequiredService<IScimSettingsStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IScimSettingsStore));
    }

    [Fact]
    public void AddSqliteStore_HostRegisteredItsOwnSettingsStore_KeepsTheHosts()
    {
        var own = new SqliteSettingsStore(_db.Provider.Database, _db.Time);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IScimSettingsStore>(own);
        services.AddScimProvisioning(scim => scim.AddSqliteStore(o => o.DatabasePath = _db.DatabasePath));
        using var serviceProvider = services.BuildServiceProvider();

        Assert.Same(own, serviceProvider.GetRequiredService<IScimSettingsStore>());
    }

    protected override Task<IScimSettingsStore> CreateStoreAsync() =>
        Task.FromResult<IScimSettingsStore>(new SqliteSettingsStore(_db.Provider.Database, _db.Time));

    protected override Task<IScimSettingsStore?> OpenAnotherInstanceAsync()
    {
        var other = _db.Open();
        _others.Add(other);
        return Task.FromResult<IScimSettingsStore?>(new SqliteSettingsStore(other, _db.Time));
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
