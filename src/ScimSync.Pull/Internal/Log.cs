// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace ScimSync.Pull.Internal;

// EventIds 450-499: pull sync.
internal static partial class Log
{
    [LoggerMessage(450, LogLevel.Information, "Pull sync of connection {Connection} started ({Mode}).")]
    public static partial void SyncStarted(ILogger logger, string connection, PullSyncMode mode);

    [LoggerMessage(451, LogLevel.Information, "Pull sync of connection {Connection} finished ({Mode}, complete: {Complete}) in {Elapsed}: users seen {UsersSeen}, created {UsersCreated}, updated {UsersUpdated}, unchanged {UsersUnchanged}, deactivated {UsersDeactivated}, removed {UsersRemoved}, held {UsersHeld}, failed {UsersFailed}; groups seen {GroupsSeen}, created {GroupsCreated}, updated {GroupsUpdated}, unchanged {GroupsUnchanged}, removed {GroupsRemoved}, held {GroupsHeld}, failed {GroupsFailed}.")]
    public static partial void SyncFinished(
        ILogger logger, string connection, PullSyncMode mode, bool complete, TimeSpan elapsed,
        int usersSeen, int usersCreated, int usersUpdated, int usersUnchanged, int usersDeactivated, int usersRemoved, int usersHeld, int usersFailed,
        int groupsSeen, int groupsCreated, int groupsUpdated, int groupsUnchanged, int groupsRemoved, int groupsHeld, int groupsFailed);

    [LoggerMessage(452, LogLevel.Warning, "Pull sync of connection {Connection} removed nobody: {Reason}")]
    public static partial void DeletionsSkipped(ILogger logger, string connection, string reason);

    [LoggerMessage(453, LogLevel.Warning, "Pull sync of connection {Connection}: {Kind} {Record} not written: {Status} {ScimType} {Detail}")]
    public static partial void RecordFailed(ILogger logger, string connection, string kind, string record, int status, string? scimType, string detail);

    [LoggerMessage(454, LogLevel.Warning, "Pull sync of connection {Connection}: the {Kind} listing failed ({ErrorKind}); removals are skipped and the cursors kept.")]
    public static partial void ListingFailed(ILogger logger, Exception exception, string connection, string kind, IdentitySourceErrorKind errorKind);

    [LoggerMessage(455, LogLevel.Warning, "Pull sync of connection {Connection}: the source no longer accepts the {Kind} cursor; listing in full.")]
    public static partial void CursorExpired(ILogger logger, string connection, string kind);

    [LoggerMessage(456, LogLevel.Information, "Pull sync of connection {Connection}: {Kind} {Id} held or refused by the safety brake or lifecycle policy ({Status}).")]
    public static partial void Held(ILogger logger, string connection, string kind, string id, int status);

    [LoggerMessage(457, LogLevel.Information, "Scheduled pull sync of connection {Connection} skipped: a run is already in progress.")]
    public static partial void ScheduledRunSkipped(ILogger logger, string connection);

    [LoggerMessage(458, LogLevel.Error, "Scheduled pull sync of connection {Connection} failed.")]
    public static partial void ScheduledRunFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(459, LogLevel.Information, "Pull sync of connection {Connection} scheduled every {Interval}.")]
    public static partial void Scheduled(ILogger logger, string connection, TimeSpan interval);

    [LoggerMessage(460, LogLevel.Warning, "Pull sync of connection {Connection}: the store was unavailable; removals are skipped.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string connection);

    [LoggerMessage(461, LogLevel.Information, "Pull sync of connection {Connection}: {Seen} {Kind} records read so far (created {Created}, updated {Updated}, failed {Failed}).")]
    public static partial void Progress(ILogger logger, string connection, string kind, int seen, int created, int updated, int failed);

    [LoggerMessage(462, LogLevel.Information, "Drift report of connection {Connection} finished (complete: {Complete}): {Differences} differences among {Users} users and {Groups} groups.")]
    public static partial void DriftFinished(ILogger logger, string connection, bool complete, int differences, int users, int groups);
}
