// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Server.Internal;

/// <summary>Lookups in resources held as JSON objects.</summary>
internal static class JsonObjectExtensions
{
    /// <summary>The value of a member whose name matches ignoring case (SCIM names are case-insensitive), or <see langword="null"/>.</summary>
    public static JsonNode? FindIgnoringCase(this JsonObject source, string name)
    {
        foreach (var (key, value) in source)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
