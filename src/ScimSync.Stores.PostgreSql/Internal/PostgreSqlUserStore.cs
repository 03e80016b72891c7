// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ScimSync.Schema;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>
/// The PostgreSQL <c>User</c> store. Each email is also a row of <c>scimsync_user_emails</c> with a case-folded value
/// key, so the lookups identity providers send (<c>emails.value eq</c>, <c>emails[type eq "work"].value eq</c>) are
/// index lookups. A user's read-only <c>groups</c> (RFC 7643 §4.1.2) is derived from the membership table on read.
/// </summary>
internal sealed class PostgreSqlUserStore(PostgreSqlDatabase database, string directory, ScimResourceTypeDefinition resourceType, TimeProvider timeProvider, int maxScannedResources)
    : PostgreSqlResourceStore(database, PostgreSqlTable.Users, directory, resourceType, timeProvider, maxScannedResources), IUserStore
{
    protected override async Task WriteDerivedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, JsonObject body, CancellationToken cancellationToken)
    {
        var keys = new List<string?>();
        var elements = new List<string>();
        foreach (var property in body)
        {
            if (string.Equals(property.Key, "emails", StringComparison.OrdinalIgnoreCase) && property.Value is JsonArray emails)
            {
                foreach (var email in emails)
                {
                    if (email is null)
                    {
                        continue;
                    }

                    var value = email is JsonObject obj ? PostgreSqlTable.StringOf(obj, "value") : null;
                    keys.Add(value is null ? null : PostgreSqlTable.Fold(value));
                    elements.Add(email.ToJsonString());
                }
            }
        }

        await using var command = new NpgsqlCommand(
            """
            DELETE FROM scimsync_user_emails WHERE directory = @directory AND user_id = @id;
            INSERT INTO scimsync_user_emails (directory, user_id, value_key, elem)
                SELECT @directory, @id, x.k, x.e FROM unnest(@keys, @elements) AS x(k, e);
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("directory", Directory);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("elements", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = elements.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task AttachAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<StoredResource> resources, bool includeMembers, CancellationToken cancellationToken)
    {
        if (resources.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT m.member_id, g.id, g.display_name FROM scimsync_group_members m
                JOIN scimsync_groups g ON g.directory = m.directory AND g.id = m.group_id
            WHERE m.directory = @directory AND m.member_id = ANY(@ids) ORDER BY m.member_id, g.id;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("directory", Directory);
        command.Parameters.AddWithValue("ids", resources.Select(r => r.Id).ToArray());
        var byId = resources.ToDictionary(r => r.Id, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var resource = byId[reader.GetString(0)].Resource;
            if (resource["groups"] is not JsonArray groups)
            {
                resource["groups"] = groups = [];
            }

            groups.Add(new JsonObject { ["value"] = reader.GetString(1), ["display"] = reader.GetString(2), ["type"] = "direct" });
        }
    }
}
