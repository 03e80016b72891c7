// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Turns SQLite failures a retry may cure into <see cref="ScimStoreUnavailableException"/>.</summary>
internal static class SqliteFailures
{
    // Primary result codes (https://sqlite.org/rescode.html); extended codes carry them in the low byte.
    private const int Busy = 5;
    private const int Locked = 6;
    private const int IoError = 10;
    private const int Full = 13;
    private const int CantOpen = 14;

    public static bool IsTransient(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is Busy or Locked or IoError or Full or CantOpen;

    /// <summary>
    /// Runs a store operation. Every write runs in a transaction that is disposed (rolled back) when the operation
    /// throws, so by the time the exception leaves nothing is half-applied.
    /// </summary>
    public static async ValueTask<T> GuardAsync<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException e) when (IsTransient(e))
        {
            throw new ScimStoreUnavailableException($"The SQLite database is temporarily unavailable (SQLite error {e.SqliteErrorCode}).", e)
            {
                RetryAfter = TimeSpan.FromSeconds(1),
            };
        }
    }
}
