// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ScimSync.Errors;
using ScimSync.Patching;
using ScimSync.Serialization;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>Who is changing what: the connection and the services of one request (or one bulk operation).</summary>
internal sealed class ScimOperationContext(ScimConnection connection, IServiceProvider services, CancellationToken cancellationToken)
{
    public ScimConnection Connection { get; } = connection;

    public IServiceProvider Services { get; } = services;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public ScimServerServices Server { get; } = services.GetRequiredService<ScimServerServices>();
}

/// <summary>The outcome of a PATCH: the stored resource, or only its version after a membership fast path.</summary>
internal sealed record PatchOutcome(StoredResource? Resource, string Version);

/// <summary>
/// The one pipeline every change goes through (HTTP endpoints, <c>/Bulk</c>, and later directory sync): validated
/// input in, the store's result out, SCIM errors as <see cref="ScimException"/>. Nothing here knows about HTTP.
/// </summary>
internal static class ScimResourceOperations
{
    public static async Task<StoredResource> CreateAsync(ScimOperationContext context, ScimResourceHandler handler, JsonObject resource)
    {
        var result = await handler.GetStore(context.Services).CreateAsync(resource, context.CancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
    }

    public static async Task<StoredResource> ReplaceAsync(ScimOperationContext context, ScimResourceHandler handler, string id, JsonObject resource, IReadOnlyList<string>? ifMatch)
    {
        var store = handler.GetStore(context.Services);
        var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
        var result = await store.ReplaceAsync(id, resource, expected, context.CancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value! : throw new ScimException(result.ToError());
    }

    public static async Task DeleteAsync(ScimOperationContext context, ScimResourceHandler handler, string id, IReadOnlyList<string>? ifMatch)
    {
        var store = handler.GetStore(context.Services);
        var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
        var result = await store.DeleteAsync(id, expected, context.CancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new ScimException(result.ToError());
        }
    }

    /// <summary>
    /// Applies a PATCH. A members-only group PATCH goes straight to the store's membership fast path (one row per
    /// member) and returns no resource; anything else is read, applied atomically by the PATCH engine, re-validated
    /// and written back at the version it was read, retrying a few times when the client sent no <c>If-Match</c>.
    /// </summary>
    public static async Task<PatchOutcome> PatchAsync(ScimOperationContext context, ScimResourceHandler handler, string id, PatchRequest request, IReadOnlyList<string>? ifMatch)
    {
        var store = handler.GetStore(context.Services);
        var expected = await ExpectedVersionAsync(context, store, id, ifMatch).ConfigureAwait(false);
        if (handler.IsGroup && store is IGroupStore groups &&
            ScimPatch.TryGetMembershipChange(request, out var change, handler.PatchOptions.Compatibility) && !change.ReplacesAll)
        {
            var changed = await groups.ModifyMembersAsync(id, MembersToAdd(request, change), change.Removed, expected, context.CancellationToken).ConfigureAwait(false);
            return changed.IsSuccess ? new PatchOutcome(null, changed.Value!.Version) : throw new ScimException(changed.ToError());
        }

        var retries = context.Server.Options.CurrentValue.PatchConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(id, includeMembers: true, context.CancellationToken).ConfigureAwait(false);
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
            var applied = handler.PatchEngine.Apply(resource, request);
            if (!applied.Succeeded)
            {
                throw new ScimException(applied.Error!);
            }

            if (!applied.Changed)
            {
                return new PatchOutcome(stored, stored.Version);
            }

            // The engine keeps the resource well-formed; the reader re-checks what a PUT would (required attributes).
            if (!handler.Reader.TryRead(resource, ScimReadMode.Replace, out var validated, out var invalid))
            {
                throw new ScimException(invalid!);
            }

            var written = await store.ReplaceAsync(id, validated!, stored.Version, context.CancellationToken).ConfigureAwait(false);
            if (written.Status == StoreResultStatus.VersionMismatch && expected is null && attempt < retries)
            {
                Log.PatchRetry(context.Server.Logger, handler.Type.Name, id, attempt + 1);
                continue;
            }

            return written.IsSuccess ? new PatchOutcome(written.Value!, written.Value!.Version) : throw new ScimException(written.ToError());
        }
    }

    /// <summary>
    /// Turns <c>If-Match</c> into the version a store write must find (RFC 7644 §3.14): <see langword="null"/> without
    /// one (or with <c>*</c>); the single listed version; or, for a list, the current version when the list contains
    /// it. Throws 412 when it does not.
    /// </summary>
    private static async ValueTask<string?> ExpectedVersionAsync(ScimOperationContext context, IResourceStore store, string id, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count == 1)
        {
            return tags[0];
        }

        var current = await store.GetAsync(id, includeMembers: false, context.CancellationToken).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            throw new ScimException(current.ToError());
        }

        return tags.Contains(current.Value!.Version, StringComparer.Ordinal)
            ? current.Value.Version
            : throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
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
}
