// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>
/// The SQLite <c>User</c> store. A user's read-only <c>groups</c> (RFC 7643 §4.1.2) is derived from the membership
/// table on every read, never stored.
/// </summary>
internal sealed class SqliteUserStore(SqliteDatabase database, ScimResourceTypeDefinition resourceType, ResourceFilterMatcher matcher, TimeProvider timeProvider, int maxScannedResources)
    : SqliteResourceStore(database, SqliteTable.Users, resourceType, matcher, timeProvider, maxScannedResources), IUserStore
{
    protected override async Task AttachComputedAsync(SqliteConnection connection, SqliteTransaction? transaction, StoredResource resource, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            SELECT g.id, json_extract(g.json, '$.displayName') FROM group_members m JOIN groups g ON g.id = m.group_id
            WHERE m.member_id = $id ORDER BY m.rowid;
            """;
        command.Parameters.AddWithValue("$id", resource.Id);
        var groups = new JsonArray();
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var group = new JsonObject { ["value"] = reader.GetString(0) };
                if (!reader.IsDBNull(1))
                {
                    group["display"] = reader.GetString(1);
                }

                group["type"] = "direct";
                groups.Add(group);
            }
        }

        if (groups.Count > 0)
        {
            resource.Resource["groups"] = groups;
        }
    }
}

/// <summary>The SQLite <c>Group</c> store, whose members live one per row in <c>group_members</c>.</summary>
internal sealed class SqliteGroupStore(SqliteDatabase database, ScimResourceTypeDefinition resourceType, ResourceFilterMatcher matcher, TimeProvider timeProvider, int maxScannedResources)
    : SqliteResourceStore(database, SqliteTable.Groups, resourceType, matcher, timeProvider, maxScannedResources), IGroupStore
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
        var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            var check = await CheckVersionAsync(connection, transaction, groupId, expectedVersion, cancellationToken).ConfigureAwait(false);
            if (check is not null)
            {
                return check.Status == StoreResultStatus.NotFound ? StoreResult.NotFound<StoredResource>() : StoreResult.VersionMismatch<StoredResource>();
            }

            var changed = 0;
            if (remove.Count > 0)
            {
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM group_members WHERE group_id = $group AND member_id = $member;";
                delete.Parameters.AddWithValue("$group", groupId);
                var member = delete.Parameters.Add("$member", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var id in remove)
                {
                    member.Value = id;
                    changed += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            var (added, error) = await InsertMembersAsync(connection, transaction, groupId, add, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return StoreResult.Rejected<StoredResource>(error);
            }

            if (changed + added > 0)
            {
                using var touch = connection.CreateCommand();
                touch.Transaction = transaction;
                touch.CommandText = "UPDATE groups SET version = version + 1, last_modified = $now WHERE id = $group;";
                touch.Parameters.AddWithValue("$group", groupId);
                touch.Parameters.AddWithValue("$now", FormatTime(TimeProvider.GetUtcNow()));
                await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var stored = await ReadAsync(connection, transaction, groupId, includeMembers: false, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return StoreResult.Success(stored!);
        }
    }
}
