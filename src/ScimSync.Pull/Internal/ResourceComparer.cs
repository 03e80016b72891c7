// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Pull.Internal;

/// <summary>
/// Compares a source's resource with the stored one on the attributes the source maps (the keys of its resource,
/// where JSON <c>null</c> means "no value"), whatever else the store or the policies added; and prepares a resource
/// for writing.
/// </summary>
internal static class ResourceComparer
{
    /// <summary>Lists the mapped attributes whose values differ (<c>name.givenName</c>, <c>emails</c>, <c>active</c>…).</summary>
    public static List<string> Differences(JsonObject source, JsonObject stored)
    {
        var differences = new List<string>();
        foreach (var (key, value) in source)
        {
            if (key is "schemas" or "externalId")
            {
                continue;
            }

            switch (value)
            {
                case JsonObject complex:
                    var storedComplex = stored[key] as JsonObject;
                    foreach (var (part, partValue) in complex)
                    {
                        if (!SameScalar(partValue, storedComplex?[part]))
                        {
                            differences.Add(key.StartsWith("urn:", StringComparison.Ordinal) ? key + ":" + part : key + "." + part);
                        }
                    }

                    break;
                case JsonArray multi:
                    if (!TypedValues(multi).SetEquals(TypedValues(stored[key] as JsonArray)))
                    {
                        differences.Add(key);
                    }

                    break;
                default:
                    if (key == "active"
                        ? IsActive(value) != IsActive(stored[key])
                        : !SameScalar(value, stored[key]))
                    {
                        differences.Add(key);
                    }

                    break;
            }
        }

        return differences;
    }

    /// <summary>A copy without JSON <c>null</c> members and without complex attributes left empty.</summary>
    public static JsonObject ForWriting(JsonObject source)
    {
        var copy = (JsonObject)source.DeepClone();
        foreach (var key in copy.Select(p => p.Key).ToList())
        {
            switch (copy[key])
            {
                case null:
                    copy.Remove(key);
                    break;
                case JsonObject complex:
                    foreach (var part in complex.Where(p => p.Value is null).Select(p => p.Key).ToList())
                    {
                        complex.Remove(part);
                    }

                    if (complex.Count == 0)
                    {
                        copy.Remove(key);
                    }

                    break;
            }
        }

        return copy;
    }

    public static bool IsActive(JsonNode? node) =>
        node is not JsonValue value || !value.TryGetValue<bool>(out var active) || active;

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool SameScalar(JsonNode? left, JsonNode? right)
    {
        var l = Normalize(left);
        var r = Normalize(right);
        return string.Equals(l, r, StringComparison.Ordinal);
    }

    private static string? Normalize(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text.Length == 0 ? null : "s:" + text,
        _ => node.ToJsonString(),
    };

    private static HashSet<(string Type, string Value)> TypedValues(JsonArray? array)
    {
        var values = new HashSet<(string, string)>();
        foreach (var item in (array ?? []).OfType<JsonObject>())
        {
            if (Text(item["value"]) is { Length: > 0 } value)
            {
                values.Add(((Text(item["type"]) ?? string.Empty).ToLowerInvariant(), value));
            }
        }

        return values;
    }
}
