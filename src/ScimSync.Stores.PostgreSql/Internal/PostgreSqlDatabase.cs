// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// One PostgreSQL database: the connection pool, the schema (created and migrated on first use under an advisory lock)
/// and the policy that turns transient failures into <see cref="ScimStoreUnavailableException"/>.
/// </summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    /// <summary>The schema version this code writes. Each entry of <see cref="s_migrations"/> moves one version up.</summary>
    public const int SchemaVersion = 2;

    // Any constant works, as long as every ScimSync instance uses the same one: it serialises migrations only.
    private const long MigrationLockKey = 0x5C1D_5C1D_0001;

    // Append only: a shipped migration is never edited, so every database reaches the same shape.
    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE scimsync_users (
            directory text NOT NULL,
            id text NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            user_name text NOT NULL,
            user_name_key text NOT NULL,
            external_id text NULL,
            version bigint NOT NULL,
            created timestamptz NOT NULL,
            last_modified timestamptz NOT NULL,
            data jsonb NOT NULL,
            PRIMARY KEY (directory, id));
        CREATE UNIQUE INDEX scimsync_users_user_name_key ON scimsync_users (directory, user_name_key);
        CREATE UNIQUE INDEX scimsync_users_external_id_key ON scimsync_users (directory, external_id);
        CREATE UNIQUE INDEX scimsync_users_seq ON scimsync_users (directory, seq);
        CREATE TABLE scimsync_user_emails (
            directory text NOT NULL,
            user_id text NOT NULL,
            value_key text NULL,
            elem jsonb NOT NULL,
            FOREIGN KEY (directory, user_id) REFERENCES scimsync_users (directory, id) ON DELETE CASCADE);
        CREATE INDEX scimsync_user_emails_value ON scimsync_user_emails (directory, value_key);
        CREATE INDEX scimsync_user_emails_user ON scimsync_user_emails (directory, user_id);
        CREATE TABLE scimsync_groups (
            directory text NOT NULL,
            id text NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            display_name text NOT NULL,
            display_name_key text NOT NULL,
            external_id text NULL,
            version bigint NOT NULL,
            created timestamptz NOT NULL,
            last_modified timestamptz NOT NULL,
            data jsonb NOT NULL,
            PRIMARY KEY (directory, id));
        CREATE UNIQUE INDEX scimsync_groups_display_name_key ON scimsync_groups (directory, display_name_key);
        CREATE UNIQUE INDEX scimsync_groups_external_id_key ON scimsync_groups (directory, external_id);
        CREATE UNIQUE INDEX scimsync_groups_seq ON scimsync_groups (directory, seq);
        CREATE TABLE scimsync_group_members (
            directory text NOT NULL,
            group_id text NOT NULL,
            member_id text NOT NULL,
            member_type text NOT NULL,
            display text NULL,
            PRIMARY KEY (directory, group_id, member_id),
            FOREIGN KEY (directory, group_id) REFERENCES scimsync_groups (directory, id) ON DELETE CASCADE);
        CREATE INDEX scimsync_group_members_member ON scimsync_group_members (directory, member_id);
        CREATE TABLE scimsync_settings (name text PRIMARY KEY, value text NOT NULL);
        INSERT INTO scimsync_settings (name, value)
            VALUES ('cursor_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
        CREATE FUNCTION scimsync_present(v jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $fn$
        BEGIN
            IF v IS NULL THEN RETURN false; END IF;
            CASE jsonb_typeof(v)
                WHEN 'null' THEN RETURN false;
                WHEN 'string' THEN RETURN v <> '""'::jsonb;
                WHEN 'array' THEN RETURN EXISTS (SELECT 1 FROM jsonb_array_elements(v) AS x(e) WHERE scimsync_present(x.e));
                WHEN 'object' THEN RETURN EXISTS (SELECT 1 FROM jsonb_each(v) AS x(k, e) WHERE scimsync_present(x.e));
                ELSE RETURN true;
            END CASE;
        END $fn$;
        CREATE FUNCTION scimsync_instant(v jsonb) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $fn$
        BEGIN
            IF jsonb_typeof(v) IS DISTINCT FROM 'string' THEN RETURN NULL; END IF;
            RETURN (v #>> '{}')::timestamptz;
        EXCEPTION WHEN others THEN RETURN NULL;
        END $fn$;
        """,

        // 2: ScimSync's own settings documents (IScimSettingsStore), versioned for optimistic writes. Not to be
        // confused with scimsync_settings, the store's internal values (the cursor key).
        """
        CREATE TABLE scimsync_setting_documents (
            key text NOT NULL PRIMARY KEY,
            value text NOT NULL,
            version bigint NOT NULL,
            updated timestamptz NULL);
        """,
    ];

    private readonly bool _ownsDataSource;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile byte[]? _cursorKey;

    public PostgreSqlDatabase(NpgsqlDataSource dataSource, bool ownsDataSource, int maxRetries = 3)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        DataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        MaxRetries = maxRetries;
    }

    public NpgsqlDataSource DataSource { get; }

    public int MaxRetries { get; }

    /// <summary>Sees each list query before it runs (tests EXPLAIN the exact statement).</summary>
    internal Action<NpgsqlCommand>? ListCommandObserver { get; set; }

    /// <summary>The key that authenticates cursors, shared by every instance through the database.</summary>
    public byte[] CursorKey => _cursorKey ?? throw new InvalidOperationException("The database is not initialized.");

    public static PostgreSqlDatabase Create(string connectionString, int maxRetries = 3) =>
        new(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, maxRetries);

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection: again (on a new connection) after a serialization failure
    /// or deadlock, and as <see cref="ScimStoreUnavailableException"/> when the database cannot serve it. The work's
    /// own transaction is rolled back by disposal whenever it does not commit.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (_cursorKey is null)
                {
                    await InitializeAsync(cancellationToken).ConfigureAwait(false);
                }

                var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection).ConfigureAwait(false);
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected && attempt < MaxRetries)
            {
                // Retried from the start on a fresh snapshot; nothing of the aborted attempt was committed.
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                throw new ScimStoreUnavailableException("The PostgreSQL store is temporarily unavailable.", e) { RetryAfter = TimeSpan.FromSeconds(5) };
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _initLock.Dispose();
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ConfigurationLimitExceeded
            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.InsufficientResources
            || e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.IsTransient,
        NpgsqlException e => e.IsTransient || e.InnerException is IOException or SocketException or TimeoutException,
        TimeoutException or SocketException or IOException => true,
        _ => false,
    };

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cursorKey is not null)
            {
                return;
            }

            var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // Host instances starting together queue here; the second one finds the schema current.
                    await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection, transaction))
                    {
                        command.Parameters.AddWithValue("key", MigrationLockKey);
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using (var command = new NpgsqlCommand(
                        "CREATE TABLE IF NOT EXISTS scimsync_schema_version (version integer NOT NULL, applied timestamptz NOT NULL DEFAULT now()); " +
                        "SELECT COALESCE(MAX(version), 0) FROM scimsync_schema_version;",
                        connection,
                        transaction))
                    {
                        var current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                        if (current > SchemaVersion)
                        {
                            throw new InvalidOperationException(
                                $"The database has ScimSync schema version {current}, newer than this ScimSync version supports ({SchemaVersion}).");
                        }

                        for (var version = current + 1; version <= SchemaVersion; version++)
                        {
                            await using var migrate = new NpgsqlCommand(s_migrations[version - 1], connection, transaction);
                            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                            await using var record = new NpgsqlCommand("INSERT INTO scimsync_schema_version (version) VALUES (@version);", connection, transaction);
                            record.Parameters.AddWithValue("version", version);
                            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }

                    string key;
                    await using (var command = new NpgsqlCommand("SELECT value FROM scimsync_settings WHERE name = 'cursor_key';", connection, transaction))
                    {
                        key = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _cursorKey = Convert.FromHexString(key);
                }
            }
        }
        finally
        {
            _initLock.Release();
        }
    }
}
