// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>PUT /Users/{id}</c>, <c>PUT /Groups/{id}</c> (RFC 7644 §3.5.1), honouring <c>If-Match</c> (§3.14).</summary>
internal sealed class ReplaceResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, string id)
    {
        var resource = await ScimRequest.ReadResourceAsync(context, handler, ScimReadMode.Replace).ConfigureAwait(false);
        var stored = await ScimResourceOperations.ReplaceAsync(
            ScimRequest.OperationContext(context), handler, id, resource, ScimRequest.IfMatch(context.Request)).ConfigureAwait(false);
        return ScimResourceWriter.Respond(
            StatusCodes.Status200OK,
            stored,
            handler,
            route.BaseUrl(context),
            ScimRequest.ParseAttributeList(context.Request.Query["attributes"]),
            ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]));
    }
}
