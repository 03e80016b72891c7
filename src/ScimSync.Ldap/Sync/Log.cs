// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace ScimSync.Ldap.Sync;

// EventIds 400-449: LDAP sync.
internal static partial class Log
{
    [LoggerMessage(400, LogLevel.Information, "LDAP sync of connection {Connection} started ({Mode}).")]
    public static partial void SyncStarted(ILogger logger, string connection, LdapSyncMode mode);

    [LoggerMessage(401, LogLevel.Information, "LDAP sync of connection {Connection} finished ({Mode}, complete: {Complete}) in {Elapsed}: users seen {UsersSeen}, created {UsersCreated}, updated {UsersUpdated}, unchanged {UsersUnchanged}, removed {UsersRemoved}, held {UsersHeld}, failed {UsersFailed}; groups seen {GroupsSeen}, created {GroupsCreated}, updated {GroupsUpdated}, unchanged {GroupsUnchanged}, removed {GroupsRemoved}, held {GroupsHeld}, failed {GroupsFailed}.")]
    public static partial void SyncFinished(
        ILogger logger, string connection, LdapSyncMode mode, bool complete, TimeSpan elapsed,
        int usersSeen, int usersCreated, int usersUpdated, int usersUnchanged, int usersRemoved, int usersHeld, int usersFailed,
        int groupsSeen, int groupsCreated, int groupsUpdated, int groupsUnchanged, int groupsRemoved, int groupsHeld, int groupsFailed);

    [LoggerMessage(402, LogLevel.Warning, "LDAP sync of connection {Connection} removed nobody: {Reason}")]
    public static partial void DeletionsSkipped(ILogger logger, string connection, string reason);

    [LoggerMessage(403, LogLevel.Warning, "LDAP sync of connection {Connection}: {Kind} {Entry} not written: {Status} {ScimType} {Detail}")]
    public static partial void EntryFailed(ILogger logger, string connection, string kind, string entry, int status, string? scimType, string detail);

    [LoggerMessage(404, LogLevel.Warning, "LDAP sync of connection {Connection}: the directory search failed; removals are skipped and the high-water mark kept.")]
    public static partial void SearchFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(405, LogLevel.Error, "LDAP sync of connection {Connection} could not connect to the directory.")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(406, LogLevel.Information, "LDAP sync of connection {Connection}: {Kind} {Id} held or refused by the safety brake or lifecycle policy ({Status}).")]
    public static partial void Held(ILogger logger, string connection, string kind, string id, int status);

    [LoggerMessage(407, LogLevel.Information, "Scheduled LDAP sync of connection {Connection} skipped: a run is already in progress.")]
    public static partial void ScheduledRunSkipped(ILogger logger, string connection);

    [LoggerMessage(408, LogLevel.Error, "Scheduled LDAP sync of connection {Connection} failed.")]
    public static partial void ScheduledRunFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(409, LogLevel.Information, "LDAP sync of connection {Connection} scheduled every {Interval}.")]
    public static partial void Scheduled(ILogger logger, string connection, TimeSpan interval);

    [LoggerMessage(410, LogLevel.Warning, "LDAP sync of connection {Connection}: the store was unavailable; removals are skipped.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string connection);
}
