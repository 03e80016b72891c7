// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace ScimSync.Internal;

/// <summary>Case-insensitive member lookup on resources held as <see cref="JsonObject"/>.</summary>
/// <remarks>
/// Resources read by ScimSync carry the schema's spelling of every name, so the exact lookup nearly always hits;
/// the scan covers objects built elsewhere. RFC 7643 §2.1: attribute names are case-insensitive.
/// </remarks>
internal static class JsonObjectExtensions
{
    public static bool TryGetPropertyIgnoreCase(
        this JsonObject obj,
        string name,
        [NotNullWhen(true)] out string? actualName,
        out JsonNode? value)
    {
        var index = obj.IndexOfIgnoreCase(name);
        if (index < 0)
        {
            actualName = null;
            value = null;
            return false;
        }

        (actualName, value) = obj.GetAt(index);
        return true;
    }

    /// <summary>The index of the member named <paramref name="name"/> in any case, or -1.</summary>
    public static int IndexOfIgnoreCase(this JsonObject obj, string name)
    {
        var index = obj.IndexOf(name);
        if (index >= 0)
        {
            return index;
        }

        // By index: JsonObject's enumerator is boxed, and absent attributes (filters probe them often) reach here.
        for (var i = 0; i < obj.Count; i++)
        {
            if (string.Equals(obj.GetAt(i).Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public static JsonNode? GetPropertyIgnoreCase(this JsonObject obj, string name) =>
        obj.TryGetPropertyIgnoreCase(name, out _, out var value) ? value : null;
}
