// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ScimSync.Errors;
using ScimSync.Schema;
using ScimSync.Stores.Internal;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>The PostgreSQL <c>Group</c> store, whose members live one per row in <c>scimsync_group_members</c>.</summary>
internal sealed class PostgreSqlGroupStore(PostgreSqlDatabase database, string directory, ScimResourceTypeDefinition resourceType, TimeProvider timeProvider, int maxScannedResources)
    : PostgreSqlResourceStore(database, PostgreSqlTable.Groups, directory, resourceType, timeProvider, maxScannedResources), IGroupStore
{
    public async ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId,
        IReadOnlyCollection<GroupMember> add,
        IReadOnlyCollection<string> remove,
        string? expectedVersion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        return await Database.RunAsync(
            async connection =>
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    if (!TryParseVersion(expectedVersion, out var expected))
                    {
                        return await MissingOrMismatchAsync<StoredResource>(connection, transaction, groupId, cancellationToken).ConfigureAwait(false);
                    }

                    // The group's row lock orders concurrent membership changes of one group; the rows themselves are
                    // touched one per member, never the whole list.
                    await using (var lockGroup = new NpgsqlCommand(
                        "SELECT version FROM scimsync_groups WHERE directory = @directory AND id = @id FOR NO KEY UPDATE;", connection, transaction))
                    {
                        lockGroup.Parameters.AddWithValue("directory", Directory);
                        lockGroup.Parameters.AddWithValue("id", groupId);
                        var version = await lockGroup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                        if (version is null)
                        {
                            return StoreResult.NotFound<StoredResource>();
                        }

                        if (expected is not null && (long)version != expected)
                        {
                            return StoreResult.VersionMismatch<StoredResource>();
                        }
                    }

                    var changed = 0;
                    if (remove.Count > 0)
                    {
                        await using var delete = new NpgsqlCommand(
                            "DELETE FROM scimsync_group_members WHERE directory = @directory AND group_id = @id AND member_id = ANY(@members);", connection, transaction);
                        delete.Parameters.AddWithValue("directory", Directory);
                        delete.Parameters.AddWithValue("id", groupId);
                        delete.Parameters.AddWithValue("members", remove.Distinct(StringComparer.Ordinal).ToArray());
                        changed += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var (added, error) = await InsertMembersAsync(connection, transaction, groupId, add, cancellationToken).ConfigureAwait(false);
                    if (error is not null)
                    {
                        return StoreResult.Rejected<StoredResource>(error);
                    }

                    if (changed + added > 0)
                    {
                        await using var touch = new NpgsqlCommand(
                            "UPDATE scimsync_groups SET version = version + 1, last_modified = @now WHERE directory = @directory AND id = @id;", connection, transaction);
                        touch.Parameters.AddWithValue("directory", Directory);
                        touch.Parameters.AddWithValue("id", groupId);
                        touch.Parameters.AddWithValue("now", Now());
                        await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var stored = await ReadAsync(connection, transaction, groupId, includeMembers: false, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(stored!);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfLessThan(startIndex, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return await Database.RunAsync(
            async connection =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT EXISTS (SELECT 1 FROM scimsync_groups WHERE directory = @directory AND id = @id),
                        (SELECT COUNT(*) FROM scimsync_group_members WHERE directory = @directory AND group_id = @id);
                    SELECT member_id, member_type, display FROM scimsync_group_members WHERE directory = @directory AND group_id = @id
                        ORDER BY member_id COLLATE "C" LIMIT @count OFFSET @offset;
                    """,
                    connection);
                command.Parameters.AddWithValue("directory", Directory);
                command.Parameters.AddWithValue("id", groupId);
                command.Parameters.AddWithValue("count", count);
                command.Parameters.AddWithValue("offset", startIndex - 1L);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!reader.GetBoolean(0))
                {
                    return StoreResult.NotFound<MemberPage>();
                }

                var total = checked((int)reader.GetInt64(1));
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var members = new List<GroupMember>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    members.Add(new GroupMember(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                }

                return StoreResult.Success(new MemberPage(members, total));
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        return await Database.RunAsync<IReadOnlyList<GroupReference>>(
            async connection =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT g.id, g.display_name FROM scimsync_group_members m
                        JOIN scimsync_groups g ON g.directory = m.directory AND g.id = m.group_id
                    WHERE m.directory = @directory AND m.member_id = @id ORDER BY g.id COLLATE "C";
                    """,
                    connection);
                command.Parameters.AddWithValue("directory", Directory);
                command.Parameters.AddWithValue("id", memberId);
                var groups = new List<GroupReference>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    groups.Add(new GroupReference(reader.GetString(0), reader.GetString(1)));
                }

                return groups;
            },
            cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<(int Added, ScimError? Error)> InsertMembersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string groupId, IReadOnlyCollection<GroupMember> members, CancellationToken cancellationToken)
    {
        if (members.Count == 0)
        {
            return (0, null);
        }

        var distinct = members.DistinctBy(m => m.Value, StringComparer.Ordinal).ToList();
        var ids = distinct.Select(m => m.Value).ToArray();

        // Key-share locks keep each member from being deleted until this transaction ends: a concurrent delete waits,
        // then removes the new membership row too, so no membership ever points at a deleted resource.
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var resolve = new NpgsqlCommand(
            """
            SELECT id, 'User' FROM scimsync_users WHERE directory = @directory AND id = ANY(@ids) FOR KEY SHARE;
            SELECT id, 'Group' FROM scimsync_groups WHERE directory = @directory AND id = ANY(@ids) AND id <> @group FOR KEY SHARE;
            """,
            connection,
            transaction))
        {
            resolve.Parameters.AddWithValue("directory", Directory);
            resolve.Parameters.AddWithValue("ids", ids);
            resolve.Parameters.AddWithValue("group", groupId);
            await using var reader = await resolve.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    types[reader.GetString(0)] = reader.GetString(1);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        if (distinct.FirstOrDefault(m => !types.ContainsKey(m.Value)) is { } missing)
        {
            // The caller returns without committing, so nothing of this change is kept.
            return (0, ScimError.InvalidValue($"Member '{missing.Value}' is not an existing User or Group of this directory."));
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO scimsync_group_members (directory, group_id, member_id, member_type, display)
                SELECT @directory, @group, x.id, x.kind, x.display FROM unnest(@ids, @kinds, @displays) AS x(id, kind, display)
            ON CONFLICT DO NOTHING;
            """,
            connection,
            transaction);
        insert.Parameters.AddWithValue("directory", Directory);
        insert.Parameters.AddWithValue("group", groupId);
        insert.Parameters.AddWithValue("ids", ids);
        insert.Parameters.AddWithValue("kinds", distinct.Select(m => types[m.Value]).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("displays", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = distinct.Select(m => m.Display).ToArray() });
        var added = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (added, null);
    }

    protected override async Task AttachAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StoredResource> resources, bool includeMembers, CancellationToken cancellationToken)
    {
        if (!includeMembers || resources.Count == 0)
        {
            return;
        }

        var members = resources.ToDictionary(r => r.Id, _ => new List<GroupMember>(), StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT group_id, member_id, member_type, display FROM scimsync_group_members
            WHERE directory = @directory AND group_id = ANY(@ids) ORDER BY group_id, member_id COLLATE "C";
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue("directory", Directory);
            command.Parameters.AddWithValue("ids", resources.Select(r => r.Id).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members[reader.GetString(0)].Add(new GroupMember(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        foreach (var resource in resources)
        {
            resource.SetDerivedMembers(members[resource.Id]);
        }
    }
}
