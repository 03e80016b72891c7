// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>DELETE /Users/{id}</c>, <c>DELETE /Groups/{id}</c>: 204 (RFC 7644 §3.6), honouring <c>If-Match</c>.</summary>
internal sealed class DeleteResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimResourceHandler handler, string id)
    {
        var store = handler.GetStore(context.RequestServices);
        var expected = await Preconditions.ExpectedVersionAsync(context, store, id).ConfigureAwait(false);
        var result = await store.DeleteAsync(id, expected, context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }

        return ScimResults.NoContent();
    }
}
