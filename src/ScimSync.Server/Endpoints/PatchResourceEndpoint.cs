// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Server.Internal;
using ScimSync.Stores;

namespace ScimSync.Server.Endpoints;

/// <summary>
/// <c>PATCH /Users/{id}</c>, <c>PATCH /Groups/{id}</c> (RFC 7644 §3.5.2). A members-only group PATCH goes straight to
/// the store's membership fast path (one row per member); anything else is read, applied atomically by the PATCH
/// engine, re-validated and written back at the version it was read, retrying a few times without <c>If-Match</c>.
/// </summary>
internal sealed class PatchResourceEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ScimRoute route, ScimResourceHandler handler, string id)
    {
        var body = await ScimRequest.ReadJsonBodyAsync(context).ConfigureAwait(false);
        var services = context.RequestServices.GetRequiredService<ScimServerServices>();
        var options = services.Options.CurrentValue;
        if (!ScimPatch.TryParse(body, out var request, out var error, handler.PatchOptions))
        {
            throw new ScimException(error);
        }

        var attributes = ScimRequest.ParseAttributeList(context.Request.Query["attributes"]);
        var excluded = ScimRequest.ParseAttributeList(context.Request.Query["excludedAttributes"]);
        var store = handler.GetStore(context.RequestServices);
        var expected = await Preconditions.ExpectedVersionAsync(context, store, id).ConfigureAwait(false);
        var baseUrl = route.BaseUrl(context.Request);

        if (handler.IsGroup && store is IGroupStore groups &&
            ScimPatch.TryGetMembershipChange(request, out var change, handler.PatchOptions.Compatibility) && !change.ReplacesAll)
        {
            var changed = await groups.ModifyMembersAsync(
                id,
                MembersToAdd(request, change),
                change.Removed,
                expected,
                context.RequestAborted).ConfigureAwait(false);
            if (!changed.IsSuccess)
            {
                throw new ScimException(changed.ToError());
            }

            // RFC 7644 §3.5.2 allows 204 on success; only load the (possibly large) group when asked to return it.
            if (attributes is null && excluded is null)
            {
                context.Response.Headers.ETag = ScimRequest.ETag(changed.Value!.Version);
                return ScimResults.NoContent();
            }

            var reread = await store.GetAsync(id, ScimResourceWriter.SelectsMembers(handler, attributes, excluded), context.RequestAborted).ConfigureAwait(false);
            return reread.IsSuccess
                ? ScimResourceWriter.Respond(StatusCodes.Status200OK, reread.Value!, handler, baseUrl, attributes, excluded)
                : throw new ScimException(reread.ToError());
        }

        return await ApplyWithEngineAsync(context, handler, store, handler.PatchEngine, request, id, expected, attributes, excluded, baseUrl, options, services).ConfigureAwait(false);
    }

    /// <summary>The ids to add, with the <c>display</c> the request gave for them (Okta sends it).</summary>
    private static List<GroupMember> MembersToAdd(PatchRequest request, MembershipChange change)
    {
        var displays = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in request.Operations)
        {
            if (operation.Type == PatchOperationType.Add && operation.Value is JsonArray values)
            {
                foreach (var value in values.OfType<JsonObject>())
                {
                    if (value["value"] is JsonValue id && id.TryGetValue<string>(out var memberId) &&
                        value["display"] is JsonValue display && display.TryGetValue<string>(out var text))
                    {
                        displays[memberId] = text;
                    }
                }
            }
        }

        return [.. change.Added.Select(id => new GroupMember(id, null, displays.GetValueOrDefault(id)))];
    }

    private static async Task<IResult> ApplyWithEngineAsync(
        HttpContext context,
        ScimResourceHandler handler,
        IResourceStore store,
        ScimPatchEngine engine,
        PatchRequest request,
        string id,
        string? expected,
        IReadOnlyList<AttributePath>? attributes,
        IReadOnlyList<AttributePath>? excluded,
        string baseUrl,
        ScimServerOptions options,
        ScimServerServices services)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(id, includeMembers: true, context.RequestAborted).ConfigureAwait(false);
            if (!current.IsSuccess)
            {
                throw new ScimException(current.ToError());
            }

            var stored = current.Value!;
            if (expected is not null && !string.Equals(expected, stored.Version, StringComparison.Ordinal))
            {
                throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
            }

            var resource = (JsonObject)stored.Resource.DeepClone();
            var applied = engine.Apply(resource, request);
            if (!applied.Succeeded)
            {
                throw new ScimException(applied.Error!);
            }

            if (!applied.Changed)
            {
                return ScimResourceWriter.Respond(StatusCodes.Status200OK, stored, handler, baseUrl, attributes, excluded);
            }

            // The engine keeps the resource well-formed; the reader re-checks what a PUT would (required attributes).
            if (!handler.Reader.TryRead(resource, ScimReadMode.Replace, out var validated, out var invalid))
            {
                throw new ScimException(invalid!);
            }

            var written = await store.ReplaceAsync(id, validated!, stored.Version, context.RequestAborted).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < options.PatchConflictRetries)
            {
                Log.PatchRetry(services.Logger, handler.Type.Name, id, attempt + 1);
                continue;
            }

            return written.IsSuccess
                ? ScimResourceWriter.Respond(StatusCodes.Status200OK, written.Value!, handler, baseUrl, attributes, excluded)
                : throw new ScimException(written.ToError());
        }
    }
}
