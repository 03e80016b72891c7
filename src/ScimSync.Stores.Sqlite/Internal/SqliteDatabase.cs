// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Opens connections to one database file and creates or migrates its schema on first use.</summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>The schema version this code writes. Each entry of <see cref="s_migrations"/> moves one version up.</summary>
    public const int SchemaVersion = 6;

    // Append only: a shipped migration is never edited, so every database reaches the same shape.
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE users (
            id TEXT NOT NULL PRIMARY KEY,
            user_name_key TEXT NOT NULL,
            external_id TEXT NULL,
            version INTEGER NOT NULL,
            created TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE UNIQUE INDEX ux_users_user_name ON users (user_name_key);
        CREATE UNIQUE INDEX ux_users_external_id ON users (external_id);
        CREATE TABLE groups (
            id TEXT NOT NULL PRIMARY KEY,
            display_name_key TEXT NOT NULL,
            external_id TEXT NULL,
            version INTEGER NOT NULL,
            created TEXT NOT NULL,
            last_modified TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE INDEX ix_groups_display_name ON groups (display_name_key);
        CREATE UNIQUE INDEX ux_groups_external_id ON groups (external_id);
        CREATE TABLE group_members (
            group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
            member_id TEXT NOT NULL,
            member_type TEXT NULL,
            display TEXT NULL,
            PRIMARY KEY (group_id, member_id));
        CREATE INDEX ix_group_members_member ON group_members (member_id);
        """,

        // 2: directories (every unique key is per directory; existing rows join 'default', the server's directory
        // before connections), group display names unique ignoring case, and an email side table for Entra's and
        // Okta's lookups by address.
        """
        ALTER TABLE users ADD COLUMN directory TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE groups ADD COLUMN directory TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE group_members ADD COLUMN directory TEXT NOT NULL DEFAULT 'default';
        DROP INDEX ux_users_user_name;
        DROP INDEX ux_users_external_id;
        DROP INDEX ix_groups_display_name;
        DROP INDEX ux_groups_external_id;
        DROP INDEX ix_group_members_member;
        CREATE UNIQUE INDEX ux_users_user_name ON users (directory, user_name_key);
        CREATE UNIQUE INDEX ux_users_external_id ON users (directory, external_id);
        CREATE UNIQUE INDEX ux_groups_display_name ON groups (directory, display_name_key);
        CREATE UNIQUE INDEX ux_groups_external_id ON groups (directory, external_id);
        CREATE INDEX ix_group_members_member ON group_members (directory, member_id);
        CREATE TABLE user_emails (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            directory TEXT NOT NULL,
            type_key TEXT NULL,
            value_key TEXT NOT NULL);
        CREATE INDEX ix_user_emails_value ON user_emails (directory, value_key, type_key);
        CREATE INDEX ix_user_emails_user ON user_emails (user_id);
        INSERT INTO user_emails (user_id, directory, type_key, value_key)
            SELECT DISTINCT u.id, u.directory, scim_fold(json_extract(e.value, '$.type')), scim_fold(json_extract(e.value, '$.value'))
            FROM users u, json_each(u.json, '$.emails') e
            WHERE json_type(e.value, '$.value') = 'text';
        """,

        // 3: scale. An index on the directory alone walks a directory in rowid order (the default and cursor order)
        // without sorting the table, and per-directory counts kept by triggers in the writing transaction make the
        // total of an unfiltered list one row read instead of a count over a million rows.
        """
        CREATE INDEX ix_users_directory ON users (directory);
        CREATE INDEX ix_groups_directory ON groups (directory);
        CREATE TABLE resource_counts (
            directory TEXT NOT NULL,
            resource_table TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (directory, resource_table)) WITHOUT ROWID;
        INSERT INTO resource_counts (directory, resource_table, count) SELECT directory, 'users', COUNT(*) FROM users GROUP BY directory;
        INSERT INTO resource_counts (directory, resource_table, count) SELECT directory, 'groups', COUNT(*) FROM groups GROUP BY directory;
        CREATE TRIGGER tr_users_count_insert AFTER INSERT ON users BEGIN
            INSERT INTO resource_counts (directory, resource_table, count) VALUES (NEW.directory, 'users', 1)
            ON CONFLICT (directory, resource_table) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER tr_users_count_delete AFTER DELETE ON users BEGIN
            UPDATE resource_counts SET count = count - 1 WHERE directory = OLD.directory AND resource_table = 'users';
        END;
        CREATE TRIGGER tr_groups_count_insert AFTER INSERT ON groups BEGIN
            INSERT INTO resource_counts (directory, resource_table, count) VALUES (NEW.directory, 'groups', 1)
            ON CONFLICT (directory, resource_table) DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER tr_groups_count_delete AFTER DELETE ON groups BEGIN
            UPDATE resource_counts SET count = count - 1 WHERE directory = OLD.directory AND resource_table = 'groups';
        END;
        """,

        // 4: ScimSync's own settings documents (IScimSettingsStore), versioned for optimistic writes.
        """
        CREATE TABLE setting_documents (
            key TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL,
            version INTEGER NOT NULL,
            updated TEXT NULL);
        """,

        // 5: a per-directory count of deletions, kept by the same triggers. Rows only ever join the end of the default
        // (rowid) order, so positions in that order stay put until something is deleted: while this count holds still,
        // remembered positions (SqlitePageAnchors) stay true.
        """
        ALTER TABLE resource_counts ADD COLUMN deletes INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER tr_users_count_delete;
        DROP TRIGGER tr_groups_count_delete;
        CREATE TRIGGER tr_users_count_delete AFTER DELETE ON users BEGIN
            UPDATE resource_counts SET count = count - 1, deletes = deletes + 1 WHERE directory = OLD.directory AND resource_table = 'users';
        END;
        CREATE TRIGGER tr_groups_count_delete AFTER DELETE ON groups BEGIN
            UPDATE resource_counts SET count = count - 1, deletes = deletes + 1 WHERE directory = OLD.directory AND resource_table = 'groups';
        END;
        """,

        // 6: the index of memberships by member keeps the member's id alone. Every query through it names one member
        // (or a few) and compares the directory on the row; ids are the server's own, so an id has rows in one
        // directory. The directory in the index only made each entry longer, and every member added inserts one: with
        // the shorter entries the insert of a member add of 100 costs about a sixth less.
        """
        DROP INDEX ix_group_members_member;
        CREATE INDEX ix_group_members_member ON group_members (member_id);
        """,
    ];

    // One gate per file, shared by every store instance and directory that writes it (keyed by full path).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> s_writeGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly Lazy<SqliteWriteBatcher> _batcher;
    private volatile bool _initialized;
    private readonly string _connectionPragmas;
    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public SqliteDatabase(string databasePath, int cacheSizeMiB = DefaultCacheSizeMiB)
        : this(new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 30 }, cacheSizeMiB)
    {
    }

    public SqliteDatabase(SqliteConnectionStringBuilder connectionString, int cacheSizeMiB = DefaultCacheSizeMiB)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString.DataSource) ||
            connectionString.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase) ||
            connectionString.Mode is SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The SQLite store needs a database file ('Data Source=path/to/file.db').", nameof(connectionString));
        }

        DatabasePath = Path.GetFullPath(connectionString.DataSource);
        _connectionString = new SqliteConnectionStringBuilder(connectionString.ToString()) { DataSource = DatabasePath }.ToString();
        _batcher = new Lazy<SqliteWriteBatcher>(() => new SqliteWriteBatcher(this), LazyThreadSafetyMode.ExecutionAndPublication);

        // synchronous is per connection: FULL fsyncs the WAL on every commit, so an acknowledged write survives a power
        // loss (NORMAL could lose the last transactions). foreign_keys and the page cache are per connection too; a
        // negative cache_size is in KiB.
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheSizeMiB, 1);
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -{cacheSizeMiB * 1024L};");
    }

    /// <summary>The default of <see cref="SqliteStoreOptions.CacheSizeMiB"/>.</summary>
    public const int DefaultCacheSizeMiB = 32;

    public static SqliteDatabase FromOptions(SqliteStoreOptions options) =>
        options.ConnectionString is { Length: > 0 } connectionString
            ? new SqliteDatabase(new SqliteConnectionStringBuilder(connectionString), options.CacheSizeMiB)
            : new SqliteDatabase(options.DatabasePath, options.CacheSizeMiB);

    public string DatabasePath { get; }

    /// <summary>
    /// Waits until this process may write the file. SQLite admits one writer at a time and makes the others retry with
    /// sleeps (up to 100 ms each), which under concurrent provisioning turns into seconds of latency; queueing writers
    /// here hands the lock over without sleeping. Other processes still wait through SQLite's busy timeout.
    /// </summary>
    public ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken) => EnterWriteAsync(DatabasePath, cancellationToken);

    /// <summary>Waits until this process may write the file at <paramref name="fullPath"/> (see the instance overload).</summary>
    public static async ValueTask<IDisposable> EnterWriteAsync(string fullPath, CancellationToken cancellationToken)
    {
        var gate = s_writeGates.GetOrAdd(fullPath, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteGate(gate);
    }

    /// <summary>
    /// Runs a write in the file's group commit (see <see cref="SqliteWriteBatcher"/>): in a savepoint of a transaction
    /// shared with the writes queued at the same time, kept when its result is a success, acknowledged once committed.
    /// </summary>
    public Task<StoreResult<T>> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<StoreResult<T>>> work, CancellationToken cancellationToken) =>
        _batcher.Value.WriteAsync(work, cancellationToken);

    /// <summary>Gets the group commit of this file (for tests and diagnostics).</summary>
    internal SqliteWriteBatcher Batcher => _batcher.Value;

    /// <summary>
    /// The most open connections kept between uses. Each keeps the statements it has prepared (see
    /// <see cref="SqliteStatements"/>), so a connection handed out again runs them without compiling their SQL again.
    /// </summary>
    public const int MaxIdleConnections = 16;

    /// <summary>
    /// Lends an open connection, kept open between uses with its prepared statements and the per-connection settings
    /// (durable commits, foreign keys, page cache), so it serves reads and the group commit's writes alike.
    /// </summary>
    public async ValueTask<SqliteLease> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_idle.TryTake(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return new SqliteLease(this, idle);
        }

        return new SqliteLease(this, await OpenRawAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Opens a connection for the group commit to keep (its writer, its checkpoints), with the settings of the lent
    /// ones and its own, outside their pool. The caller closes it with <see cref="Discard"/>.
    /// </summary>
    internal async ValueTask<SqliteConnection> OpenOwnedAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // Each write of a batch runs in a savepoint, whose journal (the pages as they were before the write) SQLite keeps
        // in memory only up to 64 KiB and then writes to a temporary file it opens for the purpose. A write's pages are
        // bounded by the write (a member add of 100 touches a few dozen), so in memory they stay. The group commit asks
        // for checkpoints itself (see SqliteWriteBatcher), so a commit never runs one.
        return await OpenRawAsync(cancellationToken, " PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;").ConfigureAwait(false);
    }

    /// <summary>Closes a connection for good, rolling back a transaction it was left in.</summary>
    internal static void Discard(SqliteConnection connection)
    {
        if (connection.State == ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            Abandon(connection);
            return;
        }

        connection.Dispose();
    }

    /// <summary>Takes back a lent connection: kept for the next use when it is healthy and outside a transaction.</summary>
    internal void Return(SqliteConnection connection)
    {
        // A connection left inside a transaction (a failure before its rollback) or broken is not lent again. Its
        // transaction is rolled back first: Microsoft.Data.Sqlite's own pool would hand the handle out as it is.
        if (connection.State == ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            Abandon(connection);
            return;
        }

        if (_disposed || connection.State != ConnectionState.Open)
        {
            connection.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > MaxIdleConnections)
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
        if (_disposed)
        {
            CloseIdle();
        }
    }

    public void Dispose()
    {
        if (_batcher.IsValueCreated)
        {
            _batcher.Value.Dispose();
        }

        _disposed = true;
        CloseIdle();
        _initLock.Dispose();
    }

    private static void Abandon(SqliteConnection connection)
    {
        try
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // The handle must not go back to the driver's pool still inside its transaction.
            SqliteConnection.ClearPool(connection);
        }

        connection.Dispose();
    }

    private void CloseIdle()
    {
        while (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
        }
    }

    private async ValueTask<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken, string morePragmas = "")
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            using var pragma = connection.CreateCommand();
            pragma.CommandText = _connectionPragmas + morePragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            if (Path.GetDirectoryName(DatabasePath) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            var connection = await OpenRawAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                // The keys of case-insensitive columns are folded in .NET (SQLite's upper() folds only ASCII);
                // migrations that derive keys in SQL call this.
                connection.CreateFunction("scim_fold", (string? text) => text?.ToUpperInvariant(), isDeterministic: true);

                // WAL is a property of the file (it persists) and cannot be switched inside a transaction.
                await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
                    using var read = connection.CreateCommand();
                    read.Transaction = transaction;
                    read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
                    var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                    if (current > SchemaVersion)
                    {
                        throw new InvalidOperationException(
                            $"The database '{DatabasePath}' has schema version {current}, newer than this ScimSync version supports ({SchemaVersion}).");
                    }

                    for (var version = current + 1; version <= SchemaVersion; version++)
                    {
                        if (version == 2)
                        {
                            await EnsureGroupNamesUniqueAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                        }

                        await ExecuteAsync(connection, transaction, s_migrations[version - 1], cancellationToken).ConfigureAwait(false);
                        using var record = connection.CreateCommand();
                        record.Transaction = transaction;
                        record.CommandText = "INSERT INTO schema_version (version) VALUES ($version);";
                        record.Parameters.AddWithValue("$version", version);
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Refuses to migrate, naming the groups, when a version 1 database has two groups with one name.</summary>
    private async Task EnsureGroupNamesUniqueAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT display_name_key FROM groups GROUP BY display_name_key HAVING COUNT(*) > 1 ORDER BY 1 LIMIT 10;";
        var duplicates = new List<string>();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                duplicates.Add(reader.GetString(0));
            }
        }

        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database '{DatabasePath}' cannot be migrated to schema version 2: group display names must be unique (ignoring case), " +
                $"but several groups are named {string.Join(", ", duplicates.Select(d => $"'{d}'"))}. Rename or delete the duplicates with schema version 1, then start again.");
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class WriteGate(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
