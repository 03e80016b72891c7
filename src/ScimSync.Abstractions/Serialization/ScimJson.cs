// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Serialization;

// Extension objects of the typed records are carried by hand: System.Text.Json's [JsonExtensionData] cannot bind
// through init accessors, and only URN-keyed members (RFC 7643 §3.3) belong in the bag.
internal static class ScimJson
{
    public static JsonObject? CollectExtensions(JsonObject resource, string? typedExtension)
    {
        JsonObject? extensions = null;
        foreach (var (key, value) in resource)
        {
            if (value is JsonObject && key.Contains(':', StringComparison.Ordinal) &&
                !string.Equals(key, typedExtension, StringComparison.OrdinalIgnoreCase))
            {
                (extensions ??= []).Add(key, value.DeepClone());
            }
        }

        return extensions;
    }

    public static JsonObject AddExtensions(JsonObject target, JsonObject? extensions)
    {
        foreach (var (key, value) in extensions ?? [])
        {
            target[key] = value?.DeepClone();
        }

        return target;
    }
}
