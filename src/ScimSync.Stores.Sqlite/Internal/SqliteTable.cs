// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Stores.Sqlite.Internal;

/// <summary>An indexed column that mirrors a top-level string attribute of the resource JSON.</summary>
/// <param name="Attribute">The attribute name as the schema spells it.</param>
/// <param name="Column">The column name.</param>
/// <param name="CaseInsensitive">
/// Whether the column holds a case-folded key (<see cref="string.ToUpperInvariant"/>). Folding in .NET rather than
/// with <c>COLLATE NOCASE</c> makes non-ASCII names (<c>Ärger</c>/<c>ärger</c>) collide as SCIM requires; NOCASE
/// only folds ASCII.
/// </param>
/// <param name="Required">Whether a value is required (the column is NOT NULL).</param>
internal sealed record SqliteColumn(string Attribute, string Column, bool CaseInsensitive, bool Required)
{
    public string? ToKey(string? value) => value is null ? null : CaseInsensitive ? value.ToUpperInvariant() : value;

    public string? Read(JsonObject resource)
    {
        foreach (var property in resource)
        {
            if (string.Equals(property.Key, Attribute, StringComparison.OrdinalIgnoreCase) &&
                property.Value is JsonValue value && value.TryGetValue<string>(out var text))
            {
                return text;
            }
        }

        return null;
    }
}

/// <summary>Describes the table of one resource type.</summary>
internal sealed record SqliteTable(string Name, string ResourceType, IReadOnlyList<SqliteColumn> Columns, bool HasMembers, bool HasEmails = false)
{
    public static SqliteTable Users { get; } = new(
        "users",
        "User",
        [new("userName", "user_name_key", CaseInsensitive: true, Required: true), new("externalId", "external_id", CaseInsensitive: false, Required: false)],
        HasMembers: false,
        HasEmails: true);

    public static SqliteTable Groups { get; } = new(
        "groups",
        "Group",
        [new("displayName", "display_name_key", CaseInsensitive: true, Required: true), new("externalId", "external_id", CaseInsensitive: false, Required: false)],
        HasMembers: true);

    public SqliteColumn? FindColumn(string attribute)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Attribute, attribute, StringComparison.OrdinalIgnoreCase))
            {
                return column;
            }
        }

        return null;
    }

    public SqliteColumn? FindColumnByName(string columnName)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Column, columnName, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}
