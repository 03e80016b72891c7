// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Npgsql;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// Settings documents in table <c>scimsync_setting_documents</c> of the store's database (created by schema version 2), shared by
/// every host instance.
/// </summary>
/// <remarks>
/// Each operation is one statement that checks the version and writes (<c>UPDATE ... WHERE key = @key AND version =
/// @version</c>, <c>INSERT ... ON CONFLICT DO NOTHING</c> for a create), so it commits atomically on its own: of
/// concurrent writers naming one version, the others find the row changed once the first commits, and change nothing.
/// </remarks>
internal sealed class PostgreSqlSettingsStore(PostgreSqlDatabase database, TimeProvider timeProvider) : IScimSettingsStore
{
    private const int MaxKeyLength = 200;

    public PostgreSqlDatabase Database { get; } = database;

    public async ValueTask<IReadOnlyList<ScimSetting>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        await Database.RunAsync<IReadOnlyList<ScimSetting>>(async connection =>
        {
            var settings = new List<ScimSetting>();
            await using var command = new NpgsqlCommand("SELECT key, value, version FROM scimsync_setting_documents;", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                settings.Add(new ScimSetting(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            return settings;
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<long?> WriteAsync(string key, string value, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var updated = timeProvider.GetUtcNow();
        return await Database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(
                expectedVersion == 0
                    ? "INSERT INTO scimsync_setting_documents (key, value, version, updated) VALUES (@key, @value, 1, @updated) ON CONFLICT (key) DO NOTHING RETURNING version;"
                    : "UPDATE scimsync_setting_documents SET value = @value, version = version + 1, updated = @updated WHERE key = @key AND version = @version RETURNING version;",
                connection);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("value", value);
            command.Parameters.AddWithValue("version", expectedVersion);
            command.Parameters.AddWithValue("updated", updated);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : (long?)null;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return await Database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM scimsync_setting_documents WHERE key = @key AND version = @version;", connection);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("version", expectedVersion);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Setting keys are at most {MaxKeyLength} characters.", nameof(key));
        }
    }
}
