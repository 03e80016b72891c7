// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Stores.Sqlite;

/// <summary>Settings of the embedded SQLite store.</summary>
/// <remarks>
/// The database runs in WAL mode, and a write is acknowledged only once the log holding it is flushed to disk, so a
/// write the server has acknowledged is on disk, even after a power loss (the store's README tells how). The schema is created and migrated automatically on first use (table <c>schema_version</c>).
/// One file holds every directory (a <c>directory</c> column in each table and unique index).
/// </remarks>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the path of the database file. Its directory is created when missing.</summary>
    /// <value>Defaults to <c>.data/scimsync.db</c> (relative to the current directory).</value>
    public string DatabasePath { get; set; } = Path.Combine(".data", "scimsync.db");

    /// <summary>
    /// Gets or sets a SQLite connection string (for example <c>Data Source=scimsync.db</c>). When set, it is used
    /// instead of <see cref="DatabasePath"/>; its <c>Data Source</c> must name a file.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets how many resources a filter that cannot be answered from an index may examine. Past this bound
    /// the list request fails with <c>400 tooMany</c> instead of scanning an unbounded table.
    /// </summary>
    /// <remarks>
    /// <c>eq</c> on <c>id</c>, <c>userName</c>, <c>externalId</c>, group <c>displayName</c>,
    /// <c>members[value eq "..."]</c> and <c>emails.value</c> (also <c>emails[type eq "work"].value eq "..."</c>) use indexes, as do those comparisons joined with <c>and</c>/<c>or</c>. Any other
    /// filter is evaluated in memory over the rows an indexed conjunct selects (or the whole table).
    /// </remarks>
    /// <value>Defaults to 10,000.</value>
    public int MaxScannedResources { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the most memory, in MiB, SQLite's page cache may take per connection
    /// (<c>PRAGMA cache_size</c>; SQLite's own default is 2 MiB). Group-membership writes touch index pages all over the
    /// file, and a writer whose pages stay cached between commits reads far less: against SQLite's default it gave 15
    /// to 35 % more member adds per second in back-to-back runs of the 10,000-user load cycle (docs/performance.md).
    /// </summary>
    /// <remarks>
    /// The cache fills only as pages are read, so a small database takes what it needs. The store keeps its connections
    /// open between uses, with the statements they prepared: at most one per concurrent request plus the writer, and
    /// no more than 16 idle, which bounds the memory.
    /// </remarks>
    /// <value>Defaults to 32.</value>
    public int CacheSizeMiB { get; set; } = 32;
}
