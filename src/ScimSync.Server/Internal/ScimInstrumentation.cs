// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ScimSync.Server.Internal;

/// <summary>The server's <see cref="ActivitySource"/> and instruments (<see cref="ScimTelemetry"/> names them).</summary>
internal sealed class ScimInstrumentation
{
    // One source per process: a source is cheap and listeners subscribe by name, whatever the number of hosts.
    public static readonly ActivitySource ActivitySource = new(ScimTelemetry.ActivitySourceName, typeof(ScimInstrumentation).Assembly.GetName().Version?.ToString());

    private readonly ScimConnectionRegistry _connections;
    private readonly TimeProvider _time;

    public ScimInstrumentation(IMeterFactory meterFactory, ScimConnectionRegistry connections, TimeProvider time)
    {
        _connections = connections;
        _time = time;
        Meter = meterFactory.Create(ScimTelemetry.MeterName);
        Requests = Meter.CreateCounter<long>(ScimTelemetry.RequestsInstrument, "{request}", "SCIM requests handled.");
        RequestDuration = Meter.CreateHistogram<double>(ScimTelemetry.RequestDurationInstrument, "s", "Duration of SCIM requests.");
        LogFailures = Meter.CreateCounter<long>(ScimTelemetry.ProvisioningLogFailuresInstrument, "{entry}", "Provisioning log entries that could not be written.");
        TokenUses = Meter.CreateCounter<long>(ScimTelemetry.TokenUsesInstrument, "{request}", "Requests authenticated with each bearer token.");
        Meter.CreateObservableGauge(ScimTelemetry.TokenExpiryInstrument, ObserveTokenExpiry, "s", "Seconds until each expiring bearer token expires.");
    }

    public Meter Meter { get; }

    public Counter<long> Requests { get; }

    public Histogram<double> RequestDuration { get; }

    public Counter<long> LogFailures { get; }

    public Counter<long> TokenUses { get; }

    private IEnumerable<Measurement<double>> ObserveTokenExpiry()
    {
        var now = _time.GetUtcNow();
        foreach (var connection in _connections.All)
        {
            foreach (var token in connection.Tokens)
            {
                if (token.ExpiresAt is { } expires)
                {
                    yield return new Measurement<double>(
                        (expires - now).TotalSeconds,
                        new KeyValuePair<string, object?>(ScimTelemetry.ConnectionTag, connection.Name),
                        new KeyValuePair<string, object?>(ScimTelemetry.TokenTag, token.Name));
                }
            }
        }
    }
}
