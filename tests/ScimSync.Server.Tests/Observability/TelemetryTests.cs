// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace ScimSync.Server.Tests.Observability;

public sealed class TelemetryTests
{
    private const string ExpiringToken = "expiring-token-0123456789abcdef";

    [Fact]
    public async Task Requests_AreCountedAndTimedByConnectionOperationAndOutcome()
    {
        await using var host = await ScimTestHost.StartAsync();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = Listen(host, measurements);

        await host.CreateUserAsync("metered");
        await host.Client.GetAsync("Users/missing");

        var requests = measurements.Where(m => m.Instrument == ScimTelemetry.RequestsInstrument).ToList();
        Assert.Contains(requests, m => Tag(m.Tags, ScimTelemetry.OperationTag) == "create" && Tag(m.Tags, ScimTelemetry.OutcomeTag) == "success" &&
                                       Tag(m.Tags, ScimTelemetry.ConnectionTag) == "test" && Tag(m.Tags, ScimTelemetry.ResourceTypeTag) == "User");
        Assert.Contains(requests, m => Tag(m.Tags, ScimTelemetry.OperationTag) == "get" && Tag(m.Tags, ScimTelemetry.OutcomeTag) == "failure" &&
                                       Tag(m.Tags, ScimTelemetry.StatusCodeTag) == "404");
        Assert.Equal(2, measurements.Count(m => m.Instrument == ScimTelemetry.RequestDurationInstrument));
        var uses = measurements.Where(m => m.Instrument == ScimTelemetry.TokenUsesInstrument).ToList();
        Assert.Equal(2, uses.Count);
        Assert.All(uses, m => Assert.Equal("0", Tag(m.Tags, ScimTelemetry.TokenTag)));
    }

    [Fact]
    public async Task TokenExpiry_IsObservedPerConnectionAndTokenLabel()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection("expiring", c =>
            c.UseDirectory("test").UseBearerToken(ExpiringToken, new DateTimeOffset(2026, 3, 5, 5, 6, 7, TimeSpan.Zero), "primary")));
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = Listen(host, measurements);

        listener.RecordObservableInstruments();

        var expiry = Assert.Single(measurements, m => m.Instrument == ScimTelemetry.TokenExpiryInstrument);
        Assert.Equal(TimeSpan.FromDays(1).TotalSeconds, expiry.Value);
        Assert.Equal(("expiring", "primary"), (Tag(expiry.Tags, ScimTelemetry.ConnectionTag), Tag(expiry.Tags, ScimTelemetry.TokenTag)));
    }

    [Fact]
    public async Task ProvisioningLogFailure_IsCountedAndDoesNotFailTheRequest()
    {
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddProvisioningLog<FailingProvisioningLog>());
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = Listen(host, measurements);

        await host.CreateUserAsync("unlogged");
        await host.Services.GetRequiredService<Internal.ProvisioningLogWriter>().FlushAsync();

        var failure = Assert.Single(measurements, m => m.Instrument == ScimTelemetry.ProvisioningLogFailuresInstrument);
        Assert.Equal("test", Tag(failure.Tags, ScimTelemetry.ConnectionTag));
    }

    [Fact]
    public async Task Activities_SpanTheRequestAndEachChange()
    {
        var connection = "traced-" + Guid.NewGuid().ToString("N")[..8];
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ScimTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem(ScimTelemetry.ConnectionTag) as string == connection)
                {
                    stopped.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await ScimTestHost.StartAsync(scim: s => s.AddConnection(connection, c => c.UseDirectory("test").UseBearerToken(ExpiringToken)));
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ExpiringToken);

        var response = await client.PostAsync(
            $"http://localhost/scim/{connection}/v2/Groups",
            ScimTestHost.Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Traced"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var request = Assert.Single(stopped, a => a.DisplayName == "SCIM create");
        var change = Assert.Single(stopped, a => a.DisplayName == "SCIM create Group");
        Assert.Equal(request.SpanId, change.ParentSpanId);
        foreach (var activity in new[] { request, change })
        {
            Assert.Equal("create", activity.GetTagItem(ScimTelemetry.OperationTag));
            Assert.Equal("Group", activity.GetTagItem(ScimTelemetry.ResourceTypeTag));
            Assert.Equal("success", activity.GetTagItem(ScimTelemetry.OutcomeTag));
        }
    }

    private static MeterListener Listen(ScimTestHost host, ConcurrentQueue<(string, double, Dictionary<string, object?>)> measurements)
    {
        // Meters from IMeterFactory are scoped to it: only this host's instruments are heard.
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ScimTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private static string? Tag(Dictionary<string, object?> tags, string name) =>
        tags.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
