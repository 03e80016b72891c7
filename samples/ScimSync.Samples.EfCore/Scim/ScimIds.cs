// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;

namespace ScimSync.Samples.EfCore.Scim;

/// <summary>
/// SCIM ids over integer keys. Employees and teams number their rows independently, and a group member arrives as a
/// bare id (usually without <c>type</c>), so each id carries its table: <c>emp-42</c>, <c>team-7</c>.
/// </summary>
internal static class ScimIds
{
    public const string EmployeePrefix = "emp-";
    public const string TeamPrefix = "team-";

    public static string OfEmployee(int id) => EmployeePrefix + id.ToString(CultureInfo.InvariantCulture);

    public static string OfTeam(int id) => TeamPrefix + id.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseEmployee(string? id, out int key) => TryParse(id, EmployeePrefix, out key);

    public static bool TryParseTeam(string? id, out int key) => TryParse(id, TeamPrefix, out key);

    // Only the canonical spelling parses ("emp-7", not "emp-07" or "emp-+7"), so one row has exactly one id.
    private static bool TryParse(string? id, string prefix, out int key)
    {
        key = 0;
        return id is not null
            && id.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out key)
            && key > 0
            && string.Equals(id, prefix + key.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
