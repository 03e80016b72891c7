// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>Settings of the provisioning log (<c>ScimSync.Provisioning.IProvisioningLog</c>).</summary>
/// <remarks>
/// Entries are queued in memory and written by a background task, so that a slow or failing log neither slows nor
/// fails a SCIM request. The trade-off: an entry still queued when the process crashes is lost (the change itself is
/// already stored). On an orderly shutdown the queue is drained first.
/// </remarks>
public sealed class ScimProvisioningLogOptions
{
    /// <summary>Gets or sets a value indicating whether requests are recorded at all.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether successful reads (get, list, search, discovery) are recorded too. Failed
    /// reads (a rejected token, a bad filter) are always recorded; changes always are.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="false"/>: identity providers read far more often than they change anything (Entra ID
    /// looks every user up before each change), and a log entry per read would cost every read a log write.
    /// </value>
    public bool IncludeReads { get; set; }

    /// <summary>
    /// Gets or sets how many entries may wait for the writer. Past this, new entries are dropped and counted as
    /// failures rather than holding up requests.
    /// </summary>
    /// <value>Defaults to 10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long the writer waits, once an entry is queued, for more to write with it. Each append is one
    /// transaction (one commit for the SQLite and PostgreSQL logs), so under load a short wait makes one commit carry
    /// many entries. An entry reaches the log at most this much later; requests never wait for it.
    /// </summary>
    /// <value>
    /// Defaults to 20 milliseconds. <see cref="TimeSpan.Zero"/> (or less) writes whatever is queued at once; more than
    /// ten seconds counts as ten seconds.
    /// </value>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Gets or sets how many entries the default in-memory log keeps (the oldest are overwritten).</summary>
    /// <value>Defaults to 10,000.</value>
    public int InMemoryCapacity { get; set; } = 10_000;
}
