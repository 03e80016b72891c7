// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// The SQLite <c>User</c> store. A user's read-only <c>groups</c> (RFC 7643 §4.1.2) is derived from the membership
/// table on every read, never stored.
/// </summary>
internal sealed class SqliteUserStore(
    SqliteDatabase database, string directory, ScimResourceTypeDefinition resourceType, ResourceFilterMatcher matcher, TimeProvider timeProvider, int maxScannedResources)
    : SqliteResourceStore(database, directory, SqliteTable.Users, resourceType, matcher, timeProvider, maxScannedResources), IUserStore
{
    protected override async Task AttachComputedAsync(SqliteConnection connection, IReadOnlyList<StoredResource> resources, CancellationToken cancellationToken)
    {
        if (resources.Count <= 1)
        {
            foreach (var resource in resources)
            {
                await AttachComputedAsync(connection, null, resource, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // The page's memberships first, then each distinct group's display name once: reading the name with the
        // membership row parsed a group's JSON once per member of the page (five times per user in the load cycle).
        // A membership names its user by the position in $ids, so the page's users are not read back as strings.
        var memberships = new List<(int Member, string Group)>();
        var groupIds = new HashSet<string>(StringComparer.Ordinal);
        using (var statement = connection.Statement(
            """
            SELECT j.key, m.group_id FROM json_each($ids) j
            JOIN group_members m ON m.directory = $dir AND m.member_id = j.value
            ORDER BY m.rowid;
            """))
        {
            var command = statement.Command;
            command.Parameters.AddWithValue("$ids", IdsJson([.. resources.Select(r => r.Id)]));
            command.Parameters.AddWithValue("$dir", Directory);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var group = reader.GetString(1);
                memberships.Add((reader.GetInt32(0), group));
                groupIds.Add(group);
            }
        }

        if (memberships.Count == 0)
        {
            return;
        }

        // One reference per group, shared by its members on the page.
        var groups = new Dictionary<string, GroupReference>(groupIds.Count, StringComparer.Ordinal);
        using (var statement = connection.Statement("SELECT g.id, json_extract(g.json, '$.displayName') FROM groups g WHERE g.id IN (SELECT value FROM json_each($ids));"))
        {
            var command = statement.Command;
            command.Parameters.AddWithValue("$ids", IdsJson(groupIds));
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                groups[id] = new GroupReference(id, reader.IsDBNull(1) ? null : reader.GetString(1));
            }
        }

        var byMember = new List<GroupReference>?[resources.Count];
        foreach (var (member, group) in memberships)
        {
            // A group deleted between the two reads has no reference, and its memberships are left out.
            if ((uint)member < (uint)byMember.Length && groups.TryGetValue(group, out var reference))
            {
                (byMember[member] ??= []).Add(reference);
            }
        }

        for (var i = 0; i < resources.Count; i++)
        {
            if (byMember[i] is { } memberOf)
            {
                resources[i].SetDerivedGroups(memberOf);
            }
        }
    }

    protected override async Task AttachComputedAsync(SqliteConnection connection, SqliteTransaction? transaction, StoredResource resource, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement(
            """
            SELECT g.id, json_extract(g.json, '$.displayName') FROM group_members m JOIN groups g ON g.id = m.group_id
            WHERE m.directory = $dir AND m.member_id = $id ORDER BY m.rowid;
            """,
            transaction);
        var command = statement.Command;
        command.Parameters.AddWithValue("$id", resource.Id);
        command.Parameters.AddWithValue("$dir", Directory);
        var groups = new List<GroupReference>();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                groups.Add(new GroupReference(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }

        if (groups.Count > 0)
        {
            resource.SetDerivedGroups(groups);
        }
    }
}

/// <summary>The SQLite <c>Group</c> store, whose members live one per row in <c>group_members</c>.</summary>
internal sealed class SqliteGroupStore(
    SqliteDatabase database, string directory, ScimResourceTypeDefinition resourceType, ResourceFilterMatcher matcher, TimeProvider timeProvider, int maxScannedResources)
    : SqliteResourceStore(database, directory, SqliteTable.Groups, resourceType, matcher, timeProvider, maxScannedResources), IGroupStore
{
    public ValueTask<StoreResult<StoredResource>> ModifyMembersAsync(
        string groupId,
        IReadOnlyCollection<GroupMember> add,
        IReadOnlyCollection<string> remove,
        string? expectedVersion,
        CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => ModifyMembersCoreAsync(groupId, add, remove, expectedVersion, cancellationToken));

    public ValueTask<StoreResult<MemberPage>> ListMembersAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => ListMembersCoreAsync(groupId, startIndex, count, cancellationToken));

    public ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberAsync(string memberId, CancellationToken cancellationToken) =>
        SqliteFailures.GuardAsync(() => ListGroupsOfMemberCoreAsync(memberId, cancellationToken));

    private async ValueTask<StoreResult<StoredResource>> ModifyMembersCoreAsync(
        string groupId,
        IReadOnlyCollection<GroupMember> add,
        IReadOnlyCollection<string> remove,
        string? expectedVersion,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        return await Database.WriteAsync(async (connection, transaction, cancellationToken) =>
        {
            var check = await CheckVersionAsync(connection, transaction, groupId, expectedVersion, cancellationToken).ConfigureAwait(false);
            if (check is not null)
            {
                return check.Status == StoreResultStatus.NotFound ? StoreResult.NotFound<StoredResource>() : StoreResult.VersionMismatch<StoredResource>();
            }

            var changed = await DeleteMembersAsync(connection, transaction, groupId, remove, cancellationToken).ConfigureAwait(false);
            var (added, error) = await InsertMembersAsync(connection, transaction, groupId, add, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return StoreResult.Rejected<StoredResource>(error);
            }

            if (changed + added > 0)
            {
                using var touchStatement = connection.Statement("UPDATE groups SET version = version + 1, last_modified = $now WHERE id = $group;", transaction);
                var touch = touchStatement.Command;
                touch.Parameters.AddWithValue("$group", groupId);
                touch.Parameters.AddWithValue("$now", FormatTime(TimeProvider.GetUtcNow()));
                await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var stored = await ReadAsync(connection, transaction, groupId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            return StoreResult.Success(stored!);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<StoreResult<MemberPage>> ListMembersCoreAsync(string groupId, int startIndex, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentOutOfRangeException.ThrowIfLessThan(startIndex, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var lease = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            var connection = lease.Connection;
            // Deferred: a read snapshot that never takes the write lock.
            using var transaction = connection.BeginTransaction(deferred: true);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"""
                SELECT EXISTS (SELECT 1 FROM groups WHERE id = $group AND directory = $dir), (SELECT COUNT(*) FROM group_members WHERE group_id = $group);
                SELECT member_id, member_type, display FROM group_members WHERE group_id = $group ORDER BY member_id {SqliteStatements.Limit("$count")} OFFSET $offset;
                """;
            command.Parameters.AddWithValue("$group", groupId);
            command.Parameters.AddWithValue("$dir", Directory);
            command.Parameters.AddWithValue("$count", count);
            command.Parameters.AddWithValue("$offset", startIndex - 1L);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetInt64(0) == 0)
            {
                return StoreResult.NotFound<MemberPage>();
            }

            var total = checked((int)reader.GetInt64(1));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var members = new List<GroupMember>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members.Add(new GroupMember(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }

            return StoreResult.Success(new MemberPage(members, total));
        }
    }

    private async ValueTask<IReadOnlyList<GroupReference>> ListGroupsOfMemberCoreAsync(string memberId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberId);
        var lease = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (lease.ConfigureAwait(false))
        {
            // Kept: the server asks this for every user this store read without groups (a user in no group), and
            // compiling the statement cost more than running it.
            using var statement = lease.Connection.Statement(
                """
                SELECT g.id, json_extract(g.json, '$.displayName') FROM group_members m JOIN groups g ON g.id = m.group_id
                WHERE m.directory = $dir AND m.member_id = $id ORDER BY g.id;
                """);
            var command = statement.Command;
            command.Parameters.AddWithValue("$id", memberId);
            command.Parameters.AddWithValue("$dir", Directory);
            var groups = new List<GroupReference>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                groups.Add(new GroupReference(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }

            return groups;
        }
    }
}
