// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace ScimSync.Server.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "Unexpected error while handling SCIM request {Method} {Path}.")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(2, LogLevel.Information, "SCIM request rejected: missing or invalid bearer token ({Method} {Path}).")]
    public static partial void Unauthenticated(ILogger logger, string method, string path);

    [LoggerMessage(3, LogLevel.Debug, "PATCH of {ResourceType} {Id} conflicted with a concurrent change; retrying (attempt {Attempt}).")]
    public static partial void PatchRetry(ILogger logger, string resourceType, string id, int attempt);

    [LoggerMessage(4, LogLevel.Debug, "SCIM error {Status} {ScimType} for {Method} {Path}: {Detail}")]
    public static partial void ScimError(ILogger logger, int status, string? scimType, string method, string path, string detail);
}
