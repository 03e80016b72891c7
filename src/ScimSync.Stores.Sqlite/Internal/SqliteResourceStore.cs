// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Schema;
using ScimSync.Stores.Internal;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>Matches a filter against a resource (id and meta included) when the filter cannot run in SQL.</summary>
internal delegate bool ResourceFilterMatcher(FilterNode filter, JsonObject resource);

/// <summary>
/// The SQLite store of one resource type. Reads use pooled connections of their own; writes go through the file's
/// group commit (<see cref="SqliteWriteBatcher"/>), each in a savepoint of a shared, fsync'd transaction.
/// </summary>
internal class SqliteResourceStore : IResourceStore
{
    // Resources are kept with only the escapes JSON requires ("+", "'", "&", "<" and non-ASCII letters as they are), so
    // that more of a stored value can be copied into a response as it is (ScimProjection.TryWriteStored); rows written
    // before, with every such character escaped, read the same.
    private static readonly JsonSerializerOptions s_storedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int SqliteConstraint = 19;
    private const string Columns = "t.id, t.version, t.created, t.last_modified, t.json, t.rowid";

    private readonly ResourceFilterMatcher _matcher;
    private readonly string[] _sortableColumns;
    private readonly SqlitePageAnchors _anchors;

    // The statements whose text depends only on the table, built once: they run on every request and are found again
    // in each connection's prepared statements (SqliteStatements) by this text.
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _versionSql;
    private readonly string _readSql;
    private readonly string _countsSql;

    public SqliteResourceStore(
        SqliteDatabase database,
        string directory,
        SqliteTable table,
        ScimResourceTypeDefinition resourceType,
        ResourceFilterMatcher matcher,
        TimeProvider timeProvider,
        int maxScannedResources)
    {
        Database = database;
        Directory = directory;
        Table = table;
        ResourceType = resourceType;
        _matcher = matcher;
        TimeProvider = timeProvider;
        MaxScannedResources = maxScannedResources;
        List<string> pushed = ["id", .. table.Columns.Select(c => c.Attribute)];
        if (table.HasMembers)
        {
            pushed.Add("members.value");
        }

        if (table.HasEmails)
        {
            pushed.Add("emails.value");
        }

        _sortableColumns = [.. table.Columns.Select(c => c.Attribute)];
        _anchors = new SqlitePageAnchors(table.Name, directory);
        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        var values = string.Join(", ", table.Columns.Select(c => "$" + c.Column));
        var assignments = string.Join(", ", table.Columns.Select(c => $"{c.Column} = ${c.Column}"));
        _insertSql = $"INSERT INTO {table.Name} (id, directory, {columns}, version, created, last_modified, json) VALUES ($id, $dir, {values}, 1, $now, $now, $json);";
        _updateSql =
            $"UPDATE {table.Name} SET {assignments}, version = version + 1, last_modified = $now, json = $json " +
            "WHERE id = $id AND directory = $dir AND ($expected IS NULL OR version = $expected) RETURNING version, created;";
        _versionSql = $"SELECT version FROM {table.Name} WHERE id = $id AND directory = $dir;";
        _readSql = $"SELECT {Columns} FROM {table.Name} t WHERE t.id = $id AND t.directory = $dir;";
        _countsSql = $"SELECT count, deletes FROM resource_counts WHERE directory = $dir AND resource_table = '{table.Name}';";
        Capabilities = new ResourceStoreCapabilities(pushed, maxScannedResources, SupportsSorting: true) { SupportsCursor = true };
    }

    public ResourceStoreCapabilities Capabilities { get; }

    protected SqliteDatabase Database { get; }

    /// <summary>Gets the directory this store serves: every statement is confined to its rows.</summary>
    protected string Directory { get; }

    protected SqliteTable Table { get; }

    protected ScimResourceTypeDefinition ResourceType { get; }

    protected TimeProvider TimeProvider { get; }

    protected int MaxScannedResources { get; }

    public ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => GetCoreAsync(id, includeMembers, cancellationToken));

    private async ValueTask<StoreResult<StoredResource>> GetCoreAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var lease = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            var connection = lease.Connection;
            using var snapshot = connection.BeginRead();
            var resource = await ReadAsync(connection, null, id, includeMembers, cancellationToken).ConfigureAwait(false);
            return resource is null ? StoreResult.NotFound<StoredResource>() : StoreResult.Success(resource);
        }
    }

    public ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => ListCoreAsync(query, cancellationToken));

    private async ValueTask<StoreResult<ListResult>> ListCoreAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long? after = null;
        if (query.Cursor is { } cursor)
        {
            if (!SqliteCursor.TryDecode(cursor, Table.Name, out var key))
            {
                return StoreResult.Rejected<ListResult>(ScimError.InvalidCursor("The cursor was not issued by this store."));
            }

            after = key;
        }

        var startIndex = Math.Max(1, query.StartIndex);
        var count = Math.Max(0, query.Count);
        var translator = new SqlFilterTranslator(Table, ResourceType.Schema.Id, Directory);
        var filter = query.Filter is null ? Unfiltered : translator.TranslateAll(query.Filter);

        // Cursor pages follow the keyset (rowid, which a row keeps for life), whatever sortBy says.
        var sortColumn = after is not null || query.SortBy is null ? "t.rowid" : SortColumn(query.SortBy);
        var lease = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            // The count, the rows and what a read adds to them (groups, members) come from one state of the file.
            var connection = lease.Connection;
            using var snapshot = connection.BeginRead();
            if (filter is not null && sortColumn is not null)
            {
                return StoreResult.Success(await PageInSqlAsync(connection, Where(filter), translator, sortColumn, query, startIndex, count, after, cancellationToken).ConfigureAwait(false));
            }

            var necessary = query.Filter is null ? null : translator.TranslateNecessary(query.Filter);
            return await ScanAsync(connection, Where(necessary ?? "1 = 1"), translator, query, startIndex, count, after, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => CreateCoreAsync(resource, cancellationToken));

    private async ValueTask<StoreResult<StoredResource>> CreateCoreAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var body = Prepare(resource, out var members);
        var now = TimeProvider.GetUtcNow();
        var id = ResourceIds.New(now);
        return await Database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            using var statement = connection.Statement(_insertSql, transaction);
            var command = statement.Command;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$dir", Directory);
            AddColumnParameters(command, body);
            command.Parameters.AddWithValue("$now", FormatTime(now));
            command.Parameters.AddWithValue("$json", body.ToJsonString(s_storedJson));
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
            {
                return StoreResult.Conflict<StoredResource>(ConflictDetail(e));
            }

            await WriteEmailsAsync(connection, transaction, id, body, cancellationToken).ConfigureAwait(false);
            if (members is not null)
            {
                var error = await AddMembersAsync(connection, transaction, id, members, cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    return StoreResult.Rejected<StoredResource>(error);
                }
            }

            body.Remove("members");
            var created = new StoredResource(id, body, "1", now, now);
            if (members is not null)
            {
                created.SetDerivedMembers(await ReadMembersAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false));
            }

            return StoreResult.Success(created);
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => ReplaceCoreAsync(id, resource, expectedVersion, cancellationToken));

    private async ValueTask<StoreResult<StoredResource>> ReplaceCoreAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(resource);
        var body = Prepare(resource, out var members);
        var json = body.ToJsonString(s_storedJson);

        // Versions are the store's counters written in invariant digits; any other text can only mismatch, and the
        // version check below then tells which failure it is (SQL would take "007" for 7).
        long? expected = expectedVersion is null ? null
            : long.TryParse(expectedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var number) &&
              number.ToString(CultureInfo.InvariantCulture) == expectedVersion ? number : -1;
        return await Database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            var now = TimeProvider.GetUtcNow();
            (long Version, string Created)? updated = null;
            if (expected != -1)
            {
                // The version check is the update's own condition, and the row comes back from it: the write reads
                // nothing it has just written.
                using var statement = connection.Statement(_updateSql, transaction);
                var command = statement.Command;
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$dir", Directory);
                command.Parameters.AddWithValue("$expected", (object?)expected ?? DBNull.Value);
                AddColumnParameters(command, body);
                command.Parameters.AddWithValue("$now", FormatTime(now));
                command.Parameters.AddWithValue("$json", json);
                try
                {
                    using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        updated = (reader.GetInt64(0), reader.GetString(1));
                    }
                }
                catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
                {
                    return StoreResult.Conflict<StoredResource>(ConflictDetail(e));
                }
            }

            if (updated is not { } row)
            {
                // Nothing updated: the resource is not there, or not at the version expected.
                var check = await CheckVersionAsync(connection, transaction, id, expectedVersion, cancellationToken).ConfigureAwait(false);
                return check?.Status == StoreResultStatus.NotFound ? StoreResult.NotFound<StoredResource>() : StoreResult.VersionMismatch<StoredResource>();
            }

            await WriteEmailsAsync(connection, transaction, id, body, cancellationToken).ConfigureAwait(false);
            if (Table.HasMembers)
            {
                using var clearStatement = connection.Statement("DELETE FROM group_members WHERE group_id = $id;", transaction);
                var clear = clearStatement.Command;
                clear.Parameters.AddWithValue("$id", id);
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var error = await AddMembersAsync(connection, transaction, id, members ?? [], cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    return StoreResult.Rejected<StoredResource>(error);
                }
            }

            // The stored form is the text just written, as a read would return it; the derived attributes are read as
            // they now are.
            var stored = new StoredResource(
                id, Encoding.UTF8.GetBytes(json), row.Version.ToString(CultureInfo.InvariantCulture), ParseTime(row.Created), now);
            await AttachDerivedAsync(connection, transaction, stored, includeMembers: true, cancellationToken).ConfigureAwait(false);
            return StoreResult.Success(stored);
        }, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => DeleteCoreAsync(id, expectedVersion, cancellationToken));

    private async ValueTask<StoreResult<string>> DeleteCoreAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await Database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            var check = await CheckVersionAsync(connection, transaction, id, expectedVersion, cancellationToken).ConfigureAwait(false);
            if (check is not null)
            {
                return check.Status == StoreResultStatus.NotFound ? StoreResult.NotFound<string>() : StoreResult.VersionMismatch<string>();
            }

            // A deleted resource leaves every group it was a member of; those groups change version.
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"""
                UPDATE groups SET version = version + 1, last_modified = $now
                    WHERE id IN (SELECT group_id FROM group_members WHERE directory = $dir AND member_id = $id);
                DELETE FROM group_members WHERE directory = $dir AND member_id = $id;
                {(Table.HasMembers ? "DELETE FROM group_members WHERE group_id = $id;" : string.Empty)}
                {(Table.HasEmails ? "DELETE FROM user_emails WHERE user_id = $id;" : string.Empty)}
                DELETE FROM {Table.Name} WHERE id = $id;
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$dir", Directory);
            command.Parameters.AddWithValue("$now", FormatTime(TimeProvider.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return StoreResult.Success(id);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds attributes the store derives rather than keeps (a user's <c>groups</c>).</summary>
    protected virtual Task AttachComputedAsync(SqliteConnection connection, SqliteTransaction? transaction, StoredResource resource, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Adds the derived attributes to a page of resources (one query for the page, not one per resource).</summary>
    protected virtual async Task AttachComputedAsync(SqliteConnection connection, IReadOnlyList<StoredResource> resources, CancellationToken cancellationToken)
    {
        foreach (var resource in resources)
        {
            await AttachComputedAsync(connection, null, resource, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A JSON array of strings, for <c>json_each</c>: one parameter instead of one statement per value.</summary>
    protected static string IdsJson(IReadOnlyCollection<string> ids)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(16, ids.Count * 40));
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    protected static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    // What FormatTime writes is the round-trip ("O") form of a UTC time, which the runtime parses on a fast path of its
    // own, but only without styles: with AssumeUniversal it went through the general parser, about 170 ns a time
    // against 20 (two per row read). The "Z" the store writes says UTC anyway; text without it keeps the old reading.
    protected static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(
            text, "O", CultureInfo.InvariantCulture, text.EndsWith('Z') ? DateTimeStyles.None : DateTimeStyles.AssumeUniversal);

    /// <summary>Returns <see langword="null"/> when the row exists at the expected version, else the failure.</summary>
    protected async Task<StoreResult<long>?> CheckVersionAsync(
        SqliteConnection connection, SqliteTransaction transaction, string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        using var commandStatement = connection.Statement(_versionSql, transaction);
        var command = commandStatement.Command;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$dir", Directory);
        var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            return StoreResult.NotFound<long>();
        }

        if (expectedVersion is not null &&
            !string.Equals(Convert.ToInt64(version, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), expectedVersion, StringComparison.Ordinal))
        {
            return StoreResult.VersionMismatch<long>();
        }

        return null;
    }

    protected async Task<StoredResource?> ReadAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string id, bool includeMembers, CancellationToken cancellationToken)
    {
        using var commandStatement = connection.Statement(_readSql, transaction);
        var command = commandStatement.Command;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$dir", Directory);
        StoredResource? resource;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            resource = ReadRow(reader);
        }

        await AttachDerivedAsync(connection, transaction, resource, includeMembers, cancellationToken).ConfigureAwait(false);
        return resource;
    }

    // The attributes a read adds to the row: a user's groups, a group's members when asked for.
    private async Task AttachDerivedAsync(
        SqliteConnection connection, SqliteTransaction? transaction, StoredResource resource, bool includeMembers, CancellationToken cancellationToken)
    {
        await AttachComputedAsync(connection, transaction, resource, cancellationToken).ConfigureAwait(false);
        if (includeMembers && Table.HasMembers)
        {
            resource.SetDerivedMembers(await ReadMembersAsync(connection, transaction, resource.Id, cancellationToken).ConfigureAwait(false));
        }
    }

    protected static async Task<List<GroupMember>> ReadMembersAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string groupId, CancellationToken cancellationToken)
    {
        using var commandStatement = connection.Statement("SELECT member_id, member_type, display FROM group_members WHERE group_id = $id ORDER BY rowid;", transaction);
        var command = commandStatement.Command;
        command.Parameters.AddWithValue("$id", groupId);
        var members = new List<GroupMember>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            members.Add(new GroupMember(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return members;
    }

    /// <summary>
    /// Inserts members (existing ones are kept) with one statement whatever their number, and a second only when some
    /// were not inserted; returns the number of rows added, or an error naming the first value that is neither a member
    /// already nor a User or Group of this directory. On an error the rows of the valid members are already inserted:
    /// the caller returns a result that is not a success, and the group commit rolls the write back to its savepoint.
    /// </summary>
    protected async Task<(int Added, ScimError? Error)> InsertMembersAsync(
        SqliteConnection connection, SqliteTransaction transaction, string groupId, IReadOnlyCollection<GroupMember> members, CancellationToken cancellationToken)
    {
        if (members.Count == 0)
        {
            return (0, null);
        }

        var withDisplay = false;
        foreach (var member in members)
        {
            withDisplay |= member.Display is not null;
        }

        // Insert first: the rows of the members that exist, typed by the table each lives in (one look-up in users,
        // and in groups only when that found nothing), in the request's order, which becomes the rowid order. Members
        // that come as values alone (Entra ID sends no display) go as an array of ids, which SQLite walks without
        // parsing an object per member; with display names, as objects.
        var json = withDisplay ? MembersJson(members) : IdsJson(members.Select(m => m.Value).ToList());
        int added;
        using (var insert = connection.Statement(withDisplay ? InsertMembersWithDisplaySql : InsertMemberIdsSql, transaction))
        {
            insert.Command.Parameters.AddWithValue("$group", groupId);
            insert.Command.Parameters.AddWithValue("$dir", Directory);
            insert.Command.Parameters.AddWithValue("$members", json);
            added = await insert.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (added == CountDistinct(members))
        {
            // Every member named was inserted, so every one exists: the usual case (new members) needs no second query.
            return (added, null);
        }

        // Some were not inserted: each is already a member, or is no User or Group of this directory. The first of the
        // latter, in the request's order, is refused; the caller's result then rolls back the rows inserted above.
        // (json_each walks the array in order; an ORDER BY here made SQLite sort through a temporary B-tree and cost
        // twenty times the look-ups themselves.)
        using var find = connection.Statement(
            """
            SELECT m.id FROM (SELECT CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.value') ELSE j.value END AS id FROM json_each($members) j) m
            WHERE NOT EXISTS (SELECT 1 FROM group_members WHERE group_id = $group AND member_id = m.id)
            LIMIT 1;
            """,
            transaction);
        find.Command.Parameters.AddWithValue("$group", groupId);
        find.Command.Parameters.AddWithValue("$members", json);
        return await find.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string missing
            ? (0, ScimError.InvalidValue($"Member '{missing}' is not an existing User or Group."))
            : (added, null);
    }

    private const string InsertMembersWithDisplaySql =
        """
        INSERT OR IGNORE INTO group_members (group_id, member_id, member_type, display, directory)
        SELECT $group, m.id, CASE WHEN u.id IS NOT NULL THEN 'User' ELSE 'Group' END, m.display, $dir
        FROM (SELECT json_extract(j.value, '$.value') AS id, json_extract(j.value, '$.display') AS display, j.key AS k FROM json_each($members) j) m
        LEFT JOIN users u ON u.id = m.id AND u.directory = $dir
        LEFT JOIN groups g ON u.id IS NULL AND g.id = m.id AND g.directory = $dir AND g.id <> $group
        WHERE u.id IS NOT NULL OR g.id IS NOT NULL
        ORDER BY m.k;
        """;

    private const string InsertMemberIdsSql =
        """
        INSERT OR IGNORE INTO group_members (group_id, member_id, member_type, display, directory)
        SELECT $group, j.value, CASE WHEN u.id IS NOT NULL THEN 'User' ELSE 'Group' END, NULL, $dir
        FROM json_each($members) j
        LEFT JOIN users u ON u.id = j.value AND u.directory = $dir
        LEFT JOIN groups g ON u.id IS NULL AND g.id = j.value AND g.directory = $dir AND g.id <> $group
        WHERE u.id IS NOT NULL OR g.id IS NOT NULL
        ORDER BY j.key;
        """;

    private static int CountDistinct(IReadOnlyCollection<GroupMember> members)
    {
        var ids = new HashSet<string>(members.Count, StringComparer.Ordinal);
        foreach (var member in members)
        {
            ids.Add(member.Value);
        }

        return ids.Count;
    }

    /// <summary>Removes members by value with one statement; returns the number of rows removed.</summary>
    protected static async Task<int> DeleteMembersAsync(
        SqliteConnection connection, SqliteTransaction transaction, string groupId, IReadOnlyCollection<string> memberIds, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
        {
            return 0;
        }

        using var commandStatement = connection.Statement("DELETE FROM group_members WHERE group_id = $group AND member_id IN (SELECT value FROM json_each($ids));", transaction);
        var command = commandStatement.Command;
        command.Parameters.AddWithValue("$group", groupId);
        command.Parameters.AddWithValue("$ids", IdsJson(memberIds));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string MembersJson(IReadOnlyCollection<GroupMember> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(members.Count * 64);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var member in members)
            {
                writer.WriteStartObject();
                writer.WriteString("value", member.Value);
                if (member.Display is not null)
                {
                    writer.WriteString("display", member.Display);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Reads the rows a query over Columns returns, each with its rowid (the keyset and cursor key).
    private static async Task ReadRowsAsync(SqliteCommand command, List<(StoredResource Resource, long Key)> rows, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((ReadRow(reader), reader.GetInt64(5)));
        }
    }

    private static StoredResource ReadRow(SqliteDataReader reader)
    {
        // The column's UTF-8 bytes as SQLite holds them: no detour through a UTF-16 string and back. They are parsed
        // only when somebody reads the resource; a response can be written from them directly.
        return new StoredResource(
            reader.GetString(0),
            reader.GetFieldValue<byte[]>(4),
            reader.GetInt64(1).ToString(CultureInfo.InvariantCulture),
            ParseTime(reader.GetString(2)),
            ParseTime(reader.GetString(3)));
    }

    private async Task<ScimError?> AddMembersAsync(
        SqliteConnection connection, SqliteTransaction transaction, string groupId, IReadOnlyCollection<GroupMember> members, CancellationToken cancellationToken)
    {
        var (_, error) = await InsertMembersAsync(connection, transaction, groupId, members, cancellationToken).ConfigureAwait(false);
        return error;
    }

    /// <summary>
    /// Keeps the user's <c>emails</c> side table in step with the row, in the same transaction: one row per address,
    /// case-folded as <c>emails.value</c> compares, so <c>emails.value eq</c> and <c>emails[type eq "work"].value eq</c>
    /// are index lookups.
    /// </summary>
    private async Task WriteEmailsAsync(SqliteConnection connection, SqliteTransaction transaction, string id, JsonObject body, CancellationToken cancellationToken)
    {
        if (!Table.HasEmails)
        {
            return;
        }

        using (var delete = connection.Statement("DELETE FROM user_emails WHERE user_id = $id;", transaction))
        {
            delete.Command.Parameters.AddWithValue("$id", id);
            await delete.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var emails = new HashSet<(string? Type, string Value)>();
        foreach (var property in body)
        {
            if (string.Equals(property.Key, "emails", StringComparison.OrdinalIgnoreCase) && property.Value is JsonArray array)
            {
                foreach (var email in array.OfType<JsonObject>())
                {
                    if (StringOf(email, "value") is { } value)
                    {
                        emails.Add((StringOf(email, "type")?.ToUpperInvariant(), value.ToUpperInvariant()));
                    }
                }
            }
        }

        if (emails.Count == 0)
        {
            return;
        }

        using var insert = connection.Statement("INSERT INTO user_emails (user_id, directory, type_key, value_key) VALUES ($id, $dir, $type, $value);", transaction);
        var command = insert.Command;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$dir", Directory);
        var type = command.Parameters.Add("$type", SqliteType.Text);
        var valueKey = command.Parameters.Add("$value", SqliteType.Text);
        foreach (var (emailType, emailValue) in emails)
        {
            type.Value = (object?)emailType ?? DBNull.Value;
            valueKey.Value = emailValue;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Copies the resource without id, meta and (for groups) members, which live elsewhere.</summary>
    private JsonObject Prepare(JsonObject resource, out List<GroupMember>? members)
    {
        var body = new JsonObject();
        members = Table.HasMembers ? [] : null;
        foreach (var property in resource)
        {
            if (string.Equals(property.Key, "id", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(property.Key, "meta", StringComparison.OrdinalIgnoreCase) ||
                (!Table.HasMembers && string.Equals(property.Key, "groups", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (Table.HasMembers && string.Equals(property.Key, "members", StringComparison.OrdinalIgnoreCase))
            {
                if (property.Value is JsonArray array)
                {
                    foreach (var item in array)
                    {
                        if (item is JsonObject member && StringOf(member, "value") is { } value)
                        {
                            members!.Add(new GroupMember(value, StringOf(member, "type"), StringOf(member, "display")));
                        }
                    }
                }

                continue;
            }

            body[property.Key] = property.Value?.DeepClone();
        }

        foreach (var column in Table.Columns)
        {
            if (column.Required && column.Read(body) is null)
            {
                throw new ArgumentException($"The resource has no '{column.Attribute}' string value.", nameof(resource));
            }
        }

        return body;
    }

    private static string? StringOf(JsonObject obj, string name)
    {
        foreach (var property in obj)
        {
            if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase) &&
                property.Value is JsonValue value && value.TryGetValue<string>(out var text))
            {
                return text;
            }
        }

        return null;
    }

    private void AddColumnParameters(SqliteCommand command, JsonObject body)
    {
        foreach (var column in Table.Columns)
        {
            command.Parameters.AddWithValue("$" + column.Column, (object?)column.ToKey(column.Read(body)) ?? DBNull.Value);
        }
    }

    private string ConflictDetail(SqliteException e)
    {
        // The message names the index's columns (for example "UNIQUE constraint failed: users.user_name_key").
        foreach (var column in Table.Columns)
        {
            if (e.Message.Contains($"{Table.Name}.{column.Column}", StringComparison.Ordinal))
            {
                return $"A {Table.ResourceType} with the same {column.Attribute} already exists.";
            }
        }

        return $"A {Table.ResourceType} with the same unique value already exists.";
    }

    private string? SortColumn(Patching.AttributePath sortBy)
    {
        if (sortBy.SchemaUri is not null && !string.Equals(sortBy.SchemaUri, ResourceType.Schema.Id, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (sortBy.SubAttributeName is null)
        {
            if (string.Equals(sortBy.AttributeName, "id", StringComparison.OrdinalIgnoreCase))
            {
                return "t.id";
            }

            return _sortableColumns.Contains(sortBy.AttributeName, StringComparer.OrdinalIgnoreCase)
                ? "t." + Table.FindColumn(sortBy.AttributeName)!.Column
                : null;
        }

        if (string.Equals(sortBy.AttributeName, "meta", StringComparison.OrdinalIgnoreCase))
        {
            if (string.Equals(sortBy.SubAttributeName, "created", StringComparison.OrdinalIgnoreCase))
            {
                return "t.created";
            }

            if (string.Equals(sortBy.SubAttributeName, "lastModified", StringComparison.OrdinalIgnoreCase))
            {
                return "t.last_modified";
            }
        }

        return null;
    }

    /// <summary>Runs <c>EXPLAIN QUERY PLAN</c> on the count and page statements of a filter SQL answers whole.</summary>
    internal async Task<IReadOnlyList<string>> ExplainListAsync(FilterNode filter, CancellationToken cancellationToken)
    {
        var translator = new SqlFilterTranslator(Table, ResourceType.Schema.Id, Directory);
        var where = Where(translator.TranslateAll(filter) ?? throw new ArgumentException("The filter cannot run in SQL.", nameof(filter)));
        var plan = new List<string>();
        var lease = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            var connection = lease.Connection;
            foreach (var sql in new[] { CountSql(where), PageSql(where, "t.rowid", SortOrder.Ascending, cursor: false) })
            {
                using var command = connection.CreateCommand();
                command.CommandText = "EXPLAIN QUERY PLAN " + sql;
                command.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
                command.Parameters.AddWithValue("$limit", 10);
                command.Parameters.AddWithValue("$offset", 0);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    plan.Add(reader.GetString(3));
                }
            }
        }

        return plan;
    }

    /// <summary>The condition of a list without a filter (its total comes from <c>resource_counts</c>).</summary>
    private const string Unfiltered = "1 = 1";

    private static string Where(string filter) => $"t.directory = $dir AND {filter}";

    private string CountSql(string where) => where == Where(Unfiltered)
        ? $"SELECT COALESCE((SELECT count FROM resource_counts WHERE directory = $dir AND resource_table = '{Table.Name}'), 0);"
        : $"SELECT COUNT(*) FROM {Table.Name} t WHERE {where};";

    private string PageSql(string where, string sortColumn, SortOrder order, bool cursor)
    {
        if (cursor)
        {
            return $"SELECT {Columns} FROM {Table.Name} t WHERE {where} AND t.rowid > $after ORDER BY t.rowid {SqliteStatements.Limit("$limit")};";
        }

        if (sortColumn == "t.rowid")
        {
            // The default order: the directory index walks it without sorting (rowid is never null).
            return $"SELECT {Columns} FROM {Table.Name} t WHERE {where} ORDER BY t.rowid {SqliteStatements.Limit("$limit")} OFFSET $offset;";
        }

        // RFC 7644 §3.4.2.3: resources without a value are last ascending and first descending.
        var direction = order == SortOrder.Descending ? "DESC NULLS FIRST" : "ASC NULLS LAST";
        return $"SELECT {Columns} FROM {Table.Name} t WHERE {where} ORDER BY {sortColumn} {direction}, t.rowid {SqliteStatements.Limit("$limit")} OFFSET $offset;";
    }

    private async Task<ListResult> PageInSqlAsync(
        SqliteConnection connection, string where, SqlFilterTranslator translator, string sortColumn, ListQuery query, int startIndex, int count, long? after,
        CancellationToken cancellationToken)
    {
        int? total = null;
        var rows = new List<(StoredResource Resource, long Key)>();
        var anchored = after is null && count > 0 && sortColumn == "t.rowid" && startIndex > SqlitePageAnchors.Stride && where == Where(Unfiltered);

        // A first page that comes back short holds every match, so its length is the total: a lookup (userName eq,
        // externalId eq) runs one statement, not a COUNT and then the rows. Later pages, cursor pages, full first pages
        // and count=0 still count.
        var firstPage = after is null && startIndex == 1 && count > 0;
        if (anchored)
        {
            total = await ReadAnchoredPageAsync(connection, where, translator, startIndex, count, rows, cancellationToken).ConfigureAwait(false);
        }
        else if (!firstPage)
        {
            total = await CountAsync(connection, where, translator, cancellationToken).ConfigureAwait(false);
        }

        if (!anchored && count > 0 && (after is not null || startIndex <= total || firstPage))
        {
            using var statement = connection.Statement(PageSql(where, sortColumn, query.SortOrder, after is not null));
            var command = statement.Command;
            command.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));

            // A cursor page reads one row more, to know whether another page follows.
            command.Parameters.AddWithValue("$limit", after is null ? count : count + 1L);
            command.Parameters.AddWithValue("$offset", startIndex - 1);
            command.Parameters.AddWithValue("$after", after ?? 0);
            await ReadRowsAsync(command, rows, cancellationToken).ConfigureAwait(false);
        }

        if (total is null)
        {
            total = rows.Count < count ? rows.Count : await CountAsync(connection, where, translator, cancellationToken).ConfigureAwait(false);
        }

        string? next = null;
        if (after is not null && rows.Count > count)
        {
            rows.RemoveAt(rows.Count - 1);
            next = SqliteCursor.Encode(Table.Name, rows[^1].Key);
        }

        var page = rows.Select(r => r.Resource).ToList();
        await AttachComputedAsync(connection, page, cancellationToken).ConfigureAwait(false);

        if (query.IncludeMembers && Table.HasMembers)
        {
            foreach (var resource in page)
            {
                resource.SetDerivedMembers(await ReadMembersAsync(connection, null, resource.Id, cancellationToken).ConfigureAwait(false));
            }
        }

        return new ListResult(page, total.Value) { NextCursor = next };
    }

    private async Task<int> CountAsync(SqliteConnection connection, string where, SqlFilterTranslator translator, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement(CountSql(where));
        var command = statement.Command;
        command.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    // An unfiltered page in the default order deep into the directory, inside the list's read snapshot: the total, the
    // anchor and the rows, the rows from the nearest anchor on (SqlitePageAnchors). Returns the total; adds the rows.
    private async Task<int> ReadAnchoredPageAsync(
        SqliteConnection connection, string where, SqlFilterTranslator translator, int startIndex, int count, List<(StoredResource Resource, long Key)> rows,
        CancellationToken cancellationToken)
    {
        int total;
        long deletes;
        // Kept: every deep page of a list asks it.
        using (var countStatement = connection.Statement(_countsSql))
        {
            var countCommand = countStatement.Command;
            countCommand.Parameters.AddWithValue("$dir", Directory);
            using var reader = await countCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var found = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            total = found ? reader.GetInt32(0) : 0;
            deletes = found ? reader.GetInt64(1) : 0;
        }

        if (startIndex <= total)
        {
            var seek = _anchors.Find(connection, null, deletes, startIndex - 1L);
            using var commandStatement = connection.Statement($"SELECT {Columns} FROM {Table.Name} t WHERE {where} AND t.rowid >= $from ORDER BY t.rowid {SqliteStatements.Limit("$limit")} OFFSET $offset;");
            var command = commandStatement.Command;
            command.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
            command.Parameters.AddWithValue("$from", seek?.From ?? long.MinValue);
            command.Parameters.AddWithValue("$limit", count);
            command.Parameters.AddWithValue("$offset", seek?.Skip ?? startIndex - 1L);
            await ReadRowsAsync(command, rows, cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    private async Task<StoreResult<ListResult>> ScanAsync(
        SqliteConnection connection, string where, SqlFilterTranslator translator, ListQuery query, int startIndex, int count, long? after,
        CancellationToken cancellationToken)
    {
        using (var countCommand = connection.CreateCommand())
        {
            countCommand.CommandText = CountSql(where);
            countCommand.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
            var candidates = Convert.ToInt64(await countCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (candidates > MaxScannedResources)
            {
                return StoreResult.Rejected<ListResult>(ScimError.TooMany(
                    $"The filter would examine {candidates} resources, more than this server evaluates per request ({MaxScannedResources}). " +
                    "Narrow it with an 'eq' on an indexed attribute (" + string.Join(", ", Capabilities.PushedDownAttributes) + ")."));
            }
        }

        var matches = new List<(StoredResource Resource, JsonObject View, long Key)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Columns} FROM {Table.Name} t WHERE {where} ORDER BY t.rowid;";
            command.Parameters.AddRange(translator.Parameters.Select(p => new SqliteParameter(p.ParameterName, p.Value)));
            var rows = new List<(StoredResource Resource, long Key)>();
            await ReadRowsAsync(command, rows, cancellationToken).ConfigureAwait(false);

            var filterNeedsMembers = Table.HasMembers && query.Filter is not null && MentionsMembers(query.Filter);
            await AttachComputedAsync(connection, [.. rows.Select(r => r.Resource)], cancellationToken).ConfigureAwait(false);
            foreach (var (row, key) in rows)
            {
                if (Table.HasMembers && (query.IncludeMembers || filterNeedsMembers))
                {
                    row.SetDerivedMembers(await ReadMembersAsync(connection, null, row.Id, cancellationToken).ConfigureAwait(false));
                }

                var view = ToView(row);
                if (query.Filter is null || _matcher(query.Filter, view))
                {
                    if (!query.IncludeMembers)
                    {
                        row.Resource.Remove("members");
                    }

                    matches.Add((row, view, key));
                }
            }
        }

        if (after is not null)
        {
            var rest = matches.Where(m => m.Key > after).ToList();
            var cursorPage = rest.Take(count).ToList();
            var next = count > 0 && rest.Count > count ? SqliteCursor.Encode(Table.Name, cursorPage[^1].Key) : null;
            return StoreResult.Success(new ListResult([.. cursorPage.Select(m => m.Resource)], matches.Count) { NextCursor = next });
        }

        if (query.SortBy is { } sortBy)
        {
            var comparer = new ResourceSortComparer(ResourceType, sortBy, query.SortOrder == SortOrder.Descending);
            matches = [.. matches.OrderBy(m => m.View, comparer)];
        }

        var page = count == 0 ? [] : matches.Skip(startIndex - 1).Take(count).Select(m => m.Resource).ToList();
        return StoreResult.Success(new ListResult(page, matches.Count));
    }

    private static bool MentionsMembers(FilterNode filter) => filter switch
    {
        LogicalNode logical => MentionsMembers(logical.Left) || MentionsMembers(logical.Right),
        NotNode not => MentionsMembers(not.Operand),
        ComparisonNode comparison => IsMembers(comparison.Path),
        PresentNode present => IsMembers(present.Path),
        ValuePathNode valuePath => IsMembers(valuePath.Path),
        _ => true,
    };

    private static bool IsMembers(Patching.AttributePath path) =>
        string.Equals(path.AttributeName, "members", StringComparison.OrdinalIgnoreCase);

    /// <summary>The resource as a filter sees it: with <c>id</c> and <c>meta</c>.</summary>
    private JsonObject ToView(StoredResource resource)
    {
        var view = (JsonObject)resource.Resource.DeepClone();
        view["id"] = resource.Id;
        view["meta"] = new JsonObject
        {
            ["resourceType"] = ResourceType.Name,
            ["created"] = resource.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["lastModified"] = resource.LastModified.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["version"] = resource.Version,
        };
        return view;
    }
}
