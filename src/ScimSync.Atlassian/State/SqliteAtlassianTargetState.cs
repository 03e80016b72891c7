// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using ScimSync.Server;

namespace ScimSync.Atlassian.State;

/// <summary>
/// Keeps the targets' links and outboxes in one SQLite file (write-ahead log, synchronous commits: an acknowledged
/// change survives a crash).
/// </summary>
public sealed class SqliteAtlassianTargetState : IAtlassianTargetState, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS user_links (
            target TEXT NOT NULL, scim_id TEXT NOT NULL, product_key TEXT NOT NULL, username TEXT NOT NULL,
            PRIMARY KEY (target, scim_id));
        CREATE TABLE IF NOT EXISTS group_links (
            target TEXT NOT NULL, scim_id TEXT NOT NULL, name TEXT NOT NULL,
            PRIMARY KEY (target, scim_id));
        CREATE TABLE IF NOT EXISTS outbox (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, kind TEXT NOT NULL,
            resource_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NULL,
            dead INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS ix_outbox_target ON outbox (target, dead, sequence);
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Initializes a new instance of the <see cref="SqliteAtlassianTargetState"/> class.</summary>
    /// <param name="path">The database file; created with its directory when missing.</param>
    public SqliteAtlassianTargetState(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } directory)
        {
            System.IO.Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <inheritdoc/>
    public async ValueTask<AtlassianUserLink?> GetUserLinkAsync(string target, string scimId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT product_key, username FROM user_links WHERE target = $t AND scim_id = $i", ("$t", target), ("$i", scimId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AtlassianUserLink(scimId, reader.GetString(0), reader.GetString(1))
            : null;
    }

    /// <inheritdoc/>
    public ValueTask SetUserLinkAsync(string target, string scimId, AtlassianUserLink? link, CancellationToken cancellationToken) =>
        link is null
            ? WriteAsync("DELETE FROM user_links WHERE target = $t AND scim_id = $i", cancellationToken, ("$t", target), ("$i", scimId))
            : WriteAsync(
                "INSERT INTO user_links (target, scim_id, product_key, username) VALUES ($t, $i, $k, $u) ON CONFLICT (target, scim_id) DO UPDATE SET product_key = $k, username = $u",
                cancellationToken,
                ("$t", target),
                ("$i", scimId),
                ("$k", link.Key),
                ("$u", link.Username));

    /// <inheritdoc/>
    public async ValueTask<string?> GetGroupNameAsync(string target, string scimId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT name FROM group_links WHERE target = $t AND scim_id = $i", ("$t", target), ("$i", scimId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc/>
    public ValueTask SetGroupNameAsync(string target, string scimId, string? name, CancellationToken cancellationToken) =>
        name is null
            ? WriteAsync("DELETE FROM group_links WHERE target = $t AND scim_id = $i", cancellationToken, ("$t", target), ("$i", scimId))
            : WriteAsync(
                "INSERT INTO group_links (target, scim_id, name) VALUES ($t, $i, $n) ON CONFLICT (target, scim_id) DO UPDATE SET name = $n",
                cancellationToken,
                ("$t", target),
                ("$i", scimId),
                ("$n", name));

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyCollection<string>> ListGroupNamesAsync(string target, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT name FROM group_links WHERE target = $t", ("$t", target));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <inheritdoc/>
    public async ValueTask<long> EnqueueAsync(string target, ScimResourceKind kind, string resourceId, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(
                connection,
                "INSERT INTO outbox (target, kind, resource_id) VALUES ($t, $k, $i) RETURNING sequence",
                ("$t", target),
                ("$k", kind.ToString()),
                ("$i", resourceId));
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // The LIMITs are cast: SQLite's planner reads a bare parameter's value there and compiles the statement again
    // each time the parameter is bound, so every read compiled twice.

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<AtlassianOutboxEntry>> PeekAsync(string target, int max, CancellationToken cancellationToken) =>
        ReadEntriesAsync("SELECT sequence, kind, resource_id, attempts, last_error FROM outbox WHERE target = $t AND dead = 0 ORDER BY sequence LIMIT CAST($n AS INTEGER)", target, max, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<AtlassianOutboxEntry>> ListDeadLettersAsync(string target, CancellationToken cancellationToken) =>
        ReadEntriesAsync("SELECT sequence, kind, resource_id, attempts, last_error FROM outbox WHERE target = $t AND dead = 1 ORDER BY sequence LIMIT CAST($n AS INTEGER)", target, int.MaxValue, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CompleteAsync(string target, long sequence, string? failure, bool deadLetter, CancellationToken cancellationToken) =>
        failure is null
            ? WriteAsync("DELETE FROM outbox WHERE target = $t AND sequence = $s", cancellationToken, ("$t", target), ("$s", sequence))
            : WriteAsync(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $e, dead = $d WHERE target = $t AND sequence = $s",
                cancellationToken,
                ("$t", target),
                ("$s", sequence),
                ("$e", failure),
                ("$d", deadLetter ? 1 : 0));

    /// <inheritdoc/>
    public void Dispose()
    {
        _writeGate.Dispose();
        _schemaGate.Dispose();
    }

    private async ValueTask<IReadOnlyList<AtlassianOutboxEntry>> ReadEntriesAsync(string sql, string target, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, ("$t", target), ("$n", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AtlassianOutboxEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AtlassianOutboxEntry(
                reader.GetInt64(0),
                Enum.Parse<ScimResourceKind>(reader.GetString(1)),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    private async ValueTask WriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, sql, parameters);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragma = Command(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;"))
            {
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!_initialized)
            {
                await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!_initialized)
                    {
                        await using var schema = Command(connection, Schema);
                        await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        _initialized = true;
                    }
                }
                finally
                {
                    _schemaGate.Release();
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
