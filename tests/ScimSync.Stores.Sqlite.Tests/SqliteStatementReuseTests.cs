// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;
using ScimSync.Stores.Sqlite.Internal;
using SQLitePCL;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// The statements a connection keeps run again without being compiled again, whatever values are bound to them: a
/// <c>LIMIT</c> given as a bare parameter made SQLite compile its page statements again on every run.
/// </summary>
public sealed class SqliteStatementReuseTests : IDisposable
{
    private const int SqliteStmtStatusReprepare = 5;
    private const int SqliteStmtStatusRun = 6;

    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task KeptPageStatements_RunAgainWithNewValues_WithoutBeingCompiledAgain()
    {
        // The operations below run one at a time, so they share the connection opened here, whose statements can then
        // be listed.
        await using (var lease = await _db.Provider.Database.OpenAsync(default))
        {
            lease.Connection.Handle!.enable_sqlite3_next_stmt(true);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await _db.Users.CreateAsync(SqliteStoreFixture.User($"user{i}"), default)).IsSuccess);
        }

        // Lookups that find one user and none, first pages of several sizes and orders, and cursor pages: the shapes
        // whose SQL carries a LIMIT, each run with new values.
        for (var round = 0; round < 4; round++)
        {
            await _db.Users.ListAsync(new ListQuery { Filter = SqliteUserStoreTests.Eq("userName", $"user{round % 3}") }, default);
            await _db.Users.ListAsync(new ListQuery { Filter = SqliteUserStoreTests.Eq("userName", $"nobody{round}") }, default);
            await _db.Users.ListAsync(new ListQuery { Count = 1 + round, StartIndex = 1 + (round % 2) }, default);
            await _db.Users.ListAsync(new ListQuery { Count = 1 + round, SortBy = new AttributePath(null, "userName") }, default);
            await _db.Users.ListAsync(new ListQuery { Count = 1 + round, Cursor = string.Empty }, default);
        }

        var (runs, reprepares) = await LimitStatementStatusAsync();

        Assert.True(runs >= 8, $"The page statements ran {runs} times on the kept connections; expected them kept and run again.");
        Assert.Equal(0, reprepares);
    }

    [Fact]
    public async Task TheGroupCommitsSavepoints_AreKeptStatements()
    {
        var database = _db.Provider.Database;
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await _db.Users.CreateAsync(SqliteStoreFixture.User($"saved{i}"), default)).IsSuccess);
        }

        // Asked from inside a write, on the loop's own connection: the savepoint of this write, the release and the
        // rollback of the writes before it (a conflict rolls back to its savepoint) ran as kept statements.
        Assert.Equal(StoreResultStatus.Conflict, (await _db.Users.CreateAsync(SqliteStoreFixture.User("saved0"), default)).Status);
        var kept = await database.WriteAsync((c, t, ct) => Task.FromResult(StoreResult.Success(
            (Savepoint: c.IsKept("SAVEPOINT w;"), Release: c.IsKept("RELEASE w;"), Rollback: c.IsKept("ROLLBACK TO w;")))), default);

        Assert.Equal((true, true, true), kept.Value);
    }

    [Fact]
    public async Task TheGroupsOfAUserInNoGroup_AreReadWithAKeptStatement()
    {
        await TrackStatementsAsync();
        var user = (await _db.Users.CreateAsync(SqliteStoreFixture.User("groupless"), default)).Value!;

        // The server asks the group store for every user read whose store derived no groups: a user in no group.
        for (var i = 0; i < 3; i++)
        {
            Assert.Empty(await _db.Groups.ListGroupsOfMemberAsync(user.Id, default));
        }

        var (runs, _) = await StatementStatusAsync(sql => sql.Contains("m.member_id = $id ORDER BY g.id", StringComparison.Ordinal));
        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task TheCountOfADeepPage_IsAKeptStatement()
    {
        // Pages past the first anchor stride start from an anchor and read the count the store keeps.
        await TrackStatementsAsync();
        for (var chunk = 0; chunk <= SqlitePageAnchors.Stride / 50; chunk++)
        {
            var creates = Enumerable.Range(chunk * 50, 50).Select(i => _db.Users.CreateAsync(SqliteStoreFixture.User($"deep{i}"), default).AsTask());
            Assert.All(await Task.WhenAll(creates), r => Assert.True(r.IsSuccess));
        }

        for (var i = 0; i < 3; i++)
        {
            var page = (await _db.Users.ListAsync(new ListQuery { StartIndex = SqlitePageAnchors.Stride + 1 + i, Count = 2 }, default)).Value!;
            Assert.Equal(SqlitePageAnchors.Stride + 50, page.TotalResults);
            Assert.Equal(2, page.Resources.Count);
        }

        var (runs, _) = await StatementStatusAsync(sql => sql.Contains("FROM resource_counts WHERE directory = $dir AND resource_table", StringComparison.Ordinal));
        Assert.Equal(3, runs);
    }

    // The operations of a test run one at a time, so they share the connection opened here, whose statements can then
    // be listed.
    private async Task TrackStatementsAsync()
    {
        await using var lease = await _db.Provider.Database.OpenAsync(default);
        lease.Connection.Handle!.enable_sqlite3_next_stmt(true);
    }

    // Sums, over the prepared statements of the database's idle connections whose SQL has a LIMIT, how often they ran
    // and how often SQLite compiled them again.
    private Task<(int Runs, int Reprepares)> LimitStatementStatusAsync() =>
        StatementStatusAsync(sql => sql.Contains("LIMIT", StringComparison.Ordinal));

    // The same over the statements whose SQL matches: a statement appears only while kept, since a disposed command
    // finalizes its statement.
    private async Task<(int Runs, int Reprepares)> StatementStatusAsync(Func<string, bool> matches)
    {
        var leases = new List<SqliteLease>();
        try
        {
            // Every idle connection (one, if the operations above did run one at a time) and one more that is new.
            for (var i = 0; i < 4; i++)
            {
                leases.Add(await _db.Provider.Database.OpenAsync(default));
            }

            var (runs, reprepares) = (0, 0);
            foreach (var lease in leases)
            {
                lease.Connection.Handle!.enable_sqlite3_next_stmt(true);
                for (var stmt = raw.sqlite3_next_stmt(lease.Connection.Handle, null); stmt is not null && !stmt.IsInvalid; stmt = raw.sqlite3_next_stmt(lease.Connection.Handle, stmt))
                {
                    if (matches(raw.sqlite3_sql(stmt).utf8_to_string()))
                    {
                        runs += raw.sqlite3_stmt_status(stmt, SqliteStmtStatusRun, 0);
                        reprepares += raw.sqlite3_stmt_status(stmt, SqliteStmtStatusReprepare, 0);
                    }
                }
            }

            return (runs, reprepares);
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }
    }
}
