// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScimSync.Errors;
using ScimSync.Stores;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>
/// Turns what the database refused into store results: the unique indexes are the uniqueness rules (no check-then-
/// insert race), the foreign keys catch a member deleted while it was being added.
/// </summary>
internal static class DbErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintForeignKey = 787;

    /// <summary>Maps a failed save to a result, or throws <see cref="ScimStoreUnavailableException"/> when the database was busy.</summary>
    /// <returns>The result, or <see langword="null"/> when the failure is not one a client caused (rethrow it).</returns>
    public static StoreResult<T>? ToResult<T>(DbUpdateException exception)
    {
        if (exception.InnerException is not SqliteException sqlite)
        {
            return null;
        }

        if (sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            throw new ScimStoreUnavailableException("The application database is busy.", exception);
        }

        return sqlite.SqliteExtendedErrorCode switch
        {
            SqliteConstraintUnique => StoreResult.Conflict<T>($"{AttributeOf(sqlite.Message)} is already in use."),
            SqliteConstraintForeignKey => StoreResult.Rejected<T>(ScimError.InvalidValue("A member does not exist (it was deleted meanwhile).")),
            _ => null,
        };
    }

    // SQLite names the index columns ("UNIQUE constraint failed: Employees.Login"); say which SCIM attribute that is.
    private static string AttributeOf(string message) =>
        message.Contains(".Login", StringComparison.Ordinal) ? "userName"
        : message.Contains(".ExternalRef", StringComparison.Ordinal) ? "externalId"
        : message.Contains("Teams.Name", StringComparison.Ordinal) ? "displayName"
        : "A unique value";
}
