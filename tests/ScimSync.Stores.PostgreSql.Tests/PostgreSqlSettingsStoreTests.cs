// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimSync.Conformance;
using ScimSync.Stores.PostgreSql.Internal;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>
/// Runs the settings store contract against table <c>scimsync_setting_documents</c>: one database for the class, emptied before
/// each test; the second instance is another provider with its own connection pool, as another host instance has.
/// </summary>
/// <remarks>
/// The contract's tests are plain facts, so without <c>PG_CONNECTION_STRING</c> they fail with a message saying how
/// to run them (./test.sh starts PostgreSQL) rather than skip, as the store conformance suite does.
/// </remarks>
public sealed class PostgreSqlSettingsStoreTests(PostgresDatabaseFixture database) : ScimSettingsStoreContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken None => CancellationToken.None;

    [PostgresFact]
    public async Task Write_RecordsTheTimeOfTheWrite()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        database.Time.Advance(TimeSpan.FromMinutes(5));
        await Store.WriteAsync("k", "v2", 1, None);

        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT updated FROM scimsync_setting_documents WHERE key = 'k';", connection);
        Assert.Equal(database.Time.GetUtcNow(), new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!));
    }

    [PostgresFact]
    public async Task Open_SchemaVersionOneDatabase_AddsTheSettingsTableAndKeepsResources()
    {
        var provider = database.CreateProvider();
        var user = (await provider.GetUserStore("v1").CreateAsync(PostgresDatabaseFixture.User("bjensen"), None)).Value!;
        await ExecuteAsync("DELETE FROM scimsync_schema_version WHERE version = 2; DROP TABLE scimsync_setting_documents;");

        var upgraded = database.CreateProvider();
        var store = new PostgreSqlSettingsStore(upgraded.Database, database.Time);

        Assert.Empty(await store.ReadAllAsync(None));
        Assert.Equal(1, await store.WriteAsync("k", "v", 0, None));
        Assert.True((await upgraded.GetUserStore("v1").GetAsync(user.Id, false, None)).IsSuccess);
        Assert.Equal(2, PostgreSqlDatabase.SchemaVersion);
        Assert.Equal(PostgreSqlDatabase.SchemaVersion, await database.ScalarAsync("SELECT MAX(version) FROM scimsync_schema_version"));
    }

    [PostgresFact]
    public async Task Store_ServerUnreachable_ThrowsUnavailable()
    {
        var provider = database.CreateUnreachableProvider();
        var store = new PostgreSqlSettingsStore(provider.Database, database.Time);

        var error = await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.WriteAsync("k", "v", 0, None));
        Assert.NotNull(error.RetryAfter);
        await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.ReadAllAsync(None));
    }

    [PostgresFact]
    public async Task Write_LockTimeout_ThrowsUnavailableAndChangesNothing()
    {
        await Store.WriteAsync("k", "v1", 0, None);
        var provider = database.CreateProvider(connectionString: database.ConnectionString + ";Options=-c lock_timeout=300");
        var store = new PostgreSqlSettingsStore(provider.Database, database.Time);

        await using (var holder = await database.OpenAsync())
        await using (var transaction = await holder.BeginTransactionAsync())
        {
            await using var hold = new NpgsqlCommand("SELECT 1 FROM scimsync_setting_documents WHERE key = 'k' FOR UPDATE;", holder, transaction);
            await hold.ExecuteNonQueryAsync();

            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.WriteAsync("k", "blocked", 1, None));
            await Assert.ThrowsAsync<ScimStoreUnavailableException>(async () => await store.DeleteAsync("k", 1, None));
        }

        Assert.Equal(new ScimSetting("k", "v1", 1), Assert.Single(await store.ReadAllAsync(None)));
        Assert.Equal(2, await store.WriteAsync("k", "v2", 1, None));
    }

    [PostgresFact]
    public async Task UsePostgreSqlStore_RegistersASettingsStoreOverTheProvidersDatabase()
    {
        var services = new ServiceCollection();
        services.AddScimProvisioning(scim => scim.UsePostgreSqlStore(database.ConnectionString).UsePostgreSqlStore(database.ConnectionString));
        await using var serviceProvider = services.BuildServiceProvider();

        var store = Assert.IsType<PostgreSqlSettingsStore>(serviceProvider.GetRequiredService<IScimSettingsStore>());
        var provider = Assert.IsType<PostgreSqlStoreProvider>(serviceProvider.GetRequiredService<IScimStoreProvider>());

        Assert.Same(provider.Database, store.Database);
        Assert.Same(store, serviceProvider.GetRequiredService<IScimSettingsStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IScimSettingsStore));
        Assert.Equal(1, await store.WriteAsync("via-di", "v", 0, None));
        Assert.Equal(new ScimSetting("via-di", "v", 1), Assert.Single(await Store.ReadAllAsync(None)));
    }

    [Fact]
    public void AddPostgreSqlStore_HostRegisteredItsOwnSettingsStore_KeepsTheHosts()
    {
        var own = new NoSettings();
        var services = new ServiceCollection();
        services.AddSingleton<IScimSettingsStore>(own);
        services.AddScimProvisioning(scim => scim.UsePostgreSqlStore("Host=127.0.0.1;Database=unused"));
        using var serviceProvider = services.BuildServiceProvider();

        Assert.Same(own, serviceProvider.GetRequiredService<IScimSettingsStore>());
    }

    protected override async Task<IScimSettingsStore> CreateStoreAsync()
    {
        if (!PostgresDatabaseFixture.IsConfigured)
        {
            throw new InvalidOperationException(
                "PG_CONNECTION_STRING is not set: run ./test.sh (it starts PostgreSQL) or eng/postgres/start-postgres.sh and export the variable from its env file.");
        }

        var store = new PostgreSqlSettingsStore(database.CreateProvider().Database, database.Time);

        // The first use creates the schema; then the table is emptied, so each test starts from nothing.
        await store.ReadAllAsync(None);
        await ExecuteAsync("DELETE FROM scimsync_setting_documents;");
        return store;
    }

    protected override Task<IScimSettingsStore?> OpenAnotherInstanceAsync() =>
        Task.FromResult<IScimSettingsStore?>(new PostgreSqlSettingsStore(database.CreateProvider().Database, database.Time));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class NoSettings : IScimSettingsStore
    {
        public ValueTask<IReadOnlyList<ScimSetting>> ReadAllAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IReadOnlyList<ScimSetting>>([]);

        public ValueTask<long?> WriteAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

        public ValueTask<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
    }
}
