// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.Sqlite;

/// <summary>Settings of the SQLite provisioning log.</summary>
/// <remarks>
/// The log has its own table (<c>provisioning_log</c>) and version marker (<c>provisioning_log_schema</c>), created
/// on first use, so it can share the store's database file or live in a file of its own.
/// </remarks>
public sealed class SqliteProvisioningLogOptions
{
    /// <summary>
    /// Gets or sets the path of the database file. When neither this nor <see cref="ConnectionString"/> is set, the
    /// log goes into the SQLite store's database (<see cref="SqliteStoreOptions"/>).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? DatabasePath { get; set; }

    /// <summary>Gets or sets a SQLite connection string naming a file; when set, it wins over <see cref="DatabasePath"/>.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }
}
