// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>GET /Users/{id}</c>, <c>GET /Groups/{id}</c> (RFC 7644 §3.4.1), with <c>If-None-Match</c> (§3.14).</summary>
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

        return ScimResourceWriter.Respond(StatusCodes.Status200OK, stored, handler, route.BaseUrl(context), attributes, excluded);
    }
}
