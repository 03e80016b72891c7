// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Data.Sqlite;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>An open connection lent by <see cref="SqliteDatabase.OpenAsync"/>; disposing it gives it back.</summary>
internal sealed class SqliteLease(SqliteDatabase database, SqliteConnection connection) : IAsyncDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public ValueTask DisposeAsync()
    {
        database.Return(Connection);
        return ValueTask.CompletedTask;
    }
}
