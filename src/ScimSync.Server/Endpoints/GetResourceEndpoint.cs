// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary><c>GET /Users/{id}</c>, <c>GET /Groups/{id}</c> (RFC 7644 §3.4.1), with <c>If-None-Match</c> (§3.14);
/// a User with its <c>groups</c> (RFC 7643 §4.1.2).</summary>
internal sealed class GetResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, string id)
    {
        var attributes = ScimRequest.ParseAttributeList(context.Request.Query["attributes"]);
        var excluded = ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]);
        var store = handler.GetStore(context.RequestServices);
        var result = await store.GetAsync(id, ScimResourceWriter.SelectsMembers(handler, attributes, excluded), context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }

        var stored = result.Value!;
        if (ScimRequest.IfNoneMatchHits(context.Request, stored.Version))
        {
            return ScimResults.NotModified(ScimRequest.ETag(stored.Version));
        }

        if (ScimUserGroups.Selects(handler, attributes, excluded, byDefault: true) &&
            ScimRequestContext.Get(context).Connection.Groups.GetStore(context.RequestServices) is IGroupStore groups)
        {
            await ScimUserGroups.AddAsync([stored], groups, context.RequestAborted).ConfigureAwait(false);
        }

        return ScimResourceWriter.Respond(StatusCodes.Status200OK, stored, handler, route.BaseUrl(context), attributes, excluded);
    }
}
