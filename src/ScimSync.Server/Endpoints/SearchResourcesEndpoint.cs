// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>POST /Users/.search</c>, <c>POST /Groups/.search</c>: a query in the body (RFC 7644 §3.4.3).</summary>
internal sealed class SearchResourcesEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler)
    {
        var body = await ScimRequest.ReadJsonBodyAsync(context).ConfigureAwait(false);
        return await ListResourcesEndpoint.ExecuteAsync(context, route, handler, ScimQueryText.FromSearchBody(body)).ConfigureAwait(false);
    }
}
