// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Schema;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>GET /Users</c>, <c>GET /Groups</c>: filter, sort and page (RFC 7644 §3.4.2).</summary>
internal sealed class ListResourcesEndpoint
{
    public static Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler) =>
        ExecuteAsync(context, route, handler, ScimQueryText.FromQueryString(context.Request.Query));

    /// <summary>Runs a query and writes a <c>ListResponse</c>; shared with <c>.search</c>.</summary>
    public static async Task<IResult> ExecuteAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, ScimQueryText text)
    {
        var services = context.RequestServices.GetRequiredService<ScimServerServices>();
        var query = text.ToListQuery(handler, services.Options.CurrentValue.MaxResults);
        var result = await handler.GetStore(context.RequestServices).ListAsync(query, context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }

        var page = result.Value!;
        var baseUrl = route.BaseUrl(context);
        return ScimResults.Json(StatusCodes.Status200OK, writer => WriteListResponse(writer, page, query.StartIndex, handler, baseUrl, text));
    }

    private static void WriteListResponse(Utf8JsonWriter writer, Stores.ListResult page, int startIndex, ScimResourceHandler handler, string baseUrl, ScimQueryText text)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", page.TotalResults);
        writer.WriteNumber("startIndex", startIndex);
        writer.WriteNumber("itemsPerPage", page.Resources.Count);
        writer.WriteStartArray("Resources");
        foreach (var stored in page.Resources)
        {
            Serialization.ScimProjection.WriteTo(writer, ScimResourceWriter.ToWire(stored, handler, baseUrl), handler.Type, text.Attributes, text.ExcludedAttributes);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
