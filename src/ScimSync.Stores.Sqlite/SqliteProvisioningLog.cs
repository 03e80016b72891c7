// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimSync.Policies;
using ScimSync.Provisioning;
using ScimSync.Stores.Sqlite.Internal;

namespace ScimSync.Stores.Sqlite;

/// <summary>
/// A durable <see cref="IProvisioningLog"/> in a SQLite table of its own, versioned apart from the store's schema.
/// Continuations are row sequence numbers.
/// </summary>
internal sealed class SqliteProvisioningLog : IProvisioningLog
{
    /// <summary>The version of the log's table this code writes; a newer database is refused.</summary>
    public const int SchemaVersion = 2;

    private const string Columns =
        "seq, timestamp, connection, identity_provider, operation, resource_type, resource_id, status, scim_type, changed_attributes, request_id, token_name, duration_us, decisions";

    private readonly string _connectionString;
    private readonly Lock _lock = new();
    private Task? _schema;

    public SqliteProvisioningLog(SqliteConnectionStringBuilder connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString.DataSource) ||
            connectionString.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase) ||
            connectionString.Mode is SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The SQLite provisioning log needs a database file ('Data Source=path/to/file.db').", nameof(connectionString));
        }

        DatabasePath = Path.GetFullPath(connectionString.DataSource);
        _connectionString = new SqliteConnectionStringBuilder(connectionString.ToString())
        {
            DataSource = DatabasePath,
        }.ToString();
    }

    public string DatabasePath { get; }

    public ValueTask AppendAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AppendRangeAsync([entry], cancellationToken);
    }

    /// <summary>Appends the entries in one transaction: all of them are recorded, or none.</summary>
    /// <param name="entries">The entries, oldest first.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are committed.</returns>
    public async ValueTask AppendRangeAsync(IReadOnlyList<ProvisioningLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Shares the store's writer queue for the file, so log writes never make store writes sleep on SQLite's lock.
            using var writer = await SqliteDatabase.EnterWriteAsync(DatabasePath, cancellationToken).ConfigureAwait(false);
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandText =
                        "INSERT INTO provisioning_log (timestamp, connection, identity_provider, operation, resource_type, resource_id, status, scim_type, changed_attributes, request_id, token_name, duration_us, decisions) " +
                        "VALUES ($timestamp, $connection, $idp, $operation, $type, $id, $status, $scimType, $changed, $requestId, $token, $duration, $decisions)";
                    foreach (var entry in entries)
                    {
                        ArgumentNullException.ThrowIfNull(entry, nameof(entries));

                        // One statement, prepared once, with the entry's values bound anew each time.
                        command.Parameters.Clear();
                        command.Parameters.AddWithValue("$timestamp", entry.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                        command.Parameters.AddWithValue("$connection", entry.Connection);
                        command.Parameters.AddWithValue("$idp", (object?)entry.IdentityProvider ?? DBNull.Value);
                        command.Parameters.AddWithValue("$operation", entry.Operation);
                        command.Parameters.AddWithValue("$type", (object?)entry.ResourceType ?? DBNull.Value);
                        command.Parameters.AddWithValue("$id", (object?)entry.ResourceId ?? DBNull.Value);
                        command.Parameters.AddWithValue("$status", entry.Status);
                        command.Parameters.AddWithValue("$scimType", (object?)entry.ScimType ?? DBNull.Value);

                        // Attribute paths never contain a line break, so one joins them losslessly.
                        command.Parameters.AddWithValue("$changed", string.Join('\n', entry.ChangedAttributes));
                        command.Parameters.AddWithValue("$requestId", (object?)entry.RequestId ?? DBNull.Value);
                        command.Parameters.AddWithValue("$token", (object?)entry.TokenName ?? DBNull.Value);
                        command.Parameters.AddWithValue("$duration", (long)(entry.Duration.Ticks / TimeSpan.TicksPerMicrosecond));
                        command.Parameters.AddWithValue("$decisions", entry.Decisions.Count == 0 ? DBNull.Value : WriteDecisions(entry.Decisions));
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var before = long.MaxValue;
        if (query.Continuation is { } continuation &&
            !long.TryParse(continuation, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            throw new ArgumentException("The continuation is not one this log returned.", nameof(query));
        }

        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM provisioning_log WHERE seq < $before");
        if (query.Connection is not null)
        {
            sql.Append(" AND connection = $connection COLLATE NOCASE");
        }

        if (query.ResourceId is not null)
        {
            sql.Append(" AND resource_id = $resourceId");
        }

        sql.Append(query.Outcome switch
        {
            ProvisioningOutcomeFilter.Succeeded => " AND status > 0 AND status < 400",
            ProvisioningOutcomeFilter.Failed => " AND NOT (status > 0 AND status < 400)",
            _ => string.Empty,
        });
        sql.Append(" ORDER BY seq DESC ").Append(Internal.SqliteStatements.Limit("$limit"));

        var entries = new List<ProvisioningLogEntry>(pageSize);
        string? next = null;
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql.ToString();
                command.Parameters.AddWithValue("$before", before);
                command.Parameters.AddWithValue("$limit", pageSize + 1);
                if (query.Connection is not null)
                {
                    command.Parameters.AddWithValue("$connection", query.Connection);
                }

                if (query.ResourceId is not null)
                {
                    command.Parameters.AddWithValue("$resourceId", query.ResourceId);
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    long last = 0;
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (entries.Count == pageSize)
                        {
                            next = last.ToString(CultureInfo.InvariantCulture);
                            break;
                        }

                        last = reader.GetInt64(0);
                        entries.Add(Read(reader));
                    }
                }
            }
        }

        return new ProvisioningLogPage(entries, next);
    }

    private static ProvisioningLogEntry Read(SqliteDataReader reader)
    {
        var changed = reader.GetString(9);
        return new ProvisioningLogEntry
        {
            Timestamp = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            Connection = reader.GetString(2),
            IdentityProvider = reader.IsDBNull(3) ? null : reader.GetString(3),
            Operation = reader.GetString(4),
            ResourceType = reader.IsDBNull(5) ? null : reader.GetString(5),
            ResourceId = reader.IsDBNull(6) ? null : reader.GetString(6),
            Status = reader.GetInt32(7),
            ScimType = reader.IsDBNull(8) ? null : reader.GetString(8),
            ChangedAttributes = changed.Length == 0 ? [] : changed.Split('\n'),
            RequestId = reader.IsDBNull(10) ? null : reader.GetString(10),
            TokenName = reader.IsDBNull(11) ? null : reader.GetString(11),
            Duration = TimeSpan.FromMicroseconds(reader.GetInt64(12)),
            Decisions = reader.IsDBNull(13) ? [] : ReadDecisions(reader.GetString(13)),
        };
    }

    private static string WriteDecisions(IReadOnlyList<PolicyDecision> decisions)
    {
        var array = new JsonArray();
        foreach (var decision in decisions)
        {
            array.Add(new JsonObject { ["policy"] = decision.Policy, ["subject"] = decision.Subject, ["reason"] = decision.Reason });
        }

        return array.ToJsonString();
    }

    private static List<PolicyDecision> ReadDecisions(string json)
    {
        var decisions = new List<PolicyDecision>();
        if (JsonNode.Parse(json) is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                decisions.Add(new PolicyDecision(
                    item["policy"]?.GetValue<string>() ?? string.Empty,
                    item["subject"]?.GetValue<string>() ?? string.Empty,
                    item["reason"]?.GetValue<string>() ?? string.Empty));
            }
        }

        return decisions;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // NORMAL: in WAL mode a commit is not fsynced, so the last entries can be lost on power loss (the documented
            // trade-off of the log), but the store's own commits stay FULL and an entry never costs a disk flush.
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the table once per process; a failed attempt is retried by the next call.</summary>
    private async Task EnsureSchemaAsync()
    {
        Task schema;
        lock (_lock)
        {
            schema = _schema ??= CreateSchemaAsync();
        }

        try
        {
            await schema.ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                if (ReferenceEquals(_schema, schema))
                {
                    _schema = null;
                }
            }

            throw;
        }
    }

    private async Task CreateSchemaAsync()
    {
        if (Path.GetDirectoryName(DatabasePath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS provisioning_log_schema (version INTEGER NOT NULL);").ConfigureAwait(false);
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.Transaction = transaction;
                    command.CommandText = "SELECT MAX(version) FROM provisioning_log_schema";
                    var found = await command.ExecuteScalarAsync().ConfigureAwait(false);
                    var version = found is long v ? (int)v : 0;
                    if (version > SchemaVersion)
                    {
                        throw new InvalidOperationException(
                            $"The provisioning log in '{DatabasePath}' has schema version {version}, newer than this ScimSync ({SchemaVersion}).");
                    }

                    if (version < 1)
                    {
                        command.CommandText = """
                            CREATE TABLE IF NOT EXISTS provisioning_log (
                                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                                timestamp TEXT NOT NULL,
                                connection TEXT NOT NULL,
                                identity_provider TEXT NULL,
                                operation TEXT NOT NULL,
                                resource_type TEXT NULL,
                                resource_id TEXT NULL,
                                status INTEGER NOT NULL,
                                scim_type TEXT NULL,
                                changed_attributes TEXT NOT NULL,
                                request_id TEXT NULL,
                                token_name TEXT NULL,
                                duration_us INTEGER NOT NULL);
                            CREATE INDEX IF NOT EXISTS ix_provisioning_log_connection ON provisioning_log (connection COLLATE NOCASE, seq);
                            CREATE INDEX IF NOT EXISTS ix_provisioning_log_resource ON provisioning_log (resource_id, seq);
                            INSERT INTO provisioning_log_schema (version) VALUES (1);
                            """;
                        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }

                    if (version < 2)
                    {
                        // Version 2: the policies' decisions, as a JSON array of {policy, subject, reason}.
                        command.CommandText = """
                            ALTER TABLE provisioning_log ADD COLUMN decisions TEXT NULL;
                            INSERT INTO provisioning_log_schema (version) VALUES (2);
                            """;
                        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
