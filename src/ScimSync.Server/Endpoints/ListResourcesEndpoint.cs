// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Schema;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>GET /Users</c>, <c>GET /Groups</c>: filter, sort and page (RFC 7644 §3.4.2), by index or, when the store
/// supports it and the client sends <c>cursor</c>, by cursor (RFC 9865).
/// </summary>
internal sealed class ListResourcesEndpoint
{
    public static Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler) =>
        ExecuteAsync(context, route, handler, ScimQueryText.FromQueryString(context.Request.Query));

    /// <summary>Runs a query and writes a <c>ListResponse</c>; shared with <c>.search</c>.</summary>
    public static async Task<IResult> ExecuteAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, ScimQueryText text)
    {
        var services = context.RequestServices.GetRequiredService<ScimServerServices>();
        var store = handler.GetStore(context.RequestServices);
        var query = text.ToListQuery(handler, services.Options.CurrentValue.MaxResults, store.Capabilities.SupportsCursor);
        var result = await store.ListAsync(query, context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }

        var page = result.Value!;
        if (ScimUserGroups.Selects(handler, text.Attributes, text.ExcludedAttributes, byDefault: false) &&
            ScimRequestContext.Get(context).Connection.Groups.GetStore(context.RequestServices) is IGroupStore groups)
        {
            await ScimUserGroups.AddAsync(page.Resources, groups, context.RequestAborted).ConfigureAwait(false);
        }

        var baseUrl = route.BaseUrl(context);
        var items = page.Resources.Select(r => (r, handler)).ToList();
        var paging = text.IsCursorPaged
            ? ListPaging.ByCursor(page.TotalResults, page.NextCursor, page.PreviousCursor)
            : ListPaging.ByIndex(page.TotalResults, query.StartIndex);
        return ScimResults.Json(StatusCodes.Status200OK, writer => WriteListResponse(writer, paging, items, baseUrl, text));
    }

    /// <summary>Writes a <c>ListResponse</c> (RFC 7644 §3.4.2, RFC 9865 §2.2); items may be of several resource types.</summary>
    public static void WriteListResponse(
        Utf8JsonWriter writer, ListPaging paging, IReadOnlyList<(StoredResource Resource, ScimResourceHandler Handler)> items, string baseUrl, ScimQueryText text)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimSchemas.ListResponse);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", paging.TotalResults);
        if (paging.StartIndex is { } startIndex)
        {
            writer.WriteNumber("startIndex", startIndex);
        }

        writer.WriteNumber("itemsPerPage", items.Count);
        if (paging.NextCursor is { } next)
        {
            writer.WriteString("nextCursor", next);
        }

        if (paging.PreviousCursor is { } previous)
        {
            writer.WriteString("previousCursor", previous);
        }

        writer.WriteStartArray("Resources");
        foreach (var (stored, handler) in items)
        {
            ScimResourceWriter.Write(writer, stored, handler, baseUrl, text.Attributes, text.ExcludedAttributes);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>The paging part of a <c>ListResponse</c>: <c>startIndex</c> for index paging, cursors for cursor paging.</summary>
internal sealed record ListPaging(int TotalResults, int? StartIndex, string? NextCursor, string? PreviousCursor)
{
    public static ListPaging ByIndex(int totalResults, int startIndex) => new(totalResults, startIndex, null, null);

    public static ListPaging ByCursor(int totalResults, string? next, string? previous) => new(totalResults, null, next, previous);
}
