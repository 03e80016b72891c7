// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// Group commit: runs the writes of one database file from a single loop, several per transaction, so that one
/// fsync acknowledges every write of a batch. With <c>synchronous=FULL</c> each commit waits for the disk (about 4 ms
/// on the machine of docs/performance.md), and one transaction per write capped the whole server at a few hundred
/// writes per second whatever the concurrency.
/// </summary>
/// <remarks>
/// <para>
/// Each write runs inside its own savepoint of the batch's transaction. A write whose result is not a success (a
/// conflict, a missing resource, a refused member) or that throws is rolled back to its savepoint alone, so it leaves
/// no trace and the other writes of the batch are unaffected. A write is acknowledged (its task completes) only once
/// it is on disk: after the batch's <c>COMMIT</c> and the flush of the log after it. When the commit itself fails, or
/// the connection breaks, every write of the batch fails with that error and none of them is applied.
/// </para>
/// <para>
/// Batches form by themselves: while one commit waits for the disk, the writes that arrive queue and make the next
/// batch. A lone write is committed at once, without waiting for company.
/// </para>
/// <para>
/// After the writer's first commit, which syncs itself, the loop does not wait for the disk: it commits with
/// <c>synchronous=NORMAL</c> (the log is written, not synced) and hands the batch to a syncer, which flushes the log
/// file and only then acknowledges the batch's writes. The loop meanwhile runs the next batch, so a batch's statements
/// and the previous batch's sync overlap. What is acknowledged is on disk as before; what changes is that another
/// connection can read a write up to one flush (about a millisecond) before it is acknowledged, and a crash in that
/// window loses a write no client was told had succeeded.
/// </para>
/// <para>
/// Checkpoints (copying the write-ahead log back into the database file, with two fsyncs) run beside the loop on a
/// connection of their own, not inside the commit that crosses SQLite's threshold, where they held up every write
/// queued behind it. Should the log still grow (the checkpoint cannot catch up with a loop that never pauses, so the
/// log never starts over), the loop checkpoints itself once, right after a commit; with no write in between, the next
/// transaction starts the log from its beginning. A checkpoint still running in the background is waited for once
/// the log may have reached twice the limit, so the log is bounded by a count of pages, however slow the disk.
/// </para>
/// </remarks>
internal sealed class SqliteWriteBatcher : IDisposable
{
    /// <summary>The most writes one transaction carries, so that one slow batch does not hold everyone.</summary>
    public const int MaxBatchSize = 64;

    // SQLITE_IOERR, the code a failed flush of the log fails its writes with (transient: the client may retry).
    private const int SqliteIoError = 10;

    // sqlite3_db_status: pages the connection has written to the log (the database file outside WAL mode).
    private const int SqliteDbStatusCacheWrite = 9;

    private readonly SqliteDatabase _database;
    private readonly Channel<WriteItem> _queue = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _committedBatches;
    private long _committedWrites;
    private int _queued;

    // The loop's own connection, kept from batch to batch; only the loop touches it. SQLite empties a connection's page
    // cache whenever another connection has written the file since its last transaction, so a writer taken from the
    // pool (whose connections serve reads in between) started most batches cold and read the B-tree pages it was
    // about to change back from the file. Kept by the loop, it is the only writer, and its cache stays warm.
    private SqliteConnection? _writer;

    private readonly Channel<bool> _checkpointRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _checkpointer;

    // One checkpoint at a time (two at once, the second fails as busy): the loop's takes its turn after the background's.
    private readonly SemaphoreSlim _checkpointing = new(1, 1);

    // The log's length is at most _logFrames (its length when the last checkpoint started) plus _framesNotCheckpointed
    // (the pages committed since that checkpoint started); both are settled when a checkpoint ends.
    private long _framesNotCheckpointed;
    private long _logFrames;
    private long _checkpoints;
    private long _checkpointWaits;

    // The batches committed without a sync, in commit order, for the syncer; the writer's log file once its commits
    // leave the sync to the syncer; and a failed flush, which the loop answers by starting over on a new writer.
    private readonly Channel<CommittedBatch> _syncs = Channel.CreateUnbounded<CommittedBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _syncer;
    private LogFile? _log;
    private volatile bool _syncFailed;
    private long _logSyncs;

    public SqliteWriteBatcher(SqliteDatabase database)
    {
        _database = database;
        _loop = Task.Run(RunAsync);
        _syncer = Task.Run(SyncAsync);
        _checkpointer = Task.Run(CheckpointAsync);
    }

    /// <summary>
    /// Gets or sets the pages written to the log after which a checkpoint is asked for (SQLite's own default for its
    /// automatic checkpoint). Settable for tests, before the first write.
    /// </summary>
    public int CheckpointFrames { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the length of the log, in pages, at which the loop checkpoints itself instead of leaving it to the
    /// background. Settable for tests, before the first write.
    /// </summary>
    public int InlineCheckpointFrames { get; set; } = 4000;

    /// <summary>Gets or sets whether checkpoints are asked of the background (tests turn it off to see the loop's own).</summary>
    public bool CheckpointInBackground { get; set; } = true;

    /// <summary>
    /// Gets or sets work the background runs before each of its checkpoints, while it holds the turn (for tests: a
    /// checkpoint held up as one on a slow disk would be).
    /// </summary>
    public Func<Task>? BackgroundCheckpointStarting { get; set; }

    /// <summary>
    /// Gets or sets whether the writer's commits, after its first, leave syncing the log to the syncer (on by default;
    /// tests turn it off to see every commit sync itself). Settable before the first write.
    /// </summary>
    public bool PipelinedSyncs { get; set; } = true;

    /// <summary>Gets or sets work the syncer runs before each flush of the log (for tests: a flush held up, or failing).</summary>
    public Func<Task>? BeforeLogSync { get; set; }

    /// <summary>Gets the number of flushes of the log the syncer has made (for tests).</summary>
    public long LogSyncs => Interlocked.Read(ref _logSyncs);

    /// <summary>Gets the number of times the loop waited for the background's checkpoint to run its own (for tests).</summary>
    public long CheckpointWaits => Interlocked.Read(ref _checkpointWaits);

    /// <summary>Gets the number of checkpoints run so far, in the background or by the loop (for tests).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Gets the number of transactions committed so far (for tests and diagnostics).</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Gets the number of writes queued and not yet taken into a batch (for tests).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Gets the number of writes committed so far.</summary>
    public long CommittedWrites => Interlocked.Read(ref _committedWrites);

    /// <summary>
    /// Queues a write and waits until it is committed (on disk) or rolled back. The work must not commit or roll back
    /// the transaction it is given; it returns a result whose status says whether its changes stay.
    /// </summary>
    public Task<StoreResult<T>> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<StoreResult<T>>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        cancellationToken.ThrowIfCancellationRequested();
        var item = new WriteItem<T>(work, cancellationToken);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(SqliteWriteBatcher), "The SQLite store is shutting down.");
        }

        return item.Task;
    }

    /// <summary>Stops taking writes; the writes already queued are still run.</summary>
    public void Dispose()
    {
        if (_queue.Writer.TryComplete())
        {
            // Queued writes finish (their callers are waiting for them); shutdown waits a bounded time only.
            _loop.Wait(TimeSpan.FromSeconds(30));
            _syncs.Writer.TryComplete();
            _syncer.Wait(TimeSpan.FromSeconds(30));
            _checkpointRequests.Writer.TryComplete();
            _checkpointer.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteItem>(MaxBatchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatchSize && reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _queued);
                if (item.CancellationToken.IsCancellationRequested)
                {
                    item.Cancel();
                }
                else
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
            }
        }

        // The queue is complete and drained: nothing runs on the connection any more.
        DropWriter();
    }

    private async Task RunBatchAsync(List<WriteItem> batch)
    {
        if (_syncFailed)
        {
            // A flush of the log failed: the writer starts over on a new connection, whose first commit syncs itself.
            _syncFailed = false;
            DropWriter();
        }

        SqliteConnection connection;
        try
        {
            connection = _writer ??= await _database.OpenOwnedAsync(CancellationToken.None).ConfigureAwait(false);
            using var gate = await _database.EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            foreach (var item in batch)
            {
                // A write runs without its caller's token: once started it belongs to the batch, and a cancelled
                // statement would fail the transaction of everyone else. The savepoint statements are kept ones
                // (SqliteTransaction.Save and Release compile theirs on every call, two or three per write).
                Execute(connection, transaction, "SAVEPOINT w;");
                var keep = await item.RunAsync(connection, transaction).ConfigureAwait(false);
                if (!keep)
                {
                    Execute(connection, transaction, "ROLLBACK TO w;");
                }

                Execute(connection, transaction, "RELEASE w;");
            }

            transaction.Commit();
        }
        catch (Exception e)
        {
            // Nothing of this batch reached the disk: every write in it fails with the cause. The connection may be
            // broken or still inside the transaction; the next batch opens a new one.
            DropWriter();
            foreach (var item in batch)
            {
                item.Fail(e);
            }

            return;
        }

        Interlocked.Increment(ref _committedBatches);
        Interlocked.Add(ref _committedWrites, batch.Count);
        _ = SQLitePCL.raw.sqlite3_db_status(connection.Handle, SqliteDbStatusCacheWrite, out var written, out _, 1);
        if (_log is { } log)
        {
            // Committed without waiting for the disk, and visible to reads already: acknowledged once the syncer's
            // next flush of the log, which starts after this commit returned, is done. The loop runs the next batch
            // meanwhile.
            _syncs.Writer.TryWrite(new CommittedBatch([.. batch], log));
        }
        else
        {
            // Committed with synchronous=FULL: on disk already.
            foreach (var item in batch)
            {
                item.Complete();
            }

            if (written > 0 && PipelinedSyncs)
            {
                OpenLog(connection);
            }
        }

        // A checkpoint the loop runs itself delays only the next batch.
        await AfterCommitAsync(connection, written).ConfigureAwait(false);
    }

    // After the writer's first commit that wrote to the log, with synchronous=FULL: SQLite has synced the log and, the
    // first time its handle of the log syncs, the directory that holds it. The log stays that file while the writer is
    // open (SQLite deletes it only when the last connection to the database closes). From then on the writer commits
    // with synchronous=NORMAL, which writes the log without syncing it, and the syncer flushes the file itself; a
    // flush of any handle of a file flushes everything written to it before. Where the log cannot be opened (another
    // journal mode or VFS), the writer keeps syncing every commit.
    private void OpenLog(SqliteConnection connection)
    {
        FileStream? stream = null;
        try
        {
            stream = new FileStream(_database.DatabasePath + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL;";
            command.ExecuteNonQuery();
            _log = new LogFile(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            stream?.Dispose();
        }
    }

    // Counts the pages the commit wrote to the log; once CheckpointFrames of them wait for a checkpoint, asks the
    // background for one (a request already pending absorbs the next ones). Once the log may have reached
    // InlineCheckpointFrames, checkpoints itself, or tries again after the next commit while the background's runs.
    private async Task AfterCommitAsync(SqliteConnection connection, long written)
    {
        var waiting = Interlocked.Add(ref _framesNotCheckpointed, written);
        var log = Interlocked.Read(ref _logFrames) + waiting;
        if (log < InlineCheckpointFrames)
        {
            if (waiting >= CheckpointFrames && CheckpointInBackground)
            {
                _checkpointRequests.Writer.TryWrite(true);
            }

            return;
        }

        // The background has fallen behind, or the log has not started over for a long while. Checkpointed now, with
        // no write in between, it is copied whole (unless a reader still needs its end), and the next transaction
        // starts it from its beginning. While the background's checkpoint runs, the next commit tries again; once the
        // log may have reached twice the limit, the loop waits for it (and the writes with it): the log stays bounded.
        if (!_checkpointing.Wait(0))
        {
            if (log < 2L * InlineCheckpointFrames)
            {
                return;
            }

            Interlocked.Increment(ref _checkpointWaits);
            await _checkpointing.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            RunCheckpoint(connection, byTheLoop: true);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // A checkpoint that fails leaves the log as it was: the next commit tries again, and a broken connection
            // fails the next batch, which then opens another.
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    private async Task CheckpointAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _checkpointRequests.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _checkpointRequests.Reader.TryRead(out _);
                await _checkpointing.WaitAsync().ConfigureAwait(false);
                try
                {
                    // A request made while the checkpoint before ran may find nothing left to do.
                    if (Interlocked.Read(ref _framesNotCheckpointed) < CheckpointFrames)
                    {
                        continue;
                    }

                    if (BackgroundCheckpointStarting is { } starting)
                    {
                        await starting().ConfigureAwait(false);
                    }

                    connection ??= await _database.OpenOwnedAsync(CancellationToken.None).ConfigureAwait(false);
                    RunCheckpoint(connection, byTheLoop: false);
                }
                catch (Exception)
                {
                    // Best effort, as the loop's own: a failed checkpoint leaves the log as it was, and the connection
                    // is replaced at the next request.
                    if (connection is not null)
                    {
                        SqliteDatabase.Discard(connection);
                        connection = null;
                    }
                }
                finally
                {
                    _checkpointing.Release();
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                SqliteDatabase.Discard(connection);
            }
        }
    }

    // PASSIVE: copies what it can without waiting for readers or blocking the writer. Records the log's length when
    // the checkpoint started, or 0 when the loop itself copied it whole (with no write after it, the next transaction
    // starts the log over), and takes the pages it saw waiting off the count: the pages committed since stay counted,
    // whether the checkpoint took them or not. A checkpoint that could not start (another connection's was running)
    // reports no length and changes nothing.
    private void RunCheckpoint(SqliteConnection connection, bool byTheLoop)
    {
        var seen = Interlocked.Read(ref _framesNotCheckpointed);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using (var reader = command.ExecuteReader())
        {
            if (reader.Read())
            {
                var (busy, log, copied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if (log >= 0)
                {
                    Interlocked.Exchange(ref _logFrames, byTheLoop && busy == 0 && log == copied ? 0 : log);
                    Interlocked.Add(ref _framesNotCheckpointed, -seen);
                }
            }
        }

        Interlocked.Increment(ref _checkpoints);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var statement = connection.Statement(sql, transaction);
        statement.Command.ExecuteNonQuery();
    }

    private void DropWriter()
    {
        if (_log is { } log)
        {
            // Closed by the syncer, once the batches committed through it are flushed.
            _log = null;
            _syncs.Writer.TryWrite(new CommittedBatch([], log, Retire: true));
        }

        if (_writer is { } writer)
        {
            _writer = null;
            SqliteDatabase.Discard(writer);
        }
    }

    private abstract class WriteItem(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Runs the work; returns whether its changes stay. A throwing work is recorded and rolled back.</summary>
        public abstract Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        public abstract void Cancel();
    }

    // Acknowledges the batches the loop committed without a sync: takes every one committed so far, flushes the log
    // once for them all, then completes their writes. Batches committed during a flush wait for the next, so flushes
    // group as commits do. A failed flush fails the writes it was for (committed, visible, perhaps not on disk: their
    // callers get the error a failed commit gives) and has the loop start over on a new writer.
    private async Task SyncAsync()
    {
        var reader = _syncs.Reader;
        var taken = new List<CommittedBatch>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            taken.Clear();
            while (reader.TryRead(out var committed))
            {
                taken.Add(committed);
            }

            Exception? failure = null;
            LogFile? flushed = null;
            foreach (var committed in taken)
            {
                if (committed.Writes.Length == 0 || ReferenceEquals(committed.Log, flushed))
                {
                    continue;
                }

                flushed = committed.Log;
                try
                {
                    if (BeforeLogSync is { } before)
                    {
                        await before().ConfigureAwait(false);
                    }

                    committed.Log.Flush();
                    Interlocked.Increment(ref _logSyncs);
                }
                catch (Exception e)
                {
                    failure ??= new SqliteException($"disk I/O error: the write-ahead log could not be synced ({e.Message})", SqliteIoError);
                    _syncFailed = true;
                }
            }

            foreach (var committed in taken)
            {
                foreach (var item in committed.Writes)
                {
                    if (failure is null)
                    {
                        item.Complete();
                    }
                    else
                    {
                        item.Fail(failure);
                    }
                }

                if (committed.Retire)
                {
                    committed.Log.Dispose();
                }
            }
        }
    }

    // A batch committed without a sync, or (Retire) the mark that the log file is no longer the writer's.
    private sealed record CommittedBatch(WriteItem[] Writes, LogFile Log, bool Retire = false);

    // The writer's log file, as this process opened it to flush it.
    private sealed class LogFile(FileStream stream) : IDisposable
    {
        public void Flush() => stream.Flush(flushToDisk: true);

        public void Dispose() => stream.Dispose();
    }

    private sealed class WriteItem<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<StoreResult<T>>> work, CancellationToken cancellationToken)
        : WriteItem(cancellationToken)
    {
        private readonly TaskCompletionSource<StoreResult<T>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private StoreResult<T>? _result;
        private Exception? _failure;

        public Task<StoreResult<T>> Task => _completion.Task;

        public override async Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                _result = await work(connection, transaction, CancellationToken.None).ConfigureAwait(false);
                return _result.Status == StoreResultStatus.Success;
            }
            catch (SqliteException e) when (SqliteFailures.IsTransient(e))
            {
                // The database itself is failing (disk full, I/O error): the transaction cannot be trusted.
                throw;
            }
            catch (Exception e)
            {
                _failure = e;
                return false;
            }
        }

        public override void Complete()
        {
            if (_failure is not null)
            {
                _completion.TrySetException(_failure);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void Fail(Exception exception) => _completion.TrySetException(exception);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
