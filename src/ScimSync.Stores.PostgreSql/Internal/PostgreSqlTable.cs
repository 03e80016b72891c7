// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores.PostgreSql.Internal;

/// <summary>Describes the table of one resource type and its unique, case-folded name column.</summary>
/// <param name="Name">The table name.</param>
/// <param name="ResourceType">The SCIM resource type.</param>
/// <param name="NameAttribute">The attribute kept in <paramref name="NameColumn"/> (unique per directory, ignoring case).</param>
/// <param name="NameColumn">The column holding the attribute as sent.</param>
/// <param name="KeyColumn">
/// The column holding the attribute folded with <see cref="string.ToUpperInvariant"/>. Folding in .NET rather than with
/// <c>lower()</c> keeps uniqueness independent of the database's collation (a <c>C</c> collation folds ASCII only).
/// </param>
/// <param name="HasMembers">Whether the resources have members (groups).</param>
internal sealed record PostgreSqlTable(string Name, string ResourceType, string NameAttribute, string NameColumn, string KeyColumn, bool HasMembers)
{
    public static PostgreSqlTable Users { get; } = new("scimsync_users", "User", "userName", "user_name", "user_name_key", HasMembers: false);

    public static PostgreSqlTable Groups { get; } = new("scimsync_groups", "Group", "displayName", "display_name", "display_name_key", HasMembers: true);

    public bool HasEmails => !HasMembers;

    public static string Fold(string value) => value.ToUpperInvariant();

    public static string? StringOf(JsonObject obj, string name)
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

    /// <summary>Names the attribute behind a unique index, for a 409 that never echoes the value.</summary>
    public string ConflictAttribute(string? constraintName) =>
        constraintName switch
        {
            _ when constraintName?.EndsWith("_external_id_key", StringComparison.Ordinal) == true => "externalId",
            _ when constraintName?.EndsWith("_name_key", StringComparison.Ordinal) == true => NameAttribute,
            _ when constraintName?.EndsWith("_pkey", StringComparison.Ordinal) == true => "id",
            _ => "unique value",
        };
}
