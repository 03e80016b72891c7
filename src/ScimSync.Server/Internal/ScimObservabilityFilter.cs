// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using ScimSync.Errors;
using ScimSync.Policies;
using ScimSync.Provisioning;

namespace ScimSync.Server.Internal;

/// <summary>A change the pipeline made (or refused), without any attribute value.</summary>
internal sealed record ScimChange(
    string Operation,
    string ResourceType,
    string? ResourceId,
    int Status,
    string? ScimType,
    IReadOnlyList<string> ChangedAttributes,
    TimeSpan Duration,
    IReadOnlyList<PolicyDecision> Decisions);

/// <summary>
/// What the observability filter knows about the request in flight, for the pipeline: the request's own entry takes
/// the first change of a single-change endpoint; any other change (a <c>/Bulk</c> operation) gets an entry of its own.
/// </summary>
internal sealed class ScimRequestObservation(IFeatureCollection features, DateTimeOffset timestamp, string operation, string? resourceType, string? requestId)
{
    public DateTimeOffset Timestamp { get; } = timestamp;

    public string Operation { get; } = operation;

    public string? ResourceType { get; } = resourceType;

    public string? RequestId { get; } = requestId;

    public string? TokenName => features.Get<ScimRequestContext>()?.TokenName;

    /// <summary>The change a create/replace/patch/delete request made, merged into the request's entry.</summary>
    public ScimChange? Change { get; private set; }

    public bool TryClaim(ScimChange change)
    {
        if (Change is not null || !IsChange(Operation) || !string.Equals(change.Operation, Operation, StringComparison.Ordinal))
        {
            return false;
        }

        Change = change;
        return true;
    }

    public static bool IsChange(string operation) => operation is
        ProvisioningOperations.Create or ProvisioningOperations.Replace or ProvisioningOperations.Patch or ProvisioningOperations.Delete;
}

/// <summary>
/// The outermost SCIM filter: one span, one set of measurements and one provisioning log entry per request, with the
/// status the error filter settled on. Never reads the body, never records a header value other than a request id.
/// </summary>
internal sealed class ScimObservabilityFilter(
    ScimInstrumentation instrumentation,
    ProvisioningLogWriter writer,
    ScimConnectionRegistry connections,
    TimeProvider time) : IEndpointFilter
{
    private const int StatusClientClosedRequest = 499;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var started = time.GetTimestamp();
        var (operation, resourceType) = Classify(http);
        var observation = new ScimRequestObservation(http.Features, time.GetUtcNow(), operation, resourceType, RequestId(http.Request));
        http.Features.Set(observation);
        using var activity = ScimInstrumentation.ActivitySource.StartActivity("SCIM " + operation, ActivityKind.Internal);
        activity?.SetTag(ScimTelemetry.OperationTag, operation);
        activity?.SetTag(ScimTelemetry.ResourceTypeTag, resourceType);
        var status = StatusClientClosedRequest;
        ScimError? error = null;
        try
        {
            var result = await next(context).ConfigureAwait(false);
            (status, error) = result switch
            {
                ScimResults.JsonResult json => (json.StatusCode ?? 200, json.Error),
                IStatusCodeHttpResult { StatusCode: { } code } => (code, null),
                _ => (http.Response.StatusCode, null),
            };
            return result;
        }
        finally
        {
            Complete(http, observation, activity, status, error, time.GetElapsedTime(started));
        }
    }

    private void Complete(HttpContext http, ScimRequestObservation observation, Activity? activity, int status, ScimError? error, TimeSpan duration)
    {
        var request = http.Features.Get<ScimRequestContext>();
        // A request the authentication filter rejected still names a known connection (or an unknown one).
        var connection = request?.Connection ??
            (http.GetRouteValue(ScimRoute.ConnectionParameter) is string name && connections.TryGet(name, out var known) ? known : null);
        var connectionName = connection?.Name ?? "(unknown)";
        var outcome = status is > 0 and < 400 ? "success" : "failure";
        var tags = new TagList
        {
            { ScimTelemetry.ConnectionTag, connectionName },
            { ScimTelemetry.OperationTag, observation.Operation },
            { ScimTelemetry.ResourceTypeTag, observation.ResourceType },
            { ScimTelemetry.OutcomeTag, outcome },
            { ScimTelemetry.StatusCodeTag, status },
        };
        instrumentation.Requests.Add(1, tags);
        instrumentation.RequestDuration.Record(duration.TotalSeconds, tags);
        if (request?.TokenName is { } token)
        {
            instrumentation.TokenUses.Add(
                1,
                new KeyValuePair<string, object?>(ScimTelemetry.ConnectionTag, connectionName),
                new KeyValuePair<string, object?>(ScimTelemetry.TokenTag, token));
        }

        if (activity is not null)
        {
            activity.SetTag(ScimTelemetry.ConnectionTag, connectionName);
            activity.SetTag(ScimTelemetry.OutcomeTag, outcome);
            activity.SetTag(ScimTelemetry.StatusCodeTag, status);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        // An unknown connection is not recorded: its name comes from the caller and could be anything.
        if (connection is null || (!writer.Options.IncludeReads && status is > 0 and < 400 && !ScimRequestObservation.IsChange(observation.Operation)))
        {
            return;
        }

        var change = observation.Change;
        writer.Enqueue(new ProvisioningLogEntry
        {
            Timestamp = observation.Timestamp,
            Connection = connection.Name,
            IdentityProvider = connection.IdentityProvider.ToString(),
            Operation = observation.Operation,
            ResourceType = observation.ResourceType,
            ResourceId = change?.ResourceId ?? (http.GetRouteValue("id") as string),
            Status = status,
            ScimType = error?.ScimType,
            ChangedAttributes = status < 400 && change is not null ? change.ChangedAttributes : [],
            Decisions = change?.Decisions ?? [],
            RequestId = observation.RequestId,
            TokenName = request?.TokenName,
            Duration = duration,
        });
    }

    /// <summary>The operation and resource type of a request, from the route it matched.</summary>
    internal static (string Operation, string? ResourceType) Classify(HttpContext http)
    {
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? string.Empty;
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var last = segments.Length > 0 ? segments[^1] : string.Empty;
        var previous = segments.Length > 1 ? segments[^2] : string.Empty;
        var method = http.Request.Method;
        return last switch
        {
            "{id}" when ResourceType(previous) is { } type => (method switch
            {
                "GET" => ProvisioningOperations.Get,
                "PUT" => ProvisioningOperations.Replace,
                "PATCH" => ProvisioningOperations.Patch,
                "DELETE" => ProvisioningOperations.Delete,
                _ => ProvisioningOperations.Other,
            }, type),
            ".search" => (ProvisioningOperations.Search, ResourceType(previous)),
            "Users" or "Groups" when previous == "Preview" => (ProvisioningOperations.Preview, ResourceType(last)),
            "Users" or "Groups" => (method switch
            {
                "GET" => ProvisioningOperations.List,
                "POST" => ProvisioningOperations.Create,
                _ => ProvisioningOperations.Other,
            }, ResourceType(last)),
            "Bulk" => (ProvisioningOperations.Bulk, null),
            "ServiceProviderConfig" or "ResourceTypes" or "Schemas" => (ProvisioningOperations.Discovery, null),
            _ when previous is "ResourceTypes" or "Schemas" => (ProvisioningOperations.Discovery, null),
            _ => (ProvisioningOperations.Other, null),
        };
    }

    private static string? ResourceType(string segment) => segment switch
    {
        "Users" => "User",
        "Groups" => "Group",
        _ => null,
    };

    /// <summary>
    /// The identity provider's id for the request: Entra ID's <c>client-request-id</c>, a generic
    /// <c>X-Request-ID</c>, or the trace id of a W3C <c>traceparent</c>. Okta documents no request id header for SCIM
    /// calls. Only short printable ASCII is kept, so a header cannot smuggle data into logs.
    /// </summary>
    internal static string? RequestId(HttpRequest request)
    {
        foreach (var name in (ReadOnlySpan<string>)["client-request-id", "X-Request-ID"])
        {
            if (Sanitize(request.Headers[name].ToString()) is { } id)
            {
                return id;
            }
        }

        // traceparent: version "-" trace-id (32 hex) "-" parent-id "-" flags.
        var traceparent = request.Headers["traceparent"].ToString();
        return traceparent.Length >= 55 && traceparent[2] == '-' && traceparent[35] == '-'
            ? Sanitize(traceparent[3..35])
            : null;
    }

    private static string? Sanitize(string value)
    {
        value = value.Trim();
        if (value.Length is 0 or > 128)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return null;
            }
        }

        return value;
    }
}
