// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace ScimSync.Admin.Internal;

/// <summary>The console's log events (500-519): every change an operator makes, without secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Information, "Console: connection {Connection} created.")]
    public static partial void ConnectionCreated(ILogger logger, string connection);

    [LoggerMessage(501, LogLevel.Information, "Console: connection {Connection} deleted.")]
    public static partial void ConnectionDeleted(ILogger logger, string connection);

    [LoggerMessage(502, LogLevel.Information, "Console: token {Token} issued for connection {Connection}.")]
    public static partial void TokenIssued(ILogger logger, string connection, string token);

    [LoggerMessage(503, LogLevel.Information, "Console: token {Token} of connection {Connection} revoked.")]
    public static partial void TokenRevoked(ILogger logger, string connection, string token);

    [LoggerMessage(504, LogLevel.Information, "Console: mapping policies of connection {Connection} changed.")]
    public static partial void PoliciesChanged(ILogger logger, string connection);

    [LoggerMessage(505, LogLevel.Error, "Console: settings document {Key} is not readable and is ignored.")]
    public static partial void DocumentUnreadable(ILogger logger, string key, Exception exception);

    [LoggerMessage(506, LogLevel.Warning, "Console: the settings could not be read from the store; those in force stay.")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(508, LogLevel.Information, "Console: settings of LDAP source {Source} changed.")]
    public static partial void LdapSourceChanged(ILogger logger, string source);

    [LoggerMessage(509, LogLevel.Error, "Console: the settings saved in the store do not fit this instance's configuration and are not applied; those in force stay. {Problems}")]
    public static partial void DocumentsRejected(ILogger logger, string problems);

    [LoggerMessage(507, LogLevel.Information, "Console: {Operator} ran {Action} on {Subject}.")]
    public static partial void ActionRun(ILogger logger, string @operator, string action, string subject);
}
