// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// The per-connection settings every read and write runs under (durable commits, foreign keys, the page cache), and
/// the connections and prepared statements the database keeps between uses.
/// </summary>
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
    public async Task LentConnection_IsDurable_WithForeignKeys_AndTheConfiguredPageCache(int? cacheSizeMiB, long expectedKiB)
    {
        var options = new SqliteStoreOptions { DatabasePath = Path.Combine(_directory, "settings.db") };
        if (cacheSizeMiB is { } size)
        {
            options.CacheSizeMiB = size;
        }

        using var database = SqliteDatabase.FromOptions(options);
        await using var lease = await database.OpenAsync(CancellationToken.None);
        var connection = lease.Connection;

        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;")); // FULL
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys;"));
        Assert.Equal(-expectedKiB, await ScalarAsync(connection, "PRAGMA cache_size;"));
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task AConnectionGivenBack_IsLentAgain_WithTheStatementsItPrepared()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "pool.db"));
        SqliteConnection first;
        SqliteCommand prepared;
        await using (var lease = await database.OpenAsync(CancellationToken.None))
        {
            first = lease.Connection;
            using var statement = lease.Connection.Statement("SELECT $x + 1;");
            statement.Command.Parameters.AddWithValue("$x", 41);
            Assert.Equal(42L, await statement.Command.ExecuteScalarAsync());
            prepared = statement.Command;
        }

        await using (var lease = await database.OpenAsync(CancellationToken.None))
        {
            Assert.Same(first, lease.Connection);
            using var statement = lease.Connection.Statement("SELECT $x + 1;");
            Assert.Same(prepared, statement.Command);
            Assert.Empty(statement.Command.Parameters);
            statement.Command.Parameters.AddWithValue("$x", 1);
            Assert.Equal(2L, await statement.Command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task TheSameStatementTwiceAtOnce_GetsTwoCommands()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "nested.db"));
        await using var lease = await database.OpenAsync(CancellationToken.None);
        using var outer = lease.Connection.Statement("SELECT 1;");
        using var inner = lease.Connection.Statement("SELECT 1;");

        Assert.NotSame(outer.Command, inner.Command);
        using var reader = await outer.Command.ExecuteReaderAsync();
        Assert.Equal(1L, await inner.Command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AConnectionGivenBackInsideATransaction_IsClosed_NotLentAgain()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "abandoned.db"));
        SqliteConnection abandoned;
        await using (var lease = await database.OpenAsync(CancellationToken.None))
        {
            abandoned = lease.Connection;
            using var begin = abandoned.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        Assert.Equal(System.Data.ConnectionState.Closed, abandoned.State);
        await using var next = await database.OpenAsync(CancellationToken.None);
        Assert.NotSame(abandoned, next.Connection);

        // Its write lock went with it: the next connection can write.
        using var write = next.Connection.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        await write.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task DisposingTheDatabase_ClosesTheConnectionsItKept()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "closed.db"));
        SqliteConnection kept;
        await using (var lease = await database.OpenAsync(CancellationToken.None))
        {
            kept = lease.Connection;
        }

        Assert.Equal(System.Data.ConnectionState.Open, kept.State);
        database.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, kept.State);
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

    [Fact]
    public async Task StatementsInsideBeginRead_SeeOneStateOfTheFile_AndTheConnectionLeavesItWhenDisposed()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "snapshot.db"));
        await using var reader = await database.OpenAsync(CancellationToken.None);
        await using var writer = await database.OpenAsync(CancellationToken.None);
        Assert.NotSame(reader.Connection, writer.Connection);
        await ScalarAsync(writer.Connection, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");

        using (reader.Connection.BeginRead())
        {
            Assert.Equal(1L, await ScalarAsync(reader.Connection, "SELECT COUNT(*) FROM t;"));

            // Committed by another connection between two statements of the read: the second does not see it.
            await ScalarAsync(writer.Connection, "INSERT INTO t VALUES (2);");
            Assert.Equal(1L, await ScalarAsync(reader.Connection, "SELECT COUNT(*) FROM t;"));
            Assert.Equal(0, SQLitePCL.raw.sqlite3_get_autocommit(reader.Connection.Handle));
        }

        Assert.Equal(1, SQLitePCL.raw.sqlite3_get_autocommit(reader.Connection.Handle));
        Assert.Equal(2L, await ScalarAsync(reader.Connection, "SELECT COUNT(*) FROM t;"));
    }

    [Fact]
    public async Task BeginRead_WhoseReadFails_StillEndsTheTransaction()
    {
        using var database = new SqliteDatabase(Path.Combine(_directory, "failed-read.db"));
        await using var lease = await database.OpenAsync(CancellationToken.None);

        await Assert.ThrowsAsync<SqliteException>(async () =>
        {
            using var snapshot = lease.Connection.BeginRead();
            await ScalarAsync(lease.Connection, "SELECT * FROM no_such_table;");
        });

        Assert.Equal(1, SQLitePCL.raw.sqlite3_get_autocommit(lease.Connection.Handle));
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
