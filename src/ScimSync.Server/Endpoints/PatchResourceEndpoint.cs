// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>PATCH /Users/{id}</c>, <c>PATCH /Groups/{id}</c> (RFC 7644 §3.5.2). A members-only group PATCH answers 204
/// without loading the (possibly large) group unless the client asked for attributes back.
/// </summary>
internal sealed class PatchResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, string id)
    {
        var body = await ScimRequest.ReadJsonBodyAsync(context).ConfigureAwait(false);
        var attributes = ScimRequest.ParseAttributeList(context.Request.Query["attributes"]);
        var excluded = ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]);
        var operation = ScimRequest.OperationContext(context);
        PatchOutcome outcome;
        if (handler.IsGroup && handler.GetStore(context.RequestServices) is IGroupStore groups &&
            ScimPatch.TryReadMembershipChange(body, out var change, out var displays, handler.PatchOptions) && !change.ReplacesAll)
        {
            // Entra ID's and Okta's member adds and removes: read in one pass, one row per member, the group never loaded.
            outcome = await ScimResourceOperations.PatchMembersAsync(operation, handler, groups, id, change, displays, ScimRequest.IfMatch(context.Request)).ConfigureAwait(false);
        }
        else
        {
            if (!ScimPatch.TryParse(body, out var request, out var error, handler.PatchOptions))
            {
                throw new ScimException(error);
            }

            outcome = await ScimResourceOperations.PatchAsync(operation, handler, id, request, ScimRequest.IfMatch(context.Request)).ConfigureAwait(false);
        }

        var stored = outcome.Resource;
        if (stored is null)
        {
            // RFC 7644 §3.5.2 allows 204 on success; only load the group when asked to return it.
            if (attributes is null && excluded is null)
            {
                context.Response.Headers.ETag = ScimRequest.ETag(outcome.Version);
                return ScimResults.NoContent();
            }

            var reread = await handler.GetStore(context.RequestServices)
                .GetAsync(id, ScimResourceWriter.SelectsMembers(handler, attributes, excluded), context.RequestAborted).ConfigureAwait(false);
            stored = reread.IsSuccess ? reread.Value! : throw new ScimException(reread.ToError());
        }

        return ScimResourceWriter.Respond(StatusCodes.Status200OK, stored, handler, route.BaseUrl(context), attributes, excluded);
    }
}
