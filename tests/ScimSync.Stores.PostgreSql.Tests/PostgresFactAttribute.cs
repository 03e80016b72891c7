// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.PostgreSql.Tests;

/// <summary>
/// A test that needs PostgreSQL (<c>PG_CONNECTION_STRING</c>, set by <c>./test.sh</c>). Without it the test is skipped
/// with a message saying how to run it, except with <c>CI=true</c>, where it runs and fails: CI must never pass by
/// skipping the database tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresDatabaseFixture.IsConfigured && !PostgresDatabaseFixture.IsCi)
        {
            Skip = "PG_CONNECTION_STRING is not set: run ./test.sh (it starts PostgreSQL) or eng/postgres/start-postgres.sh and export the variable from its env file.";
        }
    }
}

/// <summary>A table-driven <see cref="PostgresFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (!PostgresDatabaseFixture.IsConfigured && !PostgresDatabaseFixture.IsCi)
        {
            Skip = "PG_CONNECTION_STRING is not set: run ./test.sh (it starts PostgreSQL) or eng/postgres/start-postgres.sh and export the variable from its env file.";
        }
    }
}
