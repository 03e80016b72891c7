// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;

namespace ScimSync.Pull.Tests;

/// <summary>The metrics a run records on the "ScimSync.Pull" meter.</summary>
public sealed class PullSyncTelemetryTests
{
    // A name no other test syncs: the meter is process-wide, and tests of other classes run at the same time.
    private const string Connection = "idp-telemetry";

    [Fact]
    public async Task Run_RecordsItsOutcome_AndWhatItDidWithTheRecords()
    {
        var measurements = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PullSyncTelemetry.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, dictionary));
            }
        });
        listener.Start();
        await using var host = PullSyncHost.Create(connection: Connection);
        host.Source.AddUser("u1", "ada@example.com");
        host.Source.AddUser("u2", "bob@example.com");
        await host.SyncAsync();
        host.Source.FailUsersAfter = 0;

        await host.SyncAsync();

        List<(string Instrument, long Value, Dictionary<string, object?> Tags)> mine;
        lock (measurements)
        {
            mine = [.. measurements.Where(m => Equals(m.Tags.GetValueOrDefault("scimsync.connection"), Connection))];
        }

        Assert.Equal(
            ["complete", "incomplete"],
            mine.Where(m => m.Instrument == "scimsync.pull.sync.runs").Select(m => (string)m.Tags["scimsync.outcome"]!));
        var created = Assert.Single(mine, m => m.Instrument == "scimsync.pull.sync.records" && Equals(m.Tags["scimsync.resource_type"], "User") && Equals(m.Tags["scimsync.pull.kind"], "created"));
        Assert.Equal(2, created.Value);
    }
}
