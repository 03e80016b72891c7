// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>POST /Users</c>, <c>POST /Groups</c>: 201 with <c>Location</c> and <c>ETag</c> (RFC 7644 §3.3).</summary>
internal sealed class CreateResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler)
    {
        var resource = await ScimRequest.ReadResourceAsync(context, handler, ScimReadMode.Create).ConfigureAwait(false);
        var stored = await ScimResourceOperations.CreateAsync(ScimRequest.OperationContext(context), handler, resource).ConfigureAwait(false);
        return ScimResourceWriter.Respond(
            StatusCodes.Status201Created,
            stored,
            handler,
            route.BaseUrl(context),
            ScimRequest.ParseAttributeList(context.Request.Query["attributes"]),
            ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]),
            withLocation: true);
    }
}
