// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite.Tests;

/// <summary>
/// Group commit: writes queued together share one transaction, each in its own savepoint. Batches are formed
/// deterministically here by holding the file's write gate while the writes queue.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly SqliteStoreFixture _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task ConcurrentCreates_QueuedWhileTheGateIsHeld_ShareAtMostTwoCommits()
    {
        await WarmUpAsync();
        var batchesBefore = _db.Provider.Database.Batcher.CommittedBatches;

        Task<StoreResult<StoredResource>>[] creates;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            creates = [.. Enumerable.Range(0, 20).Select(i => _db.Users.CreateAsync(SqliteStoreFixture.User($"user{i}"), CancellationToken.None).AsTask())];
            await Task.Delay(50);
            Assert.All(creates, c => Assert.False(c.IsCompleted));
        }

        var results = await Task.WhenAll(creates);

        Assert.All(results, r => Assert.Equal(StoreResultStatus.Success, r.Status));
        Assert.InRange(_db.Provider.Database.Batcher.CommittedBatches - batchesBefore, 1, 2);
        Assert.Equal(21, (await _db.Users.ListAsync(new ListQuery { Count = 100 }, CancellationToken.None)).Value!.TotalResults);
    }

    [Fact]
    public async Task BatchWithAConflict_RollsBackOnlyTheConflictingWrite()
    {
        await WarmUpAsync();
        Task<StoreResult<StoredResource>> first, duplicate, other;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            first = _db.Users.CreateAsync(SqliteStoreFixture.User("alice", externalId: "a-1"), CancellationToken.None).AsTask();
            duplicate = _db.Users.CreateAsync(WithEmail(SqliteStoreFixture.User("ALICE", externalId: "a-2"), "dup@example.com"), CancellationToken.None).AsTask();
            other = _db.Users.CreateAsync(SqliteStoreFixture.User("bob"), CancellationToken.None).AsTask();
            await Task.Delay(20);
        }

        Assert.Equal(StoreResultStatus.Success, (await first).Status);
        Assert.Equal(StoreResultStatus.Conflict, (await duplicate).Status);
        Assert.Equal(StoreResultStatus.Success, (await other).Status);

        // The refused write left nothing behind: no row, no email row, no count.
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM users WHERE external_id = 'a-2';"));
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM user_emails WHERE value_key = 'DUP@EXAMPLE.COM';"));
        Assert.Equal(3L, Scalar("SELECT count FROM resource_counts WHERE resource_table = 'users';"));
    }

    [Fact]
    public async Task WriteThatThrows_FailsAlone_AndTheOthersCommit()
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        Task<StoreResult<string>> good, bad;
        using (await SqliteDatabase.EnterWriteAsync(database.DatabasePath, CancellationToken.None))
        {
            good = database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "UPDATE users SET json = '{\"userName\":\"kept\"}' WHERE user_name_key = 'WARM-UP';"), CancellationToken.None);
            bad = database.WriteAsync<string>(async (c, t, ct) =>
            {
                await ExecuteAsync(c, t, "DELETE FROM users;");
                throw new InvalidOperationException("a bug in one write");
            }, CancellationToken.None);
            await Task.Delay(20);
        }

        Assert.Equal(StoreResultStatus.Success, (await good).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM users WHERE json LIKE '%kept%';"));
    }

    [Fact]
    public async Task TransientFailure_FailsTheWholeBatch_AndNothingIsApplied_ThenTheNextWriteSucceeds()
    {
        await WarmUpAsync();
        Task<StoreResult<StoredResource>> innocent;
        Task<StoreResult<string>> failing;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            // The two writes must share a batch. The loop takes the first write it sees into a batch of its own when it
            // wakes, so a blocker goes first: taken alone, it holds the loop at the gate while the two queue behind it.
            await HoldTheLoopAsync();
            innocent = _db.Users.CreateAsync(SqliteStoreFixture.User("carol"), CancellationToken.None).AsTask();
            failing = _db.Provider.Database.WriteAsync<string>((c, t, ct) => throw new SqliteException("disk I/O error", 10), CancellationToken.None);
            await Task.Delay(20);
        }

        // The store turns the database's failure into "unavailable" (503 with Retry-After at the server).
        await Assert.ThrowsAsync<ScimStoreUnavailableException>(() => innocent);
        await Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM users WHERE user_name_key = 'CAROL';"));

        var retry = await _db.Users.CreateAsync(SqliteStoreFixture.User("carol"), CancellationToken.None);
        Assert.Equal(StoreResultStatus.Success, retry.Status);
    }

    [Fact]
    public async Task RefusedMemberAdd_SharingABatch_IsRolledBackAlone()
    {
        await WarmUpAsync();
        var a = (await _db.Users.CreateAsync(SqliteStoreFixture.User("a"), CancellationToken.None)).Value!.Id;
        var b = (await _db.Users.CreateAsync(SqliteStoreFixture.User("b"), CancellationToken.None)).Value!.Id;
        var first = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("First"), CancellationToken.None)).Value!.Id;
        var second = (await _db.Groups.CreateAsync(SqliteStoreFixture.Group("Second"), CancellationToken.None)).Value!.Id;
        Task<StoreResult<StoredResource>> refused;
        Task<StoreResult<StoredResource>> kept;
        var batchesBefore = _db.Provider.Database.Batcher.CommittedBatches;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            // The refused add inserts its valid member's row before it finds the unknown one; its savepoint takes the
            // row back out, and the other add of the same transaction stays.
            await HoldTheLoopAsync();
            refused = _db.Groups.ModifyMembersAsync(first, [new GroupMember(a), new GroupMember("ghost")], [], null, CancellationToken.None).AsTask();
            kept = _db.Groups.ModifyMembersAsync(second, [new GroupMember(a), new GroupMember(b)], [], null, CancellationToken.None).AsTask();
            await Task.Delay(20);
        }

        Assert.Equal(StoreResultStatus.Rejected, (await refused).Status);
        Assert.True((await kept).IsSuccess);
        Assert.Equal(2L, _db.Provider.Database.Batcher.CommittedBatches - batchesBefore);
        Assert.Equal(0L, Scalar($"SELECT COUNT(*) FROM group_members WHERE group_id = '{first}';"));
        Assert.Equal(2L, Scalar($"SELECT COUNT(*) FROM group_members WHERE group_id = '{second}';"));
    }

    [Fact]
    public async Task WriteCancelledWhileQueued_IsNeverRun()
    {
        await WarmUpAsync();
        using var cancellation = new CancellationTokenSource();
        Task<StoreResult<StoredResource>> cancelled;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            // The first write is taken by the loop (which then waits for the gate); the second waits in the queue.
            var blocker = _db.Users.CreateAsync(SqliteStoreFixture.User("first"), CancellationToken.None).AsTask();
            await Task.Delay(50);
            cancelled = _db.Users.CreateAsync(SqliteStoreFixture.User("dave"), cancellation.Token).AsTask();
            await cancellation.CancelAsync();
            _ = blocker;
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM users WHERE user_name_key = 'DAVE';"));
    }

    [Fact]
    public async Task Batches_RunOnTheLoopsOwnConnection_WhosePageCacheStaysWarm()
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        var update = "UPDATE users SET version = version + 1 WHERE user_name_key = 'WARM-UP';";
        var first = await database.WriteAsync(async (c, t, ct) =>
        {
            await ExecuteAsync(c, t, update);
            return StoreResult.Success(c);
        }, CancellationToken.None);

        // Then every idle connection is lent out, as to concurrent reads: a writer taken from that pool would now be
        // another connection, whose cache SQLite empties because the file changed since its last transaction.
        var leases = new List<SqliteLease>();
        for (var i = 0; i < SqliteDatabase.MaxIdleConnections; i++)
        {
            leases.Add(await database.OpenAsync(CancellationToken.None));
        }

        try
        {
            var second = await database.WriteAsync(async (c, t, ct) =>
            {
                CacheMisses(c, reset: true);
                await ExecuteAsync(c, t, update);
                return StoreResult.Success((c, CacheMisses(c, reset: false)));
            }, CancellationToken.None);

            Assert.Same(first.Value, second.Value.Item1);
            Assert.DoesNotContain(leases, l => ReferenceEquals(l.Connection, second.Value.Item1));

            // The pages the update reads and writes were in the cache the batch before left.
            Assert.Equal(0, second.Value.Item2);
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AfterAFailedBatch_TheNextBatchRunsOnANewConnection()
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        var before = (await database.WriteAsync((c, t, ct) => Task.FromResult(StoreResult.Success(c)), CancellationToken.None)).Value!;

        await Assert.ThrowsAsync<SqliteException>(() => database.WriteAsync<string>((c, t, ct) => throw new SqliteException("disk I/O error", 10), CancellationToken.None));
        var after = (await database.WriteAsync((c, t, ct) => Task.FromResult(StoreResult.Success(c)), CancellationToken.None)).Value!;

        Assert.NotSame(before, after);
        Assert.NotEqual(System.Data.ConnectionState.Open, before.State);
        Assert.Equal(StoreResultStatus.Success, (await _db.Users.CreateAsync(SqliteStoreFixture.User("after"), CancellationToken.None)).Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UnderWritesThatNeverPause_CheckpointsRun_AndTheLogStaysBounded(bool inBackground)
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        var batcher = database.Batcher;
        batcher.CheckpointFrames = 50;
        batcher.InlineCheckpointFrames = 200;

        // Without the background (which tests cannot hold back otherwise), the loop's own checkpoints must do.
        batcher.CheckpointInBackground = inBackground;

        // Eight writers that never pause, each write a 16 KB row (five pages or so in the log): about 8,000 pages in all.
        var ids = Enumerable.Range(0, 8).Select(i => $"stream-{i}").ToArray();
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var i = 0; i < 200; i++)
            {
                var sql = $"INSERT OR REPLACE INTO setting_documents (key, value, version) VALUES ('{id}', hex(randomblob(8192)), {i});";
                Assert.Equal(StoreResultStatus.Success, (await database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, sql), CancellationToken.None)).Status);
            }
        }));

        Assert.InRange(batcher.Checkpoints, 5, long.MaxValue);

        // Without checkpoints the log would hold every page written; with SQLite's automatic one, 1,000 pages or more.
        // Here it starts over once it passes 200 pages and a checkpoint has copied it back.
        var walPages = new FileInfo(database.DatabasePath + "-wal").Length / 4096;
        Assert.InRange(walPages, 1, 600);
        Assert.Equal(8L, Scalar("SELECT COUNT(*) FROM setting_documents WHERE key LIKE 'stream-%' AND version = 199;"));
    }

    [Fact]
    public async Task WhileTheBackgroundCheckpointIsSlow_TheLoopWaitsForIt_OnceTheLogReachesTwiceItsLimit()
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        var batcher = database.Batcher;
        batcher.CheckpointFrames = 50;
        batcher.InlineCheckpointFrames = 200;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        batcher.BackgroundCheckpointStarting = () =>
        {
            started.TrySetResult();
            return finish.Task;
        };

        // 16 KB rows, five pages or so of log each: a few writes ask the background for a checkpoint, which then
        // takes as long as the test says.
        var version = 0;
        Task<StoreResult<string>> Write() => database.WriteAsync(
            (c, t, ct) => ExecuteAsync(c, t, $"INSERT OR REPLACE INTO setting_documents (key, value, version) VALUES ('slow', hex(randomblob(8192)), {version++});"),
            CancellationToken.None);
        while (!started.Task.IsCompleted)
        {
            Assert.Equal(StoreResultStatus.Success, (await Write()).Status);
        }

        // Past 200 pages the loop tries its own checkpoint after each commit; once the log may have reached 400, it
        // waits for the slow one instead of adding to the log (1,000 writes would be 5,000 pages), and the write it
        // holds up does not end.
        var checkpoints = batcher.Checkpoints;
        var write = Write();
        try
        {
            for (var i = 0; i < 1000 && batcher.CheckpointWaits == 0; i++)
            {
                while (!write.IsCompleted && batcher.CheckpointWaits == 0)
                {
                    await Task.Delay(5);
                }

                if (write.IsCompleted)
                {
                    Assert.Equal(StoreResultStatus.Success, (await write).Status);
                    write = Write();
                }
            }

            Assert.Equal(1, batcher.CheckpointWaits);
            Assert.Equal(checkpoints, batcher.Checkpoints);
            Assert.InRange(new FileInfo(database.DatabasePath + "-wal").Length / 4096, 300, 500);

            // When the slow one ends, the loop checkpoints the rest itself, and the write goes through.
            finish.TrySetResult();
            Assert.Equal(StoreResultStatus.Success, (await write).Status);
            Assert.InRange(batcher.Checkpoints, checkpoints + 2, long.MaxValue);
        }
        finally
        {
            // A failed assertion must not leave the background held: the store waits for it when disposed.
            finish.TrySetResult();
        }
    }

    // SQLITE_DBSTATUS_CACHE_MISS: pages the connection had to read from the file since the last reset.
    [Fact]
    public async Task AfterTheWritersFirstCommit_AWriteIsAcknowledgedOnlyOnceTheLogIsFlushed()
    {
        await WarmUpAsync();
        var batcher = _db.Provider.Database.Batcher;
        var flushes = batcher.LogSyncs;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        batcher.BeforeLogSync = () => release.Task;

        var create = _db.Users.CreateAsync(SqliteStoreFixture.User("held"), CancellationToken.None).AsTask();

        // Committed (another connection reads it) while its flush is held: not acknowledged yet.
        for (var i = 0; i < 500 && Scalar("SELECT COUNT(*) FROM users WHERE user_name_key = 'HELD';") == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM users WHERE user_name_key = 'HELD';"));
        await Task.Delay(50);
        Assert.False(create.IsCompleted);

        release.SetResult();
        Assert.Equal(StoreResultStatus.Success, (await create).Status);
        Assert.Equal(flushes + 1, batcher.LogSyncs);
    }

    [Theory]
    [InlineData(true, 1L)]
    [InlineData(false, 2L)]
    public async Task AfterItsFirstCommit_TheWriterCommitsWithoutSyncing_UnlessSyncsAreNotPipelined(bool pipelined, long synchronous)
    {
        var database = _db.Provider.Database;
        database.Batcher.PipelinedSyncs = pipelined;

        // The first commit that writes syncs itself (2, FULL); the commits after it leave the sync to the syncer (1, NORMAL).
        Assert.Equal(2L, (await database.WriteAsync(async (c, t, ct) => StoreResult.Success(await ScalarAsync(c, t, "PRAGMA synchronous;")), CancellationToken.None)).Value);
        await WarmUpAsync();
        var flushes = database.Batcher.LogSyncs;
        Assert.Equal(synchronous, (await database.WriteAsync(async (c, t, ct) => StoreResult.Success(await ScalarAsync(c, t, "PRAGMA synchronous;")), CancellationToken.None)).Value);
        Assert.Equal(pipelined ? flushes + 1 : 0L, database.Batcher.LogSyncs);

        // Connections lent to reads and other writers keep syncing every commit.
        await using var lease = await database.OpenAsync(CancellationToken.None);
        Assert.Equal(2L, await ScalarAsync(lease.Connection, null, "PRAGMA synchronous;"));
    }

    [Fact]
    public async Task AFailedFlush_FailsTheWritesItWasFor_AndTheNextWriteRunsOnANewWriterThatSyncsItself()
    {
        await WarmUpAsync();
        var database = _db.Provider.Database;
        var before = (await database.WriteAsync((c, t, ct) => Task.FromResult(StoreResult.Success(c)), CancellationToken.None)).Value!;
        database.Batcher.BeforeLogSync = () => throw new IOException("Input/output error");

        await Assert.ThrowsAsync<ScimStoreUnavailableException>(() => _db.Users.CreateAsync(SqliteStoreFixture.User("unflushed"), CancellationToken.None).AsTask());

        database.Batcher.BeforeLogSync = null;
        var after = await database.WriteAsync(async (c, t, ct) => StoreResult.Success((c, await ScalarAsync(c, t, "PRAGMA synchronous;"))), CancellationToken.None);
        Assert.NotSame(before, after.Value.Item1);
        Assert.Equal(2L, after.Value.Item2);
        Assert.Equal(StoreResultStatus.Success, (await _db.Users.CreateAsync(SqliteStoreFixture.User("flushed"), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task WritesQueuedWhenTheStoreShutsDown_AreCommittedFlushedAndAcknowledged()
    {
        await WarmUpAsync();
        var batcher = _db.Provider.Database.Batcher;
        var flushes = batcher.LogSyncs;

        Task<StoreResult<StoredResource>>[] creates;
        Task shutdown;
        using (await SqliteDatabase.EnterWriteAsync(_db.Provider.Database.DatabasePath, CancellationToken.None))
        {
            creates = [.. Enumerable.Range(0, 10).Select(i => _db.Users.CreateAsync(SqliteStoreFixture.User($"last{i}"), CancellationToken.None).AsTask())];
            shutdown = Task.Run(batcher.Dispose);

            // The loop waits at the gate held here until the shutdown has begun: the store takes no more writes.
            for (var i = 0; i < 1000; i++)
            {
                try
                {
                    _ = batcher.WriteAsync((c, t, ct) => Task.FromResult(StoreResult.Success(true)), CancellationToken.None);
                }
                catch (ObjectDisposedException)
                {
                    break;
                }

                await Task.Delay(10);
            }
        }

        // A guard against a hang (a syncer stopped before the loop's last batch), not an assertion about speed.
        await shutdown.WaitAsync(TimeSpan.FromMinutes(1));
        var results = await Task.WhenAll(creates).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.All(results, r => Assert.Equal(StoreResultStatus.Success, r.Status));
        Assert.True(batcher.LogSyncs > flushes);
        Assert.Equal(10L, Scalar("SELECT COUNT(*) FROM users WHERE user_name_key LIKE 'LAST%';"));
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int CacheMisses(SqliteConnection connection, bool reset)
    {
        Assert.Equal(0, SQLitePCL.raw.sqlite3_db_status(connection.Handle, 8, out var current, out _, reset ? 1 : 0));
        return current;
    }

    // Queues a write that the loop takes alone and then waits with at the gate the caller holds.
    private async Task HoldTheLoopAsync()
    {
        var batcher = _db.Provider.Database.Batcher;
        _ = _db.Provider.Database.WriteAsync((c, t, ct) => ExecuteAsync(c, t, "SELECT 1;"), CancellationToken.None);
        for (var i = 0; i < 500 && batcher.Queued > 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, batcher.Queued);

        // Taken off the queue; give the loop time to close its batch and reach the gate.
        await Task.Delay(50);
    }

    private static async Task<StoreResult<string>> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        return StoreResult.Success(sql);
    }

    private static System.Text.Json.Nodes.JsonObject WithEmail(System.Text.Json.Nodes.JsonObject user, string email)
    {
        user["emails"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["value"] = email, ["type"] = "work" });
        return user;
    }

    /// <summary>Creates the schema and the batcher's loop, so the tests hold the gate only around their own writes.</summary>
    private async Task WarmUpAsync() =>
        Assert.Equal(StoreResultStatus.Success, (await _db.Users.CreateAsync(SqliteStoreFixture.User("warm-up"), CancellationToken.None)).Status);

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
