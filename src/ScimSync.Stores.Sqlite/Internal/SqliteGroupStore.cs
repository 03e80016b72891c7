// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Schema;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>The SQLite <c>User</c> store.</summary>
internal sealed class SqliteUserStore(SqliteDatabase database, ScimResourceTypeDefinition resourceType, ResourceFilterMatcher matcher, TimeProvider timeProvider, int maxScannedResources)
    : SqliteResourceStore(database, SqliteTable.Users, resourceType, matcher, timeProvider, maxScannedResources), IUserStore;

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
