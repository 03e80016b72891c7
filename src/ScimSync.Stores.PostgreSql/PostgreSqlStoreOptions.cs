// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.PostgreSql;

/// <summary>Settings of the PostgreSQL store.</summary>
/// <remarks>
/// One <c>NpgsqlDataSource</c> (connection pool) is built from <see cref="ConnectionString"/> and shared by the stores
/// of every directory. The schema is created and migrated automatically on first use, under an advisory lock, so
/// several host instances may start against one database at once (table <c>scimsync_schema_version</c>).
/// </remarks>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string, for example
    /// <c>Host=db;Username=scim;Password=...;Database=scim</c>. Required.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets how many resources a filter that cannot be translated to SQL may examine. The part of the filter
    /// that can be translated still narrows the rows; past this bound the list request fails with <c>400 tooMany</c>
    /// instead of loading an unbounded table.
    /// </summary>
    /// <remarks>
    /// Nearly every filter runs in SQL: <c>eq</c>, <c>ne</c>, <c>co</c>, <c>sw</c>, <c>ew</c>, <c>gt</c>, <c>ge</c>,
    /// <c>lt</c>, <c>le</c>, <c>pr</c>, <c>and</c>, <c>or</c>, <c>not</c> and value filters on core and extension
    /// attributes. A user's derived <c>groups</c> and <c>meta.version</c> / <c>meta.resourceType</c> / <c>meta.location</c>
    /// are evaluated in memory.
    /// </remarks>
    /// <value>Defaults to 10,000.</value>
    public int MaxScannedResources { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how often an operation is retried when PostgreSQL aborts it for a serialization failure
    /// (<c>40001</c>) or a deadlock (<c>40P01</c>) before the store reports itself unavailable.
    /// </summary>
    /// <value>Defaults to 3.</value>
    public int MaxRetries { get; set; } = 3;
}
