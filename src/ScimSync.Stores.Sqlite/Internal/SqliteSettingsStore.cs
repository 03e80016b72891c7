// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// Settings documents in table <c>setting_documents</c> of the store's database file (created by schema version 4).
/// </summary>
/// <remarks>
/// Writes go through the file's group commit like every store write: they queue behind the other writers of this
/// process instead of contending for SQLite's lock, run in a savepoint, and are acknowledged once committed with
/// <c>synchronous=FULL</c>. The version check is part of the <c>UPDATE</c>/<c>DELETE</c> statement itself, so it holds
/// against other processes writing the same file too. A write that finds another version changes no row and its
/// savepoint is rolled back.
/// </remarks>
internal sealed class SqliteSettingsStore(SqliteDatabase database, TimeProvider timeProvider) : IScimSettingsStore
{
    private const int MaxKeyLength = 200;

    public ValueTask<IReadOnlyList<ScimSetting>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        SqliteFailures.GuardAsync(() => ReadAllCoreAsync(cancellationToken));

    public ValueTask<long?> WriteAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return SqliteFailures.GuardAsync(() => WriteCoreAsync(key, value, expectedVersion, cancellationToken));
    }

    public ValueTask<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return SqliteFailures.GuardAsync(() => DeleteCoreAsync(key, expectedVersion, cancellationToken));
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Setting keys are at most {MaxKeyLength} characters.", nameof(key));
        }
    }

    private async ValueTask<IReadOnlyList<ScimSetting>> ReadAllCoreAsync(CancellationToken cancellationToken)
    {
        var settings = new List<ScimSetting>();
        var lease = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            var connection = lease.Connection;
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, value, version FROM setting_documents;";
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                settings.Add(new ScimSetting(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        return settings;
    }

    private async ValueTask<long?> WriteCoreAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken)
    {
        var updated = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var result = await database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = expectedVersion == 0
                ? "INSERT INTO setting_documents (key, value, version, updated) VALUES ($key, $value, 1, $updated) ON CONFLICT (key) DO NOTHING;"
                : "UPDATE setting_documents SET value = $value, version = version + 1, updated = $updated WHERE key = $key AND version = $version;";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.Parameters.AddWithValue("$version", expectedVersion);
            command.Parameters.AddWithValue("$updated", updated);
            var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return rows == 1 ? StoreResult.Success(expectedVersion + 1) : StoreResult.VersionMismatch<long>();
        }, cancellationToken).ConfigureAwait(false);
        return result.Status == StoreResultStatus.Success ? result.Value : null;
    }

    private async ValueTask<bool> DeleteCoreAsync(string key, long expectedVersion, CancellationToken cancellationToken)
    {
        var result = await database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM setting_documents WHERE key = $key AND version = $version;";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$version", expectedVersion);
            var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return rows == 1 ? StoreResult.Success(true) : StoreResult.VersionMismatch<bool>();
        }, cancellationToken).ConfigureAwait(false);
        return result.Status == StoreResultStatus.Success;
    }
}
