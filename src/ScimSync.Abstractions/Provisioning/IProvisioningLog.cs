// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Provisioning;

/// <summary>
/// An append-only record of what identity providers asked for and what it changed: one entry per request and per
/// change, with attribute names but never attribute values, tokens or passwords.
/// </summary>
/// <remarks>
/// The server appends from a background writer, so an implementation may be slow without slowing SCIM requests; an
/// exception from <c>AppendAsync</c> is logged and counted, never returned to the identity provider.
/// </remarks>
public interface IProvisioningLog
{
    /// <summary>Appends one entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is recorded.</returns>
    ValueTask AppendAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several entries, in order: what the server's background writer found queued at once. The default
    /// appends them one at a time; a log that can record them together (one transaction, one round trip) should
    /// override it, since every change an identity provider makes adds an entry.
    /// </summary>
    /// <param name="entries">The entries, oldest first.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when every entry is recorded.</returns>
    /// <remarks>
    /// When this throws, the server does not know which entries were recorded: it appends each of them again one at a
    /// time, so an implementation should record all of them or none.
    /// </remarks>
    async ValueTask AppendRangeAsync(IReadOnlyList<ProvisioningLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await AppendAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads entries, newest first, one page at a time.</summary>
    /// <param name="query">The filters, page size and continuation.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, with a continuation when older entries match.</returns>
    ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default);
}
