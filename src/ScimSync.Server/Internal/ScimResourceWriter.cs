// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>Builds the wire form of a stored resource: <c>id</c> and <c>meta</c> written by the server.</summary>
/// <remarks>RFC 7643 §3.1: <c>meta.version</c> equals the ETag; <c>meta.location</c> is the resource's URL.</remarks>
internal static class ScimResourceWriter
{
    /// <summary>
    /// Writes the wire form of a stored resource with the projection of <paramref name="attributes"/> and
    /// <paramref name="excluded"/>: straight from the store's UTF-8 when it handed the resource over so and nobody has
    /// read <see cref="StoredResource.Resource"/> since (<see cref="ScimProjection.TryWriteStored"/>,
    /// which writes meta and the $ref of derived groups and members as <see cref="ToWire"/> does), otherwise through
    /// <see cref="ToWire"/>. The output is the same either way.
    /// </summary>
    public static void Write(
        Utf8JsonWriter writer, StoredResource stored, ScimResourceHandler handler, string baseUrl, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded)
    {
        CompleteDerived(stored, handler, baseUrl);
        if (!ScimProjection.TryWriteStored(writer, stored, handler.Type, baseUrl, attributes, excluded))
        {
            ScimProjection.WriteTo(writer, ToWire(stored, handler, baseUrl), handler.Type, attributes, excluded);
        }
    }

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
            AddMemberReferences(members, baseUrl);
        }

        if (!handler.IsGroup && wire["groups"] is JsonArray { Count: 0 })
        {
            wire.Remove("groups");
        }
        else if (!handler.IsGroup && wire["groups"] is JsonArray groups)
        {
            AddGroupReferences(groups, baseUrl);
        }

        wire["meta"] = ScimResourceMeta.Create(stored, handler.Type, baseUrl);
        return wire;
    }

    public static string Location(string baseUrl, ScimResourceHandler handler, string id) => ScimResourceMeta.Location(baseUrl, handler.Type, id);

    public static IResult Respond(int status, StoredResource stored, ScimResourceHandler handler, string baseUrl, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded, bool withLocation = false) =>
        ScimResults.Json(
            status,
            writer => Write(writer, stored, handler, baseUrl, attributes, excluded),
            ScimRequest.ETag(stored.Version),
            withLocation ? Location(baseUrl, handler, stored.Id) : null);

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

    // What ToWire does to members and groups, for the ones a store set as derived attributes (still outside Resource).
    private static void CompleteDerived(StoredResource stored, ScimResourceHandler handler, string baseUrl)
    {
        var name = handler.IsGroup ? "members" : "groups";
        var empty = false;
        foreach (var (key, value) in stored.DerivedAttributes)
        {
            if (key == name && value is JsonArray references)
            {
                empty = references.Count == 0;
                if (handler.IsGroup)
                {
                    AddMemberReferences(references, baseUrl);
                }
                else
                {
                    AddGroupReferences(references, baseUrl);
                }
            }
        }

        // RFC 7643 §2.5: an empty multi-valued attribute is unassigned and is not returned. The typed lists get their
        // $ref from the projection.
        if (empty)
        {
            stored.SetDerivedAttribute(name, null);
        }
        else if (handler.IsGroup && stored.DerivedMembers is { Count: 0 })
        {
            stored.SetDerivedMembers(null);
        }
        else if (!handler.IsGroup && stored.DerivedGroups is { Count: 0 })
        {
            stored.SetDerivedGroups(null);
        }
    }

    private static void AddMemberReferences(JsonArray members, string baseUrl)
    {
        foreach (var member in members.OfType<JsonObject>())
        {
            if (member["value"] is JsonValue value && value.TryGetValue<string>(out var id) && member["$ref"] is null)
            {
                member["$ref"] = ScimResourceMeta.ReferenceLocation(baseUrl, id, member["type"]?.GetValue<string>() == "Group");
            }
        }
    }

    private static void AddGroupReferences(JsonArray groups, string baseUrl)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i] is JsonObject group && group.TryGetPropertyValue("value", out var node) && node is JsonValue value &&
                value.TryGetValue<string>(out var id) && !(group.TryGetPropertyValue("$ref", out var reference) && reference is not null))
            {
                group["$ref"] = ScimResourceMeta.ReferenceLocation(baseUrl, id, isGroup: true);
            }
        }
    }
}
