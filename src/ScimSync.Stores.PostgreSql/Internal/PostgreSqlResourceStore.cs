// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Data;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ScimSync.Errors;
using ScimSync.Filtering;
using ScimSync.Schema;
using ScimSync.Stores.Internal;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// The PostgreSQL store of one resource type in one directory. Each operation runs on its own pooled connection in one
/// transaction; uniqueness is enforced by unique indexes and optimistic concurrency by conditional updates, so
/// concurrent host instances never lose a write.
/// </summary>
internal abstract class PostgreSqlResourceStore : IResourceStore
{
    private const string Columns = "t.id, t.version, t.created, t.last_modified, t.data::text";

    private readonly ScimFilterEvaluator _evaluator;

    protected PostgreSqlResourceStore(
        PostgreSqlDatabase database,
        PostgreSqlTable table,
        string directory,
        ScimResourceTypeDefinition resourceType,
        TimeProvider timeProvider,
        int maxScannedResources)
    {
        Database = database;
        Table = table;
        Directory = directory;
        ResourceType = resourceType;
        TimeProvider = timeProvider;
        MaxScannedResources = maxScannedResources;
        _evaluator = new ScimFilterEvaluator(resourceType);
        List<string> pushed = ["id", "externalId", table.NameAttribute, table.HasMembers ? "members.value" : "emails.value"];
        Capabilities = new ResourceStoreCapabilities(pushed, maxScannedResources, SupportsSorting: true) { SupportsCursor = true };
    }

    public ResourceStoreCapabilities Capabilities { get; }

    protected PostgreSqlDatabase Database { get; }

    protected PostgreSqlTable Table { get; }

    protected string Directory { get; }

    protected ScimResourceTypeDefinition ResourceType { get; }

    protected TimeProvider TimeProvider { get; }

    protected int MaxScannedResources { get; }

    public async ValueTask<StoreResult<StoredResource>> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await Database.RunAsync(
            async connection =>
            {
                var resource = await ReadAsync(connection, null, id, includeMembers, cancellationToken).ConfigureAwait(false);
                return resource is null ? StoreResult.NotFound<StoredResource>() : StoreResult.Success(resource);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<ListResult>> ListAsync(ListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var startIndex = Math.Max(1, query.StartIndex);
        var count = Math.Max(0, query.Count);
        var translator = new SqlFilterTranslator(Table, ResourceType);
        var where = query.Filter is null ? "TRUE" : translator.TranslateAll(query.Filter);
        var necessary = where ?? (query.Filter is null ? null : translator.TranslateNecessary(query.Filter)) ?? "TRUE";
        var sort = query.SortBy is null ? null : translator.Sort(query.SortBy);
        var descending = sort is not null && query.SortOrder == SortOrder.Descending;

        // RFC 7644 §3.4.2.3: resources without a value are last ascending and first descending.
        var orderBy = sort is null
            ? "t.seq"
            : descending ? $"{sort.Sql} DESC NULLS FIRST, t.seq DESC" : $"{sort.Sql} ASC NULLS LAST, t.seq";

        CursorCodec.Position? position = null;
        string? fingerprint = null;
        if (query.Cursor is { } cursor)
        {
            fingerprint = CursorCodec.Fingerprint(Directory, Table.ResourceType, query);
        }

        return await Database.RunAsync(
            async connection =>
            {
                if (query.Cursor is { Length: > 0 } text && !CursorCodec.TryDecode(Database.CursorKey, fingerprint!, text, out position))
                {
                    return StoreResult.Rejected<ListResult>(ScimError.InvalidCursor("The cursor is not one this server issued for this query."));
                }

                var parameters = translator.Parameters.ToList();
                var after = "TRUE";
                if (position is not null)
                {
                    after = After(sort, descending, position, parameters);
                }

                // One snapshot for the count and the page, so the total matches the rows.
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // A first index page that comes back short holds every match, so its length is the total: a lookup
                    // (userName eq, externalId eq) runs one statement, not a COUNT and then the rows. The scan counts
                    // first, to refuse one that would examine too much.
                    var countAfterRows = where is not null && query.Cursor is null && startIndex == 1 && count > 0;
                    var total = countAfterRows ? 0 : await CountAsync(connection, transaction, necessary, parameters, cancellationToken).ConfigureAwait(false);
                    if (where is null && total > MaxScannedResources)
                    {
                        return StoreResult.Rejected<ListResult>(ScimError.TooMany(
                            $"The filter would examine {total} resources, more than this server evaluates per request ({MaxScannedResources}). " +
                            "Narrow it with a condition the database can answer (for example 'eq' on id, externalId or " + Table.NameAttribute + ")."));
                    }

                    var sortColumn = sort is null ? "NULL::text" : $"({sort.Sql})::text";
                    var paging = query.Cursor is not null ? " LIMIT @limit" : " LIMIT @limit OFFSET @offset";
                    var sql = $"SELECT {Columns}, t.seq, {sortColumn}, {after} FROM {Table.Name} t WHERE t.directory = @directory AND {necessary} ORDER BY {orderBy}";
                    if (where is not null && query.Cursor is not null)
                    {
                        sql = $"SELECT {Columns}, t.seq, {sortColumn}, TRUE FROM {Table.Name} t WHERE t.directory = @directory AND {necessary} AND {after} ORDER BY {orderBy}{paging}";
                    }
                    else if (where is not null && query.Filter is null)
                    {
                        // An unfiltered startIndex page: the page's keys first (an index walk), then the documents of
                        // those rows only, by the (directory, seq) index, put in order again. Selecting the documents in
                        // the offset scan itself made PostgreSQL convert every row of the directory to text and sort
                        // it (on disk, past work_mem) to return 100 of them. Filtered pages are lookups (one row, by
                        // their own index) and keep the single statement.
                        sql = $"SELECT {Columns}, t.seq, {sortColumn}, TRUE FROM {Table.Name} t WHERE t.directory = @directory AND t.seq = ANY(ARRAY(" +
                            $"SELECT t.seq FROM {Table.Name} t WHERE t.directory = @directory AND {necessary} ORDER BY {orderBy}{paging})) ORDER BY {orderBy}";
                    }
                    else if (where is not null)
                    {
                        sql += paging;
                    }

                    var rows = new List<(StoredResource Resource, long Seq, string? Key, bool After)>();
                    await using (var command = new NpgsqlCommand(sql, connection, transaction))
                    {
                        command.Parameters.AddWithValue("directory", Directory);
                        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
                        if (where is not null)
                        {
                            // One more row than asked tells whether a cursor page has a successor.
                            command.Parameters.AddWithValue("limit", query.Cursor is not null ? count + 1 : count);
                            if (query.Cursor is null)
                            {
                                command.Parameters.AddWithValue("offset", startIndex - 1);
                            }
                        }

                        Database.ListCommandObserver?.Invoke(command);
                        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows.Add((ReadRow(reader), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7)));
                        }
                    }

                    if (countAfterRows)
                    {
                        total = rows.Count < count ? rows.Count : await CountAsync(connection, transaction, necessary, parameters, cancellationToken).ConfigureAwait(false);
                    }

                    var filterNeedsMembers = where is null && Table.HasMembers && query.Filter is not null;
                    await AttachAsync(connection, transaction, rows.Select(r => r.Resource).ToList(), query.IncludeMembers || filterNeedsMembers, cancellationToken).ConfigureAwait(false);

                    if (where is null)
                    {
                        // The bounded scan: every candidate is in memory, in order, each knowing whether it follows the cursor.
                        rows = [.. rows.Where(r => _evaluator.Matches(query.Filter!, ToView(r.Resource)))];
                        total = rows.Count;
                        rows = query.Cursor is not null
                            ? [.. rows.Where(r => r.After).Take(count + 1)]
                            : [.. rows.Skip(startIndex - 1).Take(count)];
                        if (!query.IncludeMembers)
                        {
                            foreach (var row in rows)
                            {
                                row.Resource.Resource.Remove("members");
                            }
                        }
                    }

                    string? next = null;
                    if (query.Cursor is not null && rows.Count > count)
                    {
                        rows.RemoveAt(rows.Count - 1);
                        var last = rows.Count > 0 ? rows[^1] : default;
                        if (rows.Count > 0)
                        {
                            next = CursorCodec.Encode(Database.CursorKey, fingerprint!, new CursorCodec.Position(last.Key, last.Seq));
                        }
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(new ListResult([.. rows.Select(r => r.Resource)], checked((int)total)) { NextCursor = next });
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<StoredResource>> CreateAsync(JsonObject resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var body = Prepare(resource, out var members);
        return await Database.RunAsync(
            async connection =>
            {
                var now = Now();
                var id = ResourceIds.New(now);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await using (var command = new NpgsqlCommand(
                        $"""
                        INSERT INTO {Table.Name} (directory, id, {Table.NameColumn}, {Table.KeyColumn}, external_id, version, created, last_modified, data)
                        VALUES (@directory, @id, @name, @key, @external, 1, @now, @now, @data);
                        """,
                        connection,
                        transaction))
                    {
                        AddResourceParameters(command, id, body, now);
                        try
                        {
                            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }
                        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                        {
                            return Conflict<StoredResource>(e);
                        }
                        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire)
                        {
                            return Unstorable<StoredResource>();
                        }
                    }

                    await WriteDerivedAsync(connection, transaction, id, body, cancellationToken).ConfigureAwait(false);
                    if (members is not null && members.Count > 0)
                    {
                        var (_, error) = await InsertMembersAsync(connection, transaction, id, members, cancellationToken).ConfigureAwait(false);
                        if (error is not null)
                        {
                            return StoreResult.Rejected<StoredResource>(error);
                        }
                    }

                    var stored = await ReadAsync(connection, transaction, id, includeMembers: true, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(stored!);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<StoredResource>> ReplaceAsync(string id, JsonObject resource, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(resource);
        var body = Prepare(resource, out var members);
        return await Database.RunAsync(
            async connection =>
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await using (var command = new NpgsqlCommand(
                        $"""
                        UPDATE {Table.Name} t SET {Table.NameColumn} = @name, {Table.KeyColumn} = @key, external_id = @external,
                            version = t.version + 1, last_modified = @now, data = @data
                        WHERE t.directory = @directory AND t.id = @id AND (@expected::bigint IS NULL OR t.version = @expected::bigint);
                        """,
                        connection,
                        transaction))
                    {
                        AddResourceParameters(command, id, body, Now());
                        if (!TryParseVersion(expectedVersion, out var expected))
                        {
                            return await MissingOrMismatchAsync<StoredResource>(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                        }

                        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expected ?? DBNull.Value });
                        try
                        {
                            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                            {
                                return await MissingOrMismatchAsync<StoredResource>(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                            }
                        }
                        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                        {
                            return Conflict<StoredResource>(e);
                        }
                        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire)
                        {
                            return Unstorable<StoredResource>();
                        }
                    }

                    await WriteDerivedAsync(connection, transaction, id, body, cancellationToken).ConfigureAwait(false);
                    if (members is not null)
                    {
                        await using (var clear = new NpgsqlCommand("DELETE FROM scimsync_group_members WHERE directory = @directory AND group_id = @id;", connection, transaction))
                        {
                            clear.Parameters.AddWithValue("directory", Directory);
                            clear.Parameters.AddWithValue("id", id);
                            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }

                        var (_, error) = await InsertMembersAsync(connection, transaction, id, members, cancellationToken).ConfigureAwait(false);
                        if (error is not null)
                        {
                            return StoreResult.Rejected<StoredResource>(error);
                        }
                    }

                    var stored = await ReadAsync(connection, transaction, id, includeMembers: true, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(stored!);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<string>> DeleteAsync(string id, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await Database.RunAsync(
            async connection =>
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (!TryParseVersion(expectedVersion, out var expected))
                    {
                        return await MissingOrMismatchAsync<string>(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                    }

                    // The resource row goes first: a concurrent membership change holds a key-share lock on it, so this
                    // waits for that change to commit, and the membership cleanup below (a new snapshot) then sees it.
                    await using (var delete = new NpgsqlCommand(
                        $"DELETE FROM {Table.Name} t WHERE t.directory = @directory AND t.id = @id AND (@expected::bigint IS NULL OR t.version = @expected::bigint);",
                        connection,
                        transaction))
                    {
                        delete.Parameters.AddWithValue("directory", Directory);
                        delete.Parameters.AddWithValue("id", id);
                        delete.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expected ?? DBNull.Value });
                        if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                        {
                            return await MissingOrMismatchAsync<string>(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    // A deleted resource leaves every group it was a member of; those groups change version.
                    await using (var cleanup = new NpgsqlCommand(
                        """
                        UPDATE scimsync_groups g SET version = g.version + 1, last_modified = @now
                            WHERE g.directory = @directory AND g.id IN
                                (SELECT m.group_id FROM scimsync_group_members m WHERE m.directory = @directory AND m.member_id = @id);
                        DELETE FROM scimsync_group_members WHERE directory = @directory AND member_id = @id;
                        """,
                        connection,
                        transaction))
                    {
                        cleanup.Parameters.AddWithValue("directory", Directory);
                        cleanup.Parameters.AddWithValue("id", id);
                        cleanup.Parameters.AddWithValue("now", Now());
                        await cleanup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(id);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps tables derived from the document (a user's email keys) in step with it.</summary>
    protected virtual Task WriteDerivedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, JsonObject body, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Adds what lives outside the document: a user's derived <c>groups</c>, a group's <c>members</c>.</summary>
    protected abstract Task AttachAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StoredResource> resources, bool includeMembers, CancellationToken cancellationToken);

    /// <summary>Inserts members of a group; returns the number of rows added, or an error (nothing is rolled back here).</summary>
    protected virtual Task<(int Added, ScimError? Error)> InsertMembersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string groupId, IReadOnlyCollection<GroupMember> members, CancellationToken cancellationToken) =>
        Task.FromResult<(int, ScimError?)>((0, null));

    protected DateTimeOffset Now()
    {
        // PostgreSQL keeps microseconds: trimming here makes what a write returns equal to what a read returns.
        var now = TimeProvider.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }

    protected static bool TryParseVersion(string? version, out long? parsed)
    {
        parsed = null;
        if (version is null)
        {
            return true;
        }

        if (long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            parsed = value;
            return true;
        }

        return false;
    }

    protected async Task<StoreResult<T>> MissingOrMismatchAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT 1 FROM {Table.Name} WHERE directory = @directory AND id = @id;", connection, transaction);
        command.Parameters.AddWithValue("directory", Directory);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null
            ? StoreResult.NotFound<T>()
            : StoreResult.VersionMismatch<T>();
    }

    protected async Task<StoredResource?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, bool includeMembers, CancellationToken cancellationToken)
    {
        StoredResource resource;
        await using (var command = new NpgsqlCommand($"SELECT {Columns} FROM {Table.Name} t WHERE t.directory = @directory AND t.id = @id;", connection, transaction))
        {
            command.Parameters.AddWithValue("directory", Directory);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            resource = ReadRow(reader);
        }

        await AttachAsync(connection, transaction, [resource], includeMembers, cancellationToken).ConfigureAwait(false);
        return resource;
    }

    private static StoredResource ReadRow(NpgsqlDataReader reader)
    {
        var json = JsonNode.Parse(reader.GetString(4)) as JsonObject ?? [];
        return new StoredResource(
            reader.GetString(0),
            json,
            reader.GetInt64(1).ToString(CultureInfo.InvariantCulture),
            new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
            new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero));
    }

    private static string After(SqlFilterTranslator.SortKey? sort, bool descending, CursorCodec.Position position, List<NpgsqlParameter> parameters)
    {
        parameters.Add(new NpgsqlParameter("cursor_seq", NpgsqlDbType.Bigint) { Value = position.Seq });
        if (sort is null)
        {
            return "t.seq > @cursor_seq";
        }

        parameters.Add(new NpgsqlParameter("cursor_key", NpgsqlDbType.Text) { Value = (object?)position.Key ?? DBNull.Value });
        var s = sort.Sql;
        var k = $"@cursor_key::{sort.SqlType}";
        if (descending)
        {
            // Order: NULLs first, then values descending; ties by seq descending.
            return position.Key is null
                ? $"(({s}) IS NOT NULL OR t.seq < @cursor_seq)"
                : $"COALESCE(({s}) < {k} OR (({s}) = {k} AND t.seq < @cursor_seq), FALSE)";
        }

        // Order: values ascending, then NULLs; ties by seq ascending.
        return position.Key is null
            ? $"(({s}) IS NULL AND t.seq > @cursor_seq)"
            : $"(({s}) IS NULL OR COALESCE(({s}) > {k} OR (({s}) = {k} AND t.seq > @cursor_seq), FALSE))";
    }

    private async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string where, List<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {Table.Name} t WHERE t.directory = @directory AND {where};", connection, transaction);
        command.Parameters.AddWithValue("directory", Directory);
        command.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static StoreResult<T> Unstorable<T>() =>
        StoreResult.Rejected<T>(ScimError.InvalidValue("A value contains a character the store cannot keep (U+0000)."));

    private StoreResult<T> Conflict<T>(PostgresException e) =>
        StoreResult.Conflict<T>($"A {Table.ResourceType} with the same {Table.ConflictAttribute(e.ConstraintName)} already exists.");

    private void AddResourceParameters(NpgsqlCommand command, string id, JsonObject body, DateTimeOffset now)
    {
        var name = PostgreSqlTable.StringOf(body, Table.NameAttribute)!;
        command.Parameters.AddWithValue("directory", Directory);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("key", PostgreSqlTable.Fold(name));
        command.Parameters.Add(new NpgsqlParameter("external", NpgsqlDbType.Text) { Value = (object?)PostgreSqlTable.StringOf(body, "externalId") ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = body.ToJsonString() });
    }

    /// <summary>Copies the resource without id, meta and what lives elsewhere (group members, a user's groups).</summary>
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
                        if (item is JsonObject member && PostgreSqlTable.StringOf(member, "value") is { } value)
                        {
                            members!.Add(new GroupMember(value, PostgreSqlTable.StringOf(member, "type"), PostgreSqlTable.StringOf(member, "display")));
                        }
                    }
                }

                continue;
            }

            body[property.Key] = property.Value?.DeepClone();
        }

        if (PostgreSqlTable.StringOf(body, Table.NameAttribute) is null)
        {
            throw new ArgumentException($"The resource has no '{Table.NameAttribute}' string value.", nameof(resource));
        }

        return body;
    }

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
