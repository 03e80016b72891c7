// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using ScimSync.Patching;
using ScimSync.Schema;

namespace ScimSync.Stores.Internal;

/// <summary>
/// Orders resources by one attribute for sorts SQL cannot do (RFC 7644 §3.4.2.3): strings by the attribute's
/// case-exactness, multi-valued attributes by their primary (else first) value; resources without a value come last
/// when ascending and first when descending.
/// </summary>
internal sealed class ResourceSortComparer : IComparer<JsonObject>
{
    private readonly AttributePath _path;
    private readonly bool _descending;
    private readonly StringComparer _strings;
    private readonly bool _extension;
    private readonly string? _schemaId;

    public ResourceSortComparer(ScimResourceTypeDefinition resourceType, AttributePath path, bool descending)
    {
        _path = path;
        _descending = descending;
        var resolution = resourceType.Resolve(path);
        _strings = resolution?.Target.CaseExact == true ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        _extension = resolution?.IsExtension(resourceType) == true;
        _schemaId = resolution?.Schema.Id;
    }

    public int Compare(JsonObject? x, JsonObject? y)
    {
        var a = x is null ? null : ValueOf(x);
        var b = y is null ? null : ValueOf(y);
        // A missing value orders after every value, so it is last ascending and first descending.
        var result = a is null || b is null
            ? (a is null ? (b is null ? 0 : 1) : -1)
            : CompareValues(a, b);
        return _descending ? -result : result;
    }

    private int CompareValues(JsonValue a, JsonValue b)
    {
        if (a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number)
        {
            return a.GetValue<decimal>().CompareTo(b.GetValue<decimal>());
        }

        if (a.TryGetValue<bool>(out var ab) && b.TryGetValue<bool>(out var bb))
        {
            return ab.CompareTo(bb);
        }

        return _strings.Compare(a.ToString(), b.ToString());
    }

    private JsonValue? ValueOf(JsonObject resource)
    {
        var container = resource;
        if (_extension && _schemaId is not null)
        {
            container = Get(resource, _schemaId) as JsonObject;
            if (container is null)
            {
                return null;
            }
        }

        var node = Get(container, _path.AttributeName);
        if (node is JsonArray array)
        {
            node = array.OfType<JsonObject>().FirstOrDefault(o => Get(o, "primary") is JsonValue p && p.TryGetValue<bool>(out var isPrimary) && isPrimary)
                ?? array.FirstOrDefault();
            if (_path.SubAttributeName is null && node is JsonObject complex)
            {
                node = Get(complex, "value");
            }
        }

        if (_path.SubAttributeName is { } sub)
        {
            node = node is JsonObject obj ? Get(obj, sub) : null;
        }

        return node as JsonValue;
    }

    private static JsonNode? Get(JsonObject obj, string name)
    {
        foreach (var property in obj)
        {
            if (string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
