// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;

namespace ScimSync.Ldap;

/// <summary>
/// The metrics of LDAP sync runs, on the meter <see cref="MeterName"/>: runs (by connection, mode and outcome), their
/// duration, and the entries they saw and changed (by connection, resource type and kind).
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ScimTelemetry.MeterName, LdapSyncTelemetry.MeterName));
/// </code>
/// </example>
public static class LdapSyncTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ScimSync.Ldap";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_runs = s_meter.CreateCounter<long>("scimsync.ldap.sync.runs", "{run}", "LDAP sync runs, by outcome (complete or incomplete).");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("scimsync.ldap.sync.duration", "s", "How long an LDAP sync run took.");
    private static readonly Counter<long> s_entries = s_meter.CreateCounter<long>("scimsync.ldap.sync.entries", "{entry}", "Entries an LDAP sync run saw, by what it did with them.");

    internal static void Record(LdapSyncResult result, TimeSpan elapsed)
    {
        var connection = new KeyValuePair<string, object?>("scimsync.connection", result.Connection);
        var mode = new KeyValuePair<string, object?>("scimsync.ldap.mode", result.Mode.ToString());
        s_runs.Add(1, connection, mode, new KeyValuePair<string, object?>("scimsync.outcome", result.Complete ? "complete" : "incomplete"));
        s_duration.Record(elapsed.TotalSeconds, connection, mode);
        Add(result.Users, "User", connection);
        Add(result.Groups, "Group", connection);
    }

    private static void Add(LdapSyncCounts counts, string type, KeyValuePair<string, object?> connection)
    {
        var resourceType = new KeyValuePair<string, object?>("scimsync.resource_type", type);
        foreach (var (kind, value) in new[]
        {
            ("created", counts.Created), ("updated", counts.Updated), ("unchanged", counts.Unchanged),
            ("removed", counts.Removed), ("held", counts.Held), ("failed", counts.Failed),
        })
        {
            if (value > 0)
            {
                s_entries.Add(value, connection, resourceType, new KeyValuePair<string, object?>("scimsync.ldap.kind", kind));
            }
        }
    }
}
