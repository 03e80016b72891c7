// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Server.Internal;

namespace ScimSync.Server.Endpoints;

/// <summary><c>DELETE /Users/{id}</c>, <c>DELETE /Groups/{id}</c>: 204 (RFC 7644 §3.6), honouring <c>If-Match</c>.</summary>
internal sealed class DeleteResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimResourceHandler handler, string id)
    {
        await ScimResourceOperations.DeleteAsync(ScimRequest.OperationContext(context), handler, id, ScimRequest.IfMatch(context.Request)).ConfigureAwait(false);
        return ScimResults.NoContent();
    }
}
