// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Schema;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>GET /ResourceTypes(/{name})</c> and <c>GET /Schemas(/{id})</c>, generated from the schema registry
/// (RFC 7643 §6, §7; RFC 7644 §4). Lists are <c>ListResponse</c> messages.
/// </summary>
internal static class DiscoveryEndpoints
{
    public static IResult ListResourceTypes(HttpContext context, ScimRoute route)
    {
        var registry = context.RequestServices.GetRequiredService<ScimServerServices>().Registry;
        var baseUrl = route.BaseUrl(context);
        return List([.. registry.ResourceTypes.Select(t => ScimDiscoveryJson.ToResourceTypeRepresentation(t, baseUrl))]);
    }

    public static IResult GetResourceType(HttpContext context, ScimRoute route, string name)
    {
        var registry = context.RequestServices.GetRequiredService<ScimServerServices>().Registry;
        var type = registry.FindResourceType(name) ?? throw new ScimException(ScimError.NotFound($"Resource type '{name}' is not defined."));
        return ScimResults.Json(StatusCodes.Status200OK, ScimDiscoveryJson.ToResourceTypeRepresentation(type, route.BaseUrl(context)));
    }

    public static IResult ListSchemas(HttpContext context, ScimRoute route)
    {
        var registry = context.RequestServices.GetRequiredService<ScimServerServices>().Registry;
        var baseUrl = route.BaseUrl(context);
        return List([.. registry.Schemas.Select(s => ScimDiscoveryJson.ToSchemaRepresentation(s, baseUrl))]);
    }

    public static IResult GetSchema(HttpContext context, ScimRoute route, string id)
    {
        var registry = context.RequestServices.GetRequiredService<ScimServerServices>().Registry;
        var schema = registry.FindSchema(id) ?? throw new ScimException(ScimError.NotFound($"Schema '{id}' is not defined."));
        return ScimResults.Json(StatusCodes.Status200OK, ScimDiscoveryJson.ToSchemaRepresentation(schema, route.BaseUrl(context)));
    }

    private static IResult List(IReadOnlyList<JsonObject> items) => ScimResults.Json(StatusCodes.Status200OK, (Utf8JsonWriter writer) =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", items.Count);
        writer.WriteNumber("startIndex", 1);
        writer.WriteNumber("itemsPerPage", items.Count);
        writer.WriteStartArray("Resources");
        foreach (var item in items)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
