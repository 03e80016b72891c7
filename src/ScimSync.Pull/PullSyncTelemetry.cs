// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;

namespace ScimSync.Pull;

/// <summary>
/// The metrics of pull sync runs, on the meter <see cref="MeterName"/>: runs (by connection, mode and outcome), their
/// duration, and the records they saw and changed (by connection, resource type and kind).
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ScimTelemetry.MeterName, PullSyncTelemetry.MeterName));
/// </code>
/// </example>
public static class PullSyncTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ScimSync.Pull";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_runs = s_meter.CreateCounter<long>("scimsync.pull.sync.runs", "{run}", "Pull sync runs, by outcome (complete or incomplete).");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("scimsync.pull.sync.duration", "s", "How long a pull sync run took.");
    private static readonly Counter<long> s_records = s_meter.CreateCounter<long>("scimsync.pull.sync.records", "{record}", "Records a pull sync run read, by what it did with them.");

    internal static void Record(PullSyncResult result, TimeSpan elapsed)
    {
        var connection = new KeyValuePair<string, object?>("scimsync.connection", result.Connection);
        var mode = new KeyValuePair<string, object?>("scimsync.pull.mode", result.Mode.ToString());
        s_runs.Add(1, connection, mode, new KeyValuePair<string, object?>("scimsync.outcome", result.Complete ? "complete" : "incomplete"));
        s_duration.Record(elapsed.TotalSeconds, connection, mode);
        Add(result.Users, "User", connection);
        Add(result.Groups, "Group", connection);
    }

    private static void Add(PullSyncCounts counts, string type, KeyValuePair<string, object?> connection)
    {
        var resourceType = new KeyValuePair<string, object?>("scimsync.resource_type", type);
        foreach (var (kind, value) in new[]
        {
            ("created", counts.Created), ("updated", counts.Updated), ("unchanged", counts.Unchanged), ("deactivated", counts.Deactivated),
            ("removed", counts.Removed), ("held", counts.Held), ("failed", counts.Failed),
        })
        {
            if (value > 0)
            {
                s_records.Add(value, connection, resourceType, new KeyValuePair<string, object?>("scimsync.pull.kind", kind));
            }
        }
    }
}
