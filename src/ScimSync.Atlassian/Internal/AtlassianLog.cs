// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using ScimSync.Atlassian.Products;
using ScimSync.Server;

namespace ScimSync.Atlassian.Internal;

internal static partial class AtlassianLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Atlassian target {Target}: {Count} change(s) for a {Kind} write")]
    public static partial void Changed(ILogger logger, string target, int count, ScimResourceKind kind);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Atlassian target {Target}: write failed ({Kind})")]
    public static partial void WriteFailed(ILogger logger, string target, AtlassianErrorKind kind, Exception exception);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Atlassian target {Target}: outbox entry {Sequence} waits, the product is unavailable; next try in {Delay}")]
    public static partial void OutboxWaiting(ILogger logger, string target, long sequence, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Atlassian target {Target}: outbox entry {Sequence} ({Kind} {ResourceId}) was refused and set aside")]
    public static partial void OutboxDeadLetter(ILogger logger, string target, long sequence, ScimResourceKind kind, string resourceId, Exception exception);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Atlassian target {Target}: reconciliation {Mode} checked {Users} user(s) and {Groups} group(s), {Changes} change(s), {Failures} failure(s)")]
    public static partial void Reconciled(ILogger logger, string target, string mode, int users, int groups, int changes, int failures);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Atlassian target {Target}: the product cannot rename users; '{Name}' keeps its username instead of '{NewName}'")]
    public static partial void RenameUnsupported(ILogger logger, string target, string name, string newName, Exception exception);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "Atlassian target {Target}: the outbox worker failed unexpectedly")]
    public static partial void OutboxFailed(ILogger logger, string target, Exception exception);
}
