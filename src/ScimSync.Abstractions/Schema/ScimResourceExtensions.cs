// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Schema;

/// <summary>Helpers for resources held as JSON objects.</summary>
public static class ScimResourceExtensions
{
    /// <summary>
    /// Replaces the object of an extension schema in a resource (RFC 7643 §3.3: under its URN) and lists the URN in
    /// <c>schemas</c>; with <see langword="null"/>, removes both. URNs are compared ignoring case.
    /// </summary>
    /// <param name="resource">The resource to change.</param>
    /// <param name="schema">The extension's URN.</param>
    /// <param name="extension">The extension's attributes, or <see langword="null"/> to remove the extension.</param>
    public static void SetExtension(this JsonObject resource, string schema, JsonObject? extension)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        List<string>? keys = null;
        foreach (var (name, _) in resource)
        {
            if (string.Equals(name, schema, StringComparison.OrdinalIgnoreCase))
            {
                (keys ??= []).Add(name);
            }
        }

        foreach (var key in keys ?? [])
        {
            resource.Remove(key);
        }

        var schemas = resource["schemas"] as JsonArray;
        var listed = -1;
        for (var i = schemas is null ? -1 : schemas.Count - 1; i >= 0; i--)
        {
            if (schemas![i] is JsonValue value && value.TryGetValue<string>(out var uri) && string.Equals(uri, schema, StringComparison.OrdinalIgnoreCase))
            {
                if (extension is null)
                {
                    schemas.RemoveAt(i);
                }

                listed = i;
            }
        }

        if (extension is null)
        {
            return;
        }

        resource[schema] = extension;
        if (listed < 0)
        {
            if (schemas is null)
            {
                resource["schemas"] = schemas = [];
            }

            schemas.Add((JsonNode)schema);
        }
    }
}
