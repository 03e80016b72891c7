// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace ScimSync.Server.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "Unexpected error while handling SCIM request {Method} {Path}.")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(2, LogLevel.Information, "SCIM request on connection {Connection} rejected: missing or invalid credentials ({Method} {Path}).")]
    public static partial void Unauthenticated(ILogger logger, string connection, string method, string path);

    [LoggerMessage(3, LogLevel.Debug, "PATCH of {ResourceType} {Id} conflicted with a concurrent change; retrying (attempt {Attempt}).")]
    public static partial void PatchRetry(ILogger logger, string resourceType, string id, int attempt);

    [LoggerMessage(4, LogLevel.Debug, "SCIM error {Status} {ScimType} for {Method} {Path}: {Detail}")]
    public static partial void ScimError(ILogger logger, int status, string? scimType, string method, string path, string detail);

    [LoggerMessage(5, LogLevel.Information, "SCIM request for unknown connection {Connection} rejected ({Method} {Path}).")]
    public static partial void UnknownConnection(ILogger logger, string? connection, string method, string path);

    [LoggerMessage(6, LogLevel.Warning, "SCIM request on connection {Connection} used token {Token}, which expired at {ExpiresAt}; rejected.")]
    public static partial void TokenExpired(ILogger logger, string connection, string token, DateTimeOffset expiresAt);

    [LoggerMessage(7, LogLevel.Warning, "Token {Token} of SCIM connection {Connection} expires at {ExpiresAt}: rotate it.")]
    public static partial void TokenExpiresSoon(ILogger logger, string connection, string token, DateTimeOffset expiresAt);

    [LoggerMessage(8, LogLevel.Warning, "SCIM store unavailable while handling {Method} {Path}; answered 503.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string method, string path);

    // EventIds 100-149: bulk, paging and search.
    [LoggerMessage(100, LogLevel.Information, "SCIM bulk request on connection {Connection}: {Operations} operations, {Ran} ran, {Failed} failed.")]
    public static partial void BulkCompleted(ILogger logger, string connection, int operations, int ran, int failed);

    // 200-299: pipeline and observability.
    [LoggerMessage(200, LogLevel.Information, "SCIM {Operation} of {ResourceType} {ResourceId} on connection {Connection}: {Outcome} ({Status} {ScimType}), {ChangedAttributeCount} attribute(s) changed.")]
    public static partial void ResourceChange(ILogger logger, string connection, string operation, string resourceType, string? resourceId, string outcome, int status, string? scimType, int changedAttributeCount);

    [LoggerMessage(201, LogLevel.Warning, "Could not write the provisioning log entry of a {Operation} on connection {Connection}; the change itself is unaffected.")]
    public static partial void ProvisioningLogWriteFailed(ILogger logger, Exception exception, string connection, string operation);

    [LoggerMessage(202, LogLevel.Warning, "The provisioning log queue is full (or closed at shutdown); dropped the entry of a {Operation} on connection {Connection}.")]
    public static partial void ProvisioningLogDropped(ILogger logger, string connection, string operation);

    [LoggerMessage(203, LogLevel.Warning, "Health check: the stores of SCIM connection {Connection} are not reachable.")]
    public static partial void StoresUnreachable(ILogger logger, Exception exception, string connection);

    [LoggerMessage(204, LogLevel.Warning, "Could not write {Count} provisioning log entries together; writing them one at a time.")]
    public static partial void ProvisioningLogBatchFailed(ILogger logger, Exception exception, int count);

    // EventIds 300-349: mapping policies and limits.
    [LoggerMessage(300, LogLevel.Warning, "Safety brake of SCIM connection {Connection} engaged: {Reason} Destructive changes are held (503) until an operator approves or discards them.")]
    public static partial void SafetyBrakeEngaged(ILogger logger, string connection, string reason);

    [LoggerMessage(301, LogLevel.Warning, "Safety brake of SCIM connection {Connection}: {Count} held change(s) {Decision} by {Operator}.")]
    public static partial void SafetyBrakeReleased(ILogger logger, string connection, int count, string decision, string @operator);

    [LoggerMessage(302, LogLevel.Warning, "SCIM connection {Connection} is over its rate limit: {Method} {Path} answered 429 (retry after {Seconds} s).")]
    public static partial void RateLimited(ILogger logger, string connection, string method, string path, int seconds);
}
