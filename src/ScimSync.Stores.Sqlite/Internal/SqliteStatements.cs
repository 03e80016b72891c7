// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// Prepared statements kept per open connection. Microsoft.Data.Sqlite compiles a command's SQL when the command first
/// runs and keeps the compiled statement as long as the command lives, but every new command compiles afresh; for the
/// short statements of a SCIM request, compiling (parsing, name resolution, query planning) cost about as much as
/// running them. The database's connections stay open between uses (<see cref="SqliteDatabase.OpenAsync"/>), so a
/// command kept with its connection runs its statement again without compiling it.
/// </summary>
internal static class SqliteStatements
{
    /// <summary>The most statements kept per connection: the store's own, plus the filter shapes seen most.</summary>
    public const int MaxPerConnection = 64;

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> s_kept = new();

    /// <summary>
    /// Lends a command for <paramref name="sql"/> on <paramref name="connection"/>, prepared already when the
    /// connection ran that SQL before. Dispose the returned value (not the command) once its reader is disposed.
    /// </summary>
    /// <remarks>A connection is used by one operation at a time, so its statements need no lock.</remarks>
    public static Statement Statement(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var kept = s_kept.GetValue(connection, static _ => new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

        // Taken out while in use: the same SQL asked for again before this one is given back gets a command of its own.
        if (!kept.Remove(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = transaction;
        return new Statement(command, kept, sql);
    }

    /// <summary>Gets whether <paramref name="connection"/> keeps a command for <paramref name="sql"/> (for tests).</summary>
    public static bool IsKept(this SqliteConnection connection, string sql) =>
        s_kept.TryGetValue(connection, out var kept) && kept.ContainsKey(sql);

    /// <summary>
    /// Runs the statements that follow on <paramref name="connection"/>, until the returned value is disposed, in one
    /// read transaction: they all see the database as it was at the first of them. Each statement on its own is a
    /// transaction of its own, so a read of several (a resource, then its groups) could mix two states of the file,
    /// and each began with SQLite's locking of the log and, when a write had committed in between, an emptied page
    /// cache. <c>BEGIN</c> and <c>COMMIT</c> run as kept statements, not through <see cref="SqliteTransaction"/>,
    /// which compiles them anew each time; the statements inside run with no transaction object.
    /// </summary>
    /// <remarks>
    /// A read that fails leaves the connection inside the transaction when <c>COMMIT</c> fails as well; the pool does
    /// not lend such a connection again (<see cref="SqliteDatabase.Return"/>).
    /// </remarks>
    public static ReadSnapshot BeginRead(this SqliteConnection connection)
    {
        using (var begin = connection.Statement("BEGIN;"))
        {
            begin.Command.ExecuteNonQuery();
        }

        return new ReadSnapshot(connection);
    }

    /// <summary>
    /// A <c>LIMIT</c> whose value is bound to <paramref name="parameter"/>. Given as a bare parameter, the value is
    /// read by SQLite's planner, which then marks the statement to be compiled again whenever that parameter is bound
    /// anew: every run of a kept statement compiled it again, and a new command compiled it twice. Behind a cast the
    /// planner leaves the value alone; the plans of the store's pages are the same either way (an index walked in
    /// order, stopped at the limit).
    /// </summary>
    public static string Limit(string parameter) => $"LIMIT CAST({parameter} AS INTEGER)";
}

/// <summary>A read transaction begun by <see cref="SqliteStatements.BeginRead"/>; disposing it ends it.</summary>
internal readonly struct ReadSnapshot(SqliteConnection connection) : IDisposable
{
    public void Dispose()
    {
        try
        {
            using var commit = connection.Statement("COMMIT;");
            commit.Command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Left inside the transaction: the pool abandons the connection instead of lending it again. Thrown from
            // here, the failure would hide the read's own exception.
        }
    }
}

/// <summary>A command lent by <see cref="SqliteStatements.Statement"/>; disposing it keeps it for the next use.</summary>
internal readonly struct Statement(SqliteCommand command, Dictionary<string, SqliteCommand> kept, string sql) : IDisposable
{
    public SqliteCommand Command => command;

    public void Dispose()
    {
        if (kept.Count >= SqliteStatements.MaxPerConnection || !string.Equals(command.CommandText, sql, StringComparison.Ordinal) || !kept.TryAdd(sql, command))
        {
            command.Dispose();
            return;
        }

        command.Parameters.Clear();
        command.Transaction = null;
    }
}
