// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Npgsql;
using ScimSync.Conformance;
using ScimSync.Stores.PostgreSql.Internal;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>
/// Runs the store conformance suite against the PostgreSQL store: one database for the class, emptied before each
/// test, and a provider with its own connection pool per test.
/// </summary>
/// <remarks>
/// The suite's tests are plain facts, so without <c>PG_CONNECTION_STRING</c> they fail with a message saying how to
/// run them (./test.sh starts PostgreSQL) rather than skip.
/// </remarks>
public sealed class PostgreSqlStoreConformanceTests(PostgresDatabaseFixture database) : ScimStoreConformanceTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override async Task<IScimStoreProvider> CreateProviderAsync()
    {
        if (!PostgresDatabaseFixture.IsConfigured)
        {
            throw new InvalidOperationException(
                "PG_CONNECTION_STRING is not set: run ./test.sh (it starts PostgreSQL) or eng/postgres/start-postgres.sh and export the variable from its env file.");
        }

        var provider = database.CreateProvider();

        // The first use creates the schema; then every table is emptied, so each test starts from nothing.
        await provider.GetUserStore("init").ListAsync(new ListQuery { Count = 0 }, CancellationToken.None);
        await using var connection = await database.OpenAsync();
        await using var truncate = new NpgsqlCommand(
            "TRUNCATE scimsync_group_members, scimsync_user_emails, scimsync_groups, scimsync_users RESTART IDENTITY;", connection);
        await truncate.ExecuteNonQueryAsync();
        return provider;
    }

    protected override async Task DisposeProviderAsync(IScimStoreProvider provider) =>
        await ((PostgreSqlStoreProvider)provider).DisposeAsync();
}
