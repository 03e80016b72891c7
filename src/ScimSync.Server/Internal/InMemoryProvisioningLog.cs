// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Extensions.Options;
using ScimSync.Provisioning;

namespace ScimSync.Server.Internal;

/// <summary>
/// The default provisioning log: the newest <see cref="ScimProvisioningLogOptions.InMemoryCapacity"/> entries in a
/// ring, lost on restart. Continuations are entry sequence numbers.
/// </summary>
internal sealed class InMemoryProvisioningLog(IOptions<ScimProvisioningLogOptions> options) : IProvisioningLog
{
    private readonly Lock _lock = new();
    private readonly (long Sequence, ProvisioningLogEntry Entry)[] _ring = new (long, ProvisioningLogEntry)[Math.Max(1, options.Value.InMemoryCapacity)];
    private long _next;

    public ValueTask AppendAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _ring[_next % _ring.Length] = (_next, entry);
            _next++;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var before = long.MaxValue;
        if (query.Continuation is { } continuation &&
            !long.TryParse(continuation, NumberStyles.None, CultureInfo.InvariantCulture, out before))
        {
            throw new ArgumentException("The continuation is not one this log returned.", nameof(query));
        }

        var entries = new List<ProvisioningLogEntry>(pageSize);
        string? next = null;
        lock (_lock)
        {
            var oldest = Math.Max(0, _next - _ring.Length);
            for (var sequence = Math.Min(_next, before) - 1; sequence >= oldest; sequence--)
            {
                var entry = _ring[sequence % _ring.Length].Entry;
                if (!ProvisioningLogMatcher.Matches(query, entry))
                {
                    continue;
                }

                if (entries.Count == pageSize)
                {
                    next = (sequence + 1).ToString(CultureInfo.InvariantCulture);
                    break;
                }

                entries.Add(entry);
            }
        }

        return ValueTask.FromResult(new ProvisioningLogPage(entries, next));
    }
}

/// <summary>The filters of a <see cref="ProvisioningLogQuery"/>, for logs that filter in memory.</summary>
internal static class ProvisioningLogMatcher
{
    public static bool Matches(ProvisioningLogQuery query, ProvisioningLogEntry entry) =>
        (query.Connection is null || string.Equals(query.Connection, entry.Connection, StringComparison.OrdinalIgnoreCase)) &&
        (query.ResourceId is null || string.Equals(query.ResourceId, entry.ResourceId, StringComparison.Ordinal)) &&
        query.Outcome switch
        {
            ProvisioningOutcomeFilter.Succeeded => entry.Succeeded,
            ProvisioningOutcomeFilter.Failed => !entry.Succeeded,
            _ => true,
        };
}
