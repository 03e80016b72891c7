// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// Unfiltered <c>startIndex</c> pages deep into a directory seek from remembered positions (SqlitePageAnchors): every
/// page must hold exactly the rows a plain <c>OFFSET</c> gives, before and after the anchors exist, after rows are
/// added and deleted, with another directory's rows interleaved.
/// </summary>
public sealed class SqlitePageAnchorTests : IDisposable
{
    private const int Stride = SqlitePageAnchors.Stride;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task DeepPages_FirstAndLaterRequests_HoldTheRowsOfTheDefaultOrder()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("first"), None);
        Seed(3 * Stride);

        foreach (var startIndex in new[] { Stride + 1, (2 * Stride) - 37, (3 * Stride) - 50 })
        {
            // The first deep page finds no anchors for the directory's state and steps over the rows; the second builds them.
            await AssertPageAsync(startIndex, 100);
            await AssertPageAsync(startIndex, 100);
        }

        await AssertPageAsync(1, 100);
        await AssertPageAsync((3 * Stride) + 2, 100);
    }

    [Fact]
    public async Task DeepPages_AfterCreatesAndDeletes_HoldTheRowsOfTheDefaultOrder()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("first"), None);
        Seed(3 * Stride);
        await AssertPageAsync(2500, 100);
        await AssertPageAsync(2500, 100);

        // Rows added after the anchors join the end of the order; the anchors hold and grow.
        for (var i = 0; i < 30; i++)
        {
            await _db.Users.CreateAsync(SqliteStoreFixture.User("late" + i), None);
        }

        await AssertPageAsync(2500, 100);
        await AssertPageAsync((3 * Stride) - 10, 100);

        // A deletion before the anchors shifts every position after it: the anchors are dropped and rebuilt.
        foreach (var id in Ids().Where((_, i) => i % 97 == 5).Take(12))
        {
            Assert.True((await _db.Users.DeleteAsync(id, null, None)).IsSuccess);
        }

        await AssertPageAsync(2500, 100);
        await AssertPageAsync(2500, 100);
        await AssertPageAsync(1200, 100);

        // Deleting rows of another directory changes nothing here.
        var other = _db.Provider.GetUserStore("other");
        var otherUser = (await other.CreateAsync(SqliteStoreFixture.User("first"), None)).Value!;
        Assert.True((await other.DeleteAsync(otherUser.Id, null, None)).IsSuccess);
        await AssertPageAsync(1500, 100);
    }

    [Fact]
    public async Task Find_SecondDeepRequestAtOneDeleteCount_SeeksWithinAStrideOfTheRow()
    {
        await _db.Users.CreateAsync(SqliteStoreFixture.User("first"), None);
        Seed(3 * Stride);
        var ids = Ids();
        var anchors = new SqlitePageAnchors("users", "default");
        using var connection = Connect();
        using var transaction = connection.BeginTransaction(deferred: true);

        Assert.Null(anchors.Find(connection, transaction, deletes: 0, offset: 10));
        Assert.Null(anchors.Find(connection, transaction, deletes: 0, offset: 2500));
        var seek = anchors.Find(connection, transaction, deletes: 0, offset: 2500);
        var again = anchors.Find(connection, transaction, deletes: 0, offset: 1200);
        var afterDelete = anchors.Find(connection, transaction, deletes: 1, offset: 2500);

        Assert.NotNull(seek);
        Assert.Equal(500, seek.Value.Skip);
        Assert.Equal(ids[2000], IdAt(connection, transaction, seek.Value.From));
        Assert.NotNull(again);
        Assert.Equal(200, again.Value.Skip);
        Assert.Equal(ids[1000], IdAt(connection, transaction, again.Value.From));
        Assert.Null(afterDelete);
    }

    private static string IdAt(SqliteConnection connection, SqliteTransaction transaction, long rowid)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM users WHERE rowid = $rowid;";
        command.Parameters.AddWithValue("$rowid", rowid);
        return (string)command.ExecuteScalar()!;
    }

    private async Task AssertPageAsync(int startIndex, int count)
    {
        var expected = Ids();
        var page = await _db.Users.ListAsync(new ListQuery { StartIndex = startIndex, Count = count }, None);

        Assert.True(page.IsSuccess);
        Assert.Equal(expected.Count, page.Value!.TotalResults);
        Assert.Equal(expected.Skip(startIndex - 1).Take(count), page.Value.Resources.Select(r => r.Id));
    }

    // The directory's ids in the default order, read directly: what a plain OFFSET pages through.
    private List<string> Ids()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM users WHERE directory = 'default' ORDER BY rowid;";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    // Users of two directories, interleaved, in one transaction (the counting triggers run as for the store's inserts).
    private void Seed(int perDirectory)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $count),
            d(directory) AS (VALUES ('default'), ('other'))
            INSERT INTO users (id, directory, user_name_key, external_id, version, created, last_modified, json)
            SELECT lower(hex(randomblob(16))), d.directory, 'SEED' || n.i, NULL, 1, '2026-01-02T03:04:05.0000000Z', '2026-01-02T03:04:05.0000000Z',
                   json_object('schemas', json_array('urn:ietf:params:scim:schemas:core:2.0:User'), 'userName', 'seed' || n.i)
            FROM n, d ORDER BY n.i, d.directory;
            """;
        command.Parameters.AddWithValue("$count", perDirectory);
        command.ExecuteNonQuery();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={_db.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }
}
