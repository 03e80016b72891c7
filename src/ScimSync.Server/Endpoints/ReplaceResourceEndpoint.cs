// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>PUT /Users/{id}</c>, <c>PUT /Groups/{id}</c> (RFC 7644 §3.5.1), honouring <c>If-Match</c> (§3.14).</summary>
internal sealed class ReplaceResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, string id)
    {
        var resource = await ScimRequest.ReadResourceAsync(context, handler, ScimReadMode.Replace).ConfigureAwait(false);

        var store = handler.GetStore(context.RequestServices);
        var expected = await Preconditions.ExpectedVersionAsync(context, store, id).ConfigureAwait(false);
        var result = await store.ReplaceAsync(id, resource, expected, context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }

        return ScimResourceWriter.Respond(
            StatusCodes.Status200OK,
            result.Value!,
            handler,
            route.BaseUrl(context.Request),
            ScimRequest.ParseAttributeList(context.Request.Query["attributes"]),
            ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]));
    }
}
