// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>The per-connection settings every write runs under: durable commits, foreign keys, the page cache.</summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimsync-settings-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(null, 32 * 1024)]
    [InlineData(7, 7 * 1024)]
    public async Task WriteConnection_IsDurable_WithForeignKeys_AndTheConfiguredPageCache(int? cacheSizeMiB, long expectedKiB)
    {
        var options = new SqliteStoreOptions { DatabasePath = Path.Combine(_directory, "settings.db") };
        if (cacheSizeMiB is { } size)
        {
            options.CacheSizeMiB = size;
        }

        using var database = SqliteDatabase.FromOptions(options);
        await using var connection = await database.OpenForWriteAsync(CancellationToken.None);

        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;")); // FULL
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys;"));
        Assert.Equal(-expectedKiB, await ScalarAsync(connection, "PRAGMA cache_size;"));
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100_000)]
    public void AddSqliteStore_RefusesACacheSizeOutOfRange(int cacheSizeMiB)
    {
        var services = new ServiceCollection()
            .AddScimProvisioning(s => s.AddSqliteStore(o =>
            {
                o.DatabasePath = Path.Combine(_directory, "refused.db");
                o.CacheSizeMiB = cacheSizeMiB;
            }))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);
        Assert.Contains("CacheSizeMiB", error.Message, StringComparison.Ordinal);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
