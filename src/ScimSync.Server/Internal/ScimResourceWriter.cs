// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ScimSync.Patching;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>Builds the wire form of a stored resource: <c>id</c> and <c>meta</c> written by the server.</summary>
/// <remarks>RFC 7643 §3.1: <c>meta.version</c> equals the ETag; <c>meta.location</c> is the resource's URL.</remarks>
internal static class ScimResourceWriter
{
    /// <summary>
    /// Builds the wire form by moving the stored attributes into it (a store hands the caller ownership of what it
    /// returns, IResourceStore's contract), so nothing is copied: <paramref name="stored"/>'s resource is left empty.
    /// </summary>
    public static JsonObject ToWire(StoredResource stored, ScimResourceHandler handler, string baseUrl)
    {
        var wire = new JsonObject();
        var properties = new KeyValuePair<string, JsonNode?>[stored.Resource.Count];
        var count = 0;
        JsonNode? schemas = null;
        foreach (var property in stored.Resource)
        {
            if (property.Key == "schemas")
            {
                schemas = property.Value;
            }
            else if (property.Key is not ("id" or "meta"))
            {
                properties[count++] = property;
            }
        }

        // Detached from the stored object, each node can join the wire object as it is.
        stored.Resource.Clear();
        if (schemas is not null)
        {
            wire["schemas"] = schemas;
        }

        wire["id"] = stored.Id;
        foreach (var property in properties.AsSpan(0, count))
        {
            wire[property.Key] = property.Value;
        }

        if (handler.IsGroup && wire["members"] is JsonArray { Count: 0 })
        {
            // RFC 7643 §2.5: an empty multi-valued attribute is unassigned and is not returned.
            wire.Remove("members");
        }
        else if (handler.IsGroup && wire["members"] is JsonArray members)
        {
            foreach (var member in members.OfType<JsonObject>())
            {
                if (member["value"] is JsonValue value && value.TryGetValue<string>(out var id) && member["$ref"] is null)
                {
                    var endpoint = member["type"]?.GetValue<string>() == "Group" ? "/Groups/" : "/Users/";
                    member["$ref"] = baseUrl + endpoint + Uri.EscapeDataString(id);
                }
            }
        }

        if (!handler.IsGroup && wire["groups"] is JsonArray groups)
        {
            foreach (var group in groups.OfType<JsonObject>())
            {
                if (group["value"] is JsonValue value && value.TryGetValue<string>(out var id) && group["$ref"] is null)
                {
                    group["$ref"] = baseUrl + "/Groups/" + Uri.EscapeDataString(id);
                }
            }
        }

        wire["meta"] = new JsonObject
        {
            ["resourceType"] = handler.Type.Name,
            ["created"] = FormatTime(stored.Created),
            ["lastModified"] = FormatTime(stored.LastModified),
            ["location"] = Location(baseUrl, handler, stored.Id),
            ["version"] = ScimRequest.ETag(stored.Version),
        };
        return wire;
    }

    public static string Location(string baseUrl, ScimResourceHandler handler, string id) =>
        string.Concat(baseUrl, handler.Type.Endpoint, "/", Uri.EscapeDataString(id));

    public static IResult Respond(int status, StoredResource stored, ScimResourceHandler handler, string baseUrl, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded, bool withLocation = false)
    {
        var wire = ToWire(stored, handler, baseUrl);
        return ScimResults.Json(
            status,
            writer => Serialization.ScimProjection.WriteTo(writer, wire, handler.Type, attributes, excluded),
            ScimRequest.ETag(stored.Version),
            withLocation ? Location(baseUrl, handler, stored.Id) : null);
    }

    /// <summary>Whether a response with these parameters contains <c>members</c> (so whether to load them).</summary>
    public static bool SelectsMembers(ScimResourceHandler handler, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded)
    {
        if (!handler.IsGroup)
        {
            return false;
        }

        if (attributes is { Count: > 0 })
        {
            return attributes.Any(IsMembers);
        }

        return excluded is null || !excluded.Any(p => IsMembers(p) && p.SubAttributeName is null);

        bool IsMembers(AttributePath p) =>
            string.Equals(p.AttributeName, "members", StringComparison.OrdinalIgnoreCase) &&
            (p.SchemaUri is null || string.Equals(p.SchemaUri, handler.Type.Schema.Id, StringComparison.OrdinalIgnoreCase));
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
