// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Provisioning;

/// <summary>One request, or one change within a request, as the provisioning log records it.</summary>
/// <remarks>
/// Holds names only: the changed attributes' paths (<c>displayName</c>, <c>emails</c>), never their values, and the
/// label of the token used, never the token.
/// </remarks>
public sealed record ProvisioningLogEntry
{
    /// <summary>Gets when the request started.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the connection (identity provider configuration) the request came through.</summary>
    public required string Connection { get; init; }

    /// <summary>Gets the kind of identity provider of the connection (<c>EntraId</c>, <c>Okta</c>…), if known.</summary>
    public string? IdentityProvider { get; init; }

    /// <summary>Gets the operation, one of <see cref="ProvisioningOperations"/>.</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the resource type (<c>User</c>, <c>Group</c>), or <see langword="null"/> for other endpoints.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Gets the id of the resource read or changed, when there is one.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Gets the HTTP status answered (or, for an operation inside <c>/Bulk</c>, its own status).</summary>
    public required int Status { get; init; }

    /// <summary>Gets the SCIM error type (RFC 7644 §3.12 <c>scimType</c>) of a failure, when it has one.</summary>
    public string? ScimType { get; init; }

    /// <summary>Gets a value indicating whether the request or change succeeded (a status below 400).</summary>
    public bool Succeeded => Status is > 0 and < 400;

    /// <summary>
    /// Gets the paths of the attributes a change set: for a PATCH those the PATCH engine changed, for a replace the
    /// top-level attributes that differ, for a create those present. Empty for reads and failures.
    /// </summary>
    public IReadOnlyList<string> ChangedAttributes { get; init; } = [];

    /// <summary>
    /// Gets the decisions of the connection's mapping policies that dropped, changed or refused data, each with its
    /// reason (a user the lifecycle switches refused, a group a filter excluded, a value a transform dropped).
    /// </summary>
    public IReadOnlyList<PolicyDecision> Decisions { get; init; } = [];

    /// <summary>
    /// Gets the identity provider's own id for the request (Entra ID's <c>client-request-id</c>,
    /// <c>X-Request-ID</c>, or the W3C <c>traceparent</c> trace id), to match the provider's provisioning logs.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>Gets the label of the bearer token that authenticated the request (never the token itself).</summary>
    public string? TokenName { get; init; }

    /// <summary>Gets how long the request or change took.</summary>
    public TimeSpan Duration { get; init; }
}
