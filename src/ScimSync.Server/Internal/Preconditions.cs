// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using ScimSync.Errors;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>Turns <c>If-Match</c> into the version a store write must find (RFC 7644 §3.14).</summary>
internal static class Preconditions
{
    /// <summary>
    /// Returns <see langword="null"/> without <c>If-Match</c> (or with <c>*</c>); the single listed version; or, for a
    /// list, the current version when the list contains it. Throws 412 when it does not.
    /// </summary>
    public static async ValueTask<string?> ExpectedVersionAsync(HttpContext context, IResourceStore store, string id)
    {
        var tags = ScimRequest.IfMatch(context.Request);
        if (tags is null)
        {
            return null;
        }

        if (tags.Count == 1)
        {
            return tags[0];
        }

        var current = await store.GetAsync(id, includeMembers: false, context.RequestAborted).ConfigureAwait(false);
        if (!current.IsSuccess)
        {
            throw new ScimException(current.ToError());
        }

        return tags.Contains(current.Value!.Version, StringComparer.Ordinal)
            ? current.Value.Version
            : throw new ScimException(ScimError.PreconditionFailed("The resource's version does not match If-Match."));
    }
}
