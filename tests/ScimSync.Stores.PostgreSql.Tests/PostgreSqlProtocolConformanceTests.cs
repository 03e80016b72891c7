// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using ScimSync.Conformance;
using ScimSync.Server;

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>
/// Runs the protocol conformance suite (Entra ID, Okta and RFC 7644 sequences over HTTP) on the PostgreSQL store, in
/// a database of its own. Without <c>PG_CONNECTION_STRING</c> the tests fail (the suite's facts cannot skip).
/// </summary>
public sealed class PostgreSqlProtocolConformanceTests(PostgresDatabaseFixture database) : ScimProtocolConformanceTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override void ConfigureStore(ScimProvisioningBuilder scim)
    {
        if (!PostgresDatabaseFixture.IsConfigured)
        {
            throw new InvalidOperationException(
                "PG_CONNECTION_STRING is not set: run ./test.sh (it starts PostgreSQL) or eng/postgres/start-postgres.sh and export the variable from its env file.");
        }

        scim.UsePostgreSqlStore(database.ConnectionString);
    }
}
