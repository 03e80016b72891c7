// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>POST /.search</c> on the connection root (RFC 7644 §3.4.3): one query over Users and Groups; each resource
/// keeps its own <c>schemas</c> and <c>meta.resourceType</c>.
/// </summary>
/// <remarks>
/// <para>
/// The results are the matching Users, then the matching Groups, and <c>totalResults</c> is the sum: a page can hold
/// the last Users and the first Groups. <c>sortBy</c> sorts within each type; a type that does not define the
/// attribute keeps its store's order. A filter naming an attribute that only one type defines matches nothing of the
/// other (it fails only when neither type defines it).
/// </para>
/// <para>
/// Cursor paging (RFC 9865) works when both stores support cursors: the server's cursor is <c>u.</c> or <c>g.</c>
/// followed by the store's own cursor for that type. No <c>previousCursor</c> is returned.
/// </para>
/// </remarks>
internal sealed class SearchAllResourcesEndpoint
{
    private const string UserPrefix = "u.";
    private const string GroupPrefix = "g.";

    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route)
    {
        var body = await ScimRequest.ReadJsonBodyAsync(context).ConfigureAwait(false);
        var text = ScimQueryText.FromSearchBody(body);
        var maxResults = context.RequestServices.GetRequiredService<ScimServerServices>().Options.CurrentValue.MaxResults;
        var connection = ScimRequestContext.Get(context).Connection;
        ScimResourceHandler[] handlers = [connection.Users, connection.Groups];
        var stores = handlers.Select(h => h.GetStore(context.RequestServices)).ToArray();
        var supportsCursor = stores.All(s => s.Capabilities.SupportsCursor);
        text.CheckCursor(maxResults, supportsCursor);

        var queries = new ListQuery?[handlers.Length];
        ScimException? rejected = null;
        for (var i = 0; i < handlers.Length; i++)
        {
            try
            {
                queries[i] = text.ToListQuery(handlers[i], maxResults, supportsCursor, lenient: true);
            }
            catch (ScimException e) when (e.Error.Type == ScimErrorType.InvalidFilter && text.Filter is not null && ScimFilterParses(text.Filter))
            {
                rejected ??= e;
            }
        }

        if (queries.All(q => q is null))
        {
            throw rejected!;
        }

        var cancellation = context.RequestAborted;
        var items = new List<(StoredResource Resource, ScimResourceHandler Handler)>();
        var total = 0;
        ListPaging paging;
        if (text.Cursor is { } cursor)
        {
            var (first, inner) = DecodeCursor(cursor);
            var count = queries.First(q => q is not null)!.Count;
            string? next = null;
            for (var i = 0; i < handlers.Length; i++)
            {
                if (queries[i] is not { } query)
                {
                    continue;
                }

                if (i < first || next is not null || (i > first && items.Count >= count))
                {
                    // Not on this page: only its total counts (and, when the page is full, where the next one starts).
                    var size = await ListAsync(stores[i], query with { Cursor = null, StartIndex = 1, Count = 0 }, cancellation).ConfigureAwait(false);
                    total += size.TotalResults;
                    if (i > first && next is null && size.TotalResults > 0)
                    {
                        next = Prefix(i);
                    }

                    continue;
                }

                var page = await ListAsync(stores[i], query with { Cursor = i == first ? inner : string.Empty, Count = count - items.Count }, cancellation).ConfigureAwait(false);
                total += page.TotalResults;
                items.AddRange(page.Resources.Select(r => (r, handlers[i])));
                if (page.NextCursor is { } more)
                {
                    next = Prefix(i) + more;
                }
            }

            paging = ListPaging.ByCursor(total, next, null);
        }
        else
        {
            var query0 = queries.First(q => q is not null)!;
            var startIndex = query0.StartIndex;
            for (var i = 0; i < handlers.Length; i++)
            {
                if (queries[i] is not { } query)
                {
                    continue;
                }

                // The global 1-based index startIndex falls at startIndex - (results of the types before) in this one.
                var page = await ListAsync(
                    stores[i],
                    query with { StartIndex = Math.Max(1, startIndex - total), Count = query0.Count - items.Count },
                    cancellation).ConfigureAwait(false);
                total += page.TotalResults;
                items.AddRange(page.Resources.Select(r => (r, handlers[i])));
            }

            paging = ListPaging.ByIndex(total, startIndex);
        }

        if (ScimUserGroups.Selects(connection.Users, text.Attributes, text.ExcludedAttributes, byDefault: false) && stores[1] is IGroupStore groups)
        {
            await ScimUserGroups.AddAsync(items.Where(i => !i.Handler.IsGroup).Select(i => i.Resource), groups, cancellation).ConfigureAwait(false);
        }

        var baseUrl = route.BaseUrl(context);
        return ScimResults.Json(StatusCodes.Status200OK, writer => ListResourcesEndpoint.WriteListResponse(writer, paging, items, baseUrl, text));
    }

    private static bool ScimFilterParses(string filter) => Filtering.ScimFilter.TryParse(filter, out _, out _);

    private static string Prefix(int type) => type == 0 ? UserPrefix : GroupPrefix;

    private static (int Type, string Inner) DecodeCursor(string cursor) => cursor switch
    {
        "" => (0, string.Empty),
        _ when cursor.StartsWith(UserPrefix, StringComparison.Ordinal) => (0, cursor[UserPrefix.Length..]),
        _ when cursor.StartsWith(GroupPrefix, StringComparison.Ordinal) => (1, cursor[GroupPrefix.Length..]),
        _ => throw new ScimException(ScimError.InvalidCursor("The cursor is not one this service provider issued.")),
    };

    private static async Task<ListResult> ListAsync(IResourceStore store, ListQuery query, CancellationToken cancellationToken)
    {
        var result = await store.ListAsync(query, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
    }
}
