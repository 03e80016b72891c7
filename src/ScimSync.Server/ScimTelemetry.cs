// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>
/// The names under which the SCIM service provider reports traces and metrics, for OpenTelemetry's
/// <c>AddSource</c>/<c>AddMeter</c> or a <c>MeterListener</c>.
/// </summary>
/// <remarks>
/// Every span and measurement carries <see cref="ConnectionTag"/> and, where it applies, <see cref="OperationTag"/>,
/// <see cref="ResourceTypeTag"/> and <see cref="OutcomeTag"/>. None carries an attribute value, a token or an id.
/// </remarks>
public static class ScimTelemetry
{
    /// <summary>The <c>ActivitySource</c>: one span per SCIM request, and a child span per change it makes.</summary>
    public const string ActivitySourceName = "ScimSync.Server";

    /// <summary>The <c>Meter</c> of the instruments below.</summary>
    public const string MeterName = "ScimSync.Server";

    /// <summary>Counter of SCIM requests, by connection, operation and outcome.</summary>
    public const string RequestsInstrument = "scim.server.requests";

    /// <summary>Histogram of SCIM request durations, in seconds, by connection, operation and outcome.</summary>
    public const string RequestDurationInstrument = "scim.server.request.duration";

    /// <summary>Counter of provisioning log entries that could not be written (failed or dropped when the queue was full).</summary>
    public const string ProvisioningLogFailuresInstrument = "scim.server.provisioning_log.failures";

    /// <summary>Observable gauge of the seconds until each expiring bearer token expires (negative once expired), by connection and token label.</summary>
    public const string TokenExpiryInstrument = "scim.server.token.time_to_expiry";

    /// <summary>Counter of requests authenticated with each bearer token, by connection and token label.</summary>
    public const string TokenUsesInstrument = "scim.server.token.uses";

    /// <summary>The connection name tag.</summary>
    public const string ConnectionTag = "scim.connection";

    /// <summary>The operation tag (one of <c>ScimSync.Provisioning.ProvisioningOperations</c>).</summary>
    public const string OperationTag = "scim.operation";

    /// <summary>The resource type tag (<c>User</c>, <c>Group</c>).</summary>
    public const string ResourceTypeTag = "scim.resource_type";

    /// <summary>The outcome tag: <c>success</c>, or <c>failure</c> (see <see cref="StatusCodeTag"/>).</summary>
    public const string OutcomeTag = "scim.outcome";

    /// <summary>The HTTP status tag.</summary>
    public const string StatusCodeTag = "http.response.status_code";

    /// <summary>The token label tag (the configured label, never the token).</summary>
    public const string TokenTag = "scim.token";
}
