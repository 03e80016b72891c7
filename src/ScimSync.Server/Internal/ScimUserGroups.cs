// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Patching;
using ScimSync.Stores;

namespace ScimSync.Server.Internal;

/// <summary>
/// A User's read-only <c>groups</c> (RFC 7643 §4.1.2): the groups it is a direct member of, from
/// <see cref="IGroupStore.ListGroupsOfMemberAsync"/>, for stores that do not derive the attribute themselves.
/// </summary>
internal static class ScimUserGroups
{
    /// <summary>
    /// Whether a response holds <c>groups</c>: when <c>attributes</c> names it, or (with
    /// <paramref name="byDefault"/>, for single resources) unless <c>excludedAttributes</c> names it. Lists pass
    /// <see langword="false"/> so a page costs one query, not one per user.
    /// </summary>
    public static bool Selects(ScimResourceHandler handler, IReadOnlyList<AttributePath>? attributes, IReadOnlyList<AttributePath>? excluded, bool byDefault)
    {
        if (handler.IsGroup)
        {
            return false;
        }

        if (attributes is { Count: > 0 })
        {
            return attributes.Any(IsGroups);
        }

        return byDefault && (excluded is null || !excluded.Any(p => IsGroups(p) && p.SubAttributeName is null));

        bool IsGroups(AttributePath p) =>
            string.Equals(p.AttributeName, "groups", StringComparison.OrdinalIgnoreCase) &&
            (p.SchemaUri is null || string.Equals(p.SchemaUri, handler.Type.Schema.Id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds <c>groups</c> to the users that lack it; a store that already derives it is left alone.</summary>
    public static async ValueTask AddAsync(IEnumerable<StoredResource> users, IGroupStore groups, CancellationToken cancellationToken)
    {
        foreach (var user in users)
        {
            if (user.ContainsAttribute("groups"))
            {
                continue;
            }

            var memberOf = await groups.ListGroupsOfMemberAsync(user.Id, cancellationToken).ConfigureAwait(false);
            if (memberOf.Count == 0)
            {
                // RFC 7643 §2.5: an empty multi-valued attribute is unassigned.
                continue;
            }

            user.SetDerivedGroups(memberOf);
        }
    }
}
