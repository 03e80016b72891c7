// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;
using Xunit;
using static ScimSync.Ldap.Tests.Sync.LdapTestData;

namespace ScimSync.Ldap.Tests.Sync;

/// <summary>The metrics a sync run records on the "ScimSync.Ldap" meter.</summary>
public sealed class LdapSyncTelemetryTests
{
    // A name no other test syncs: the meter is process-wide, and tests of other classes run at the same time.
    private const string Corp = "corp-telemetry";

    [Fact]
    public async Task Run_RecordsItsOutcome_AndWhatItDidWithTheEntries()
    {
        var measurements = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LdapSyncTelemetry.MeterName)
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
        await using var host = LdapSyncHost.Create(Directory(), connection: Corp);

        await host.Synchronizer.SyncAsync(Corp, LdapSyncMode.Full);

        List<(string Instrument, long Value, Dictionary<string, object?> Tags)> mine;
        lock (measurements)
        {
            mine = [.. measurements.Where(m => Equals(m.Tags.GetValueOrDefault("scimsync.connection"), Corp))];
        }

        var run = Assert.Single(mine, m => m.Instrument == "scimsync.ldap.sync.runs");
        Assert.Equal("complete", run.Tags["scimsync.outcome"]);
        var created = Assert.Single(mine, m => m.Instrument == "scimsync.ldap.sync.entries" && Equals(m.Tags["scimsync.resource_type"], "User") && Equals(m.Tags["scimsync.ldap.kind"], "created"));
        Assert.Equal(47, created.Value);
    }
}
